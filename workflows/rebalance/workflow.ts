import { proxyActivities } from '@temporalio/workflow';
import type { ConnectPspActivities } from '../../activities/index.js';
import { connectPspWriteActivityOptions } from '../../activities/retry-policies.js';
import { refusalOf } from '../lifecycle/activity-failures.js';
import { retryOurFaults } from '../lifecycle/our-faults.js';
import { brl, now } from '../lifecycle/view.js';

const { rebalance: callRebalance } = proxyActivities<ConnectPspActivities>(connectPspWriteActivityOptions);

export interface RebalanceRequest {
  /** The service's id of this rebalance: the same id never rebalances twice. */
  requestId: string;
  /** Wanted transactional balance. */
  targetCentavos: number;
}

export interface RebalanceOutcome {
  requestId: string;
  targetCentavos: number;
  /** COMPLETED when ConnectPSP moved the funds, REFUSED when it said no (see `failure`). */
  status: 'COMPLETED' | 'REFUSED';
  message: string;
  failure?: { code: string; message: string };
  finishedAt: string;
}

export const rebalanceWorkflowId = (requestId: string) => `rebalance:${requestId}`;

/**
 * One signed `POST /account/rebalance`. The workflow id carries the service's `requestId` and is never reused
 * (the API starts it with REJECT_DUPLICATE), so a repeated request reads this run's result instead of moving
 * money again. A refusal is a result, not a failure: it is the answer every repeat must get too. Our own
 * faults are neither: the workflow waits them out (`lifecycle/our-faults.ts`).
 */
export async function rebalance(request: RebalanceRequest): Promise<RebalanceOutcome> {
  // Our own faults (credentials, an invalid answer) hold it up: the service's repeats get 503 until it goes through.
  const connectPsp = retryOurFaults({}, { kind: 'REBALANCE' });
  const finished = (outcome: Omit<RebalanceOutcome, 'requestId' | 'targetCentavos' | 'finishedAt'>) => ({
    requestId: request.requestId,
    targetCentavos: request.targetCentavos,
    ...outcome,
    finishedAt: now(),
  });
  try {
    const result = await connectPsp.call(
      () =>
        callRebalance.executeWithOptions(
          { ...connectPspWriteActivityOptions, summary: `rebalance to ${brl(request.targetCentavos)}` },
          [{ operation: 'rebalance', targetCentavos: request.targetCentavos }],
        ),
      { what: 'rebalance at ConnectPSP' },
    );
    return finished({ status: result.success ? 'COMPLETED' : 'REFUSED', message: result.message });
  } catch (err) {
    const refusal = refusalOf(err);
    if (!refusal) throw err;
    const failure = { code: refusal.type ?? 'UNKNOWN', message: refusal.message };
    return finished({ status: 'REFUSED', message: failure.message, failure });
  }
}
