import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isGrpcServiceError, type WorkflowService } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import type { WorkerDeploymentOptions } from '@temporalio/worker';
import type { Config } from '../config/env.js';
import type { Logger } from '../observability/logger.js';

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * The default build id: the release (package.json) and a digest of the untraced workflow bundle. Every replica
 * of one release computes the same one, traced or not; any change to the workflow code, or to what it bundles
 * (the SDK), makes a new one, so two different workflow codes never share a deployment version.
 */
export function defaultBuildId(untracedBundleCode: string): string {
  return `${PACKAGE_VERSION}-${createHash('sha256').update(untracedBundleCode).digest('hex').slice(0, 12)}`;
}

/**
 * Payment lifecycles live for days (a cash-out stays open 7 days for returns): pinning them would keep every old
 * build running for a week after each deploy, and a fix would never reach the runs that need it. So workflows
 * follow the current version on their next task (AUTO_UPGRADE), and a change to a released workflow is guarded by
 * `patched()` (CONTRIBUTING.md). Workflows that end within minutes are PINNED in their own definition.
 */
export const DEFAULT_VERSIONING_BEHAVIOR = 'AUTO_UPGRADE';

/** The worker's deployment options; with versioning off, the version is still reported to the server. */
export function workerDeploymentOptions(config: Config, untracedBundleCode: string): WorkerDeploymentOptions {
  const version = {
    deploymentName: config.TEMPORAL_WORKER_DEPLOYMENT_NAME,
    buildId: config.TEMPORAL_WORKER_BUILD_ID ?? defaultBuildId(untracedBundleCode),
  };
  return config.TEMPORAL_WORKER_VERSIONING
    ? { useWorkerVersioning: true, version, defaultVersioningBehavior: DEFAULT_VERSIONING_BEHAVIOR }
    : { useWorkerVersioning: false, version };
}

/** gRPC DEADLINE_EXCEEDED, NOT_FOUND, FAILED_PRECONDITION, ABORTED, UNAVAILABLE. */
const RETRYABLE_CODES = [4, 5, 9, 10, 14];

export type SetCurrentOutcome = 'set' | 'already current' | 'left' | 'versioning off';

/**
 * Makes a versioned worker's version the deployment's current one, as `TEMPORAL_WORKER_SET_CURRENT` says: `if-none`
 * only while the deployment has neither a current nor a ramping version (its first deploy, a fresh dev server),
 * `always` (`npm start`, `npm run cluster`: the code just started is the one to run), `never` (rollouts done with
 * `temporal worker deployment`, docs/DEPLOYMENT.md). Call it once the worker runs: the server knows a version only
 * after its first poll, so this retries until then.
 */
export async function ensureCurrentVersion(
  service: WorkflowService,
  config: Config,
  version: WorkerDeploymentVersion | undefined,
  logger?: Logger,
  timeoutMs = 30_000,
): Promise<SetCurrentOutcome> {
  if (!config.TEMPORAL_WORKER_VERSIONING || version === undefined) return 'versioning off';
  const mode = config.TEMPORAL_WORKER_SET_CURRENT;
  const { deploymentName, buildId } = version;
  const namespace = config.TEMPORAL_NAMESPACE;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const described = await service.describeWorkerDeployment({ namespace, deploymentName });
      const routing = described.workerDeploymentInfo?.routingConfig;
      const current = routing?.currentDeploymentVersion?.buildId;
      const ramping = routing?.rampingDeploymentVersion?.buildId;
      if (current === buildId) return 'already current';
      if (mode === 'never' || (mode === 'if-none' && (current || ramping))) {
        logger?.warn(
          { deploymentName, buildId, current: current ?? 'none', ramping: ramping ?? 'none' },
          'this worker version is not current: it gets no new workflows until set current (docs/DEPLOYMENT.md)',
        );
        return 'left';
      }
      const known = described.workerDeploymentInfo?.versionSummaries?.some(
        (summary) => summary.deploymentVersion?.buildId === buildId,
      );
      if (known) {
        await service.setWorkerDeploymentCurrentVersion({
          namespace,
          deploymentName,
          buildId,
          conflictToken: described.conflictToken,
          identity: `pix-agent worker (TEMPORAL_WORKER_SET_CURRENT=${mode})`,
        });
        logger?.info({ deploymentName, buildId, previous: current ?? 'none' }, 'worker version set current');
        return 'set';
      }
    } catch (err) {
      // NOT_FOUND: no worker of the deployment has polled yet. A conflict: another replica set it meanwhile. A
      // deadline or an unavailable server: a dev server just started on a full database can be slow to answer.
      const retryable = isGrpcServiceError(err) && RETRYABLE_CODES.includes(err.code);
      if (!retryable || Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) {
      throw new Error(`worker version ${deploymentName}:${buildId} was not seen by the server in ${timeoutMs} ms`);
    }
    await sleep(200);
  }
}
