import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import { Worker, type ActivityInterceptorsFactory, type NativeConnection } from '@temporalio/worker';
import { createDataConverter } from '../codec/data-converter.js';
import type { Config } from '../config/env.js';
import type { Logger } from '../observability/logger.js';
import type { Tracing } from '../observability/tracing.js';
import { activityLogging } from './activity-logging.js';
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
 * in the Docker image) and starts in a moment; without, it bundles the sources at start.
 */
export function createWorker({ connection, config, activities, logger, tracing }: WorkerDeps): Promise<Worker> {
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
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    dataConverter: createDataConverter(config.PAYLOAD_KEYS),
    ...(bundlePath
      ? { workflowBundle: { codePath: traced ? tracedBundlePath(bundlePath) : bundlePath } }
      : { workflowsPath: WORKFLOWS_PATH }),
    activities,
    interceptors: {
      ...(bundlePath ? {} : { workflowModules: workflowInterceptorModules(traced) }),
      activity: activityInterceptors,
    },
    ...(tracing ? { sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) } } : {}),
  });
}
