import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { ConnectPspActivities } from '../../activities/index.js';
import { connectPspWriteActivityOptions } from '../../activities/retry-policies.js';
import { formatBrl } from '../../connectpsp/money.js';
import { parking } from '../lifecycle/attention.js';

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
 * faults are neither: the workflow waits them out (`lifecycle/attention.ts`).
 */
export async function rebalance(request: RebalanceRequest): Promise<RebalanceOutcome> {
  // Our own faults (credentials, an invalid answer) park it: the service's repeats get 503 until it goes through.
  const parked = parking({}, { kind: 'REBALANCE' });
  const finished = (outcome: Omit<RebalanceOutcome, 'requestId' | 'targetCentavos' | 'finishedAt'>) => ({
    requestId: request.requestId,
    targetCentavos: request.targetCentavos,
    ...outcome,
    finishedAt: new Date(Date.now()).toISOString(),
  });
  try {
    const result = await parked.call(
      () =>
        callRebalance.executeWithOptions(
          { ...connectPspWriteActivityOptions, summary: `rebalance to R$ ${formatBrl(request.targetCentavos)}` },
          [{ operation: 'rebalance', targetCentavos: request.targetCentavos }],
        ),
      { what: 'rebalance at ConnectPSP' },
    );
    return finished({ status: result.success ? 'COMPLETED' : 'REFUSED', message: result.message });
  } catch (err) {
    if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure)) throw err;
    const failure = { code: err.cause.type ?? 'UNKNOWN', message: err.cause.message };
    return finished({ status: 'REFUSED', message: failure.message, failure });
  }
}
