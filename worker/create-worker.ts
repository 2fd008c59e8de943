import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import { readFile } from 'node:fs/promises';
import {
  bundleWorkflowCode,
  Runtime,
  Worker,
  type ActivityInterceptorsFactory,
  type NativeConnection,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import { createDataConverter } from '../codec/data-converter.js';
import type { Config } from '../config/env.js';
import { pixPaymentsHandler } from '../nexus/pix-payments-handler.js';
import type { Logger } from '../observability/logger.js';
import type { Tracing } from '../observability/tracing.js';
import { activityLogging } from './activity-logging.js';
import { workerDeploymentOptions } from './versioning.js';
import { tracedBundlePath, WORKFLOWS_PATH, workflowInterceptorModules } from './workflow-bundle.js';

export { WORKFLOWS_PATH };

export interface WorkerDeps {
  connection: NativeConnection;
  config: Config;
  /** Activity implementations, from `createActivities`. */
  activities: object;
  /** Gets one line per activity execution with the workflow's and ConnectPSP's ids. @default no activity lines */
  logger?: Logger;
  /** Present only when tracing is on: activities and workflows then continue the caller's trace. */
  tracing?: Tracing;
}

/**
 * The worker. With `WORKFLOW_BUNDLE_PATH` it loads the bundle built ahead (`npm run bundle:workflows`, done
 * in the Docker image) and starts in a moment; without, it bundles the sources at start. Its deployment version
 * is in `worker.options.workerDeploymentOptions` (see `ensureCurrentVersion`).
 */
export async function createWorker({ connection, config, activities, logger, tracing }: WorkerDeps): Promise<Worker> {
  const traced = tracing !== undefined;
  const bundlePath = config.WORKFLOW_BUNDLE_PATH;
  const activityInterceptors: ActivityInterceptorsFactory[] = [];
  if (logger) activityInterceptors.push(activityLogging(logger));
  if (tracing) {
    activityInterceptors.push((ctx) => ({
      inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer: tracing.tracer }),
      outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
    }));
  }
  // The build id is derived from the untraced bundle, so traced and untraced replicas are one version.
  let untracedCode: string;
  let workflowBundle: WorkflowBundleOption;
  if (bundlePath) {
    untracedCode = await readFile(bundlePath, 'utf8');
    workflowBundle = { codePath: traced ? tracedBundlePath(bundlePath) : bundlePath };
  } else {
    const bundle = (withTracing: boolean) =>
      bundleWorkflowCode({
        workflowsPath: WORKFLOWS_PATH,
        workflowInterceptorModules: workflowInterceptorModules(withTracing),
        logger: Runtime.instance().logger,
      }).then(({ code }) => code);
    untracedCode = await bundle(false);
    workflowBundle = { code: traced ? await bundle(true) : untracedCode };
  }
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    dataConverter: createDataConverter(config.PAYLOAD_KEYS, { compress: config.PAYLOAD_COMPRESSION }),
    workflowBundle,
    workerDeploymentOptions: workerDeploymentOptions(config, untracedCode),
    activities,
    // The `pix-payments` Nexus service, for callers on Temporal in other namespaces (docs/NEXUS.md).
    nexusServices: [pixPaymentsHandler(config)],
    interceptors: {
      activity: activityInterceptors,
    },
    ...(tracing ? { sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) } } : {}),
  });
}
