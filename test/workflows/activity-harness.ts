import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { ConnectPspActivities } from '../../activities/index.js';
import { connectPspReadActivityOptions, connectPspWriteActivityOptions } from '../../activities/retry-policies.js';

/**
 * Test-only workflow: runs one ConnectPSP activity with the production activity options, only with shorter
 * retry intervals so that a test sees Temporal's retries within seconds.
 */

export type ActivityName = keyof ConnectPspActivities;

const KIND: Record<ActivityName, ActivityOptions> = {
  createCashIn: connectPspWriteActivityOptions,
  getCashIn: connectPspReadActivityOptions,
  refundCashIn: connectPspWriteActivityOptions,
  createCashOut: connectPspWriteActivityOptions,
  getCashOut: connectPspReadActivityOptions,
  getBalance: connectPspReadActivityOptions,
  rebalance: connectPspWriteActivityOptions,
};

function fast(options: ActivityOptions): ActivityOptions {
  return { ...options, retry: { ...options.retry, initialInterval: '200 ms', maximumInterval: '1 second' } };
}

export async function runConnectPspActivity(name: ActivityName, input?: unknown): Promise<unknown> {
  const activities = proxyActivities<Record<ActivityName, (input?: unknown) => Promise<unknown>>>(fast(KIND[name]));
  return activities[name](input);
}
