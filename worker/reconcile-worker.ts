import { Worker, type NativeConnection, type WorkerDeploymentOptions } from '@temporalio/worker';
import type { ReconcileDueActivities } from '../activities/reconcile-due.js';
import { createDataConverter } from '../codec/data-converter.js';
import type { Config } from '../config/env.js';
import { reconcileTaskQueue } from '../workflows/reconcile/types.js';

/**
 * The reconciliation's lookups on a task queue of their own, so a pass never takes an activity slot from a
 * lifecycle nor waits behind one. Same deployment version as the lifecycle worker: a pass pinned to a build runs
 * its lookups on that build. One pass runs at a time; two slots let a retry start while a slow attempt ends.
 */
export function createReconcileWorker(deps: {
  connection: NativeConnection;
  config: Config;
  activities: ReconcileDueActivities;
  workerDeploymentOptions?: WorkerDeploymentOptions;
}): Promise<Worker> {
  const { connection, config, activities, workerDeploymentOptions } = deps;
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: reconcileTaskQueue(config.TEMPORAL_TASK_QUEUE),
    dataConverter: createDataConverter(config.PAYLOAD_KEYS, { compress: config.PAYLOAD_COMPRESSION }),
    activities,
    maxConcurrentActivityTaskExecutions: 2,
    ...(workerDeploymentOptions ? { workerDeploymentOptions } : {}),
  });
}
