import { ActivityFailure, ApplicationFailure, proxyActivities, setWorkflowOptions } from '@temporalio/workflow';
import type { BalanceResult, ConnectPspActivities } from '../../activities/index.js';

// A balance read is useful now or not at all: the caller waits on the line, so a ConnectPSP outage ends the
// read quickly (the API answers 503) instead of retrying for minutes.
const { getBalance } = proxyActivities<ConnectPspActivities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '20 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' },
});

/** The balance, or why ConnectPSP could not give it now: an answer either way, never a failed workflow. */
export type BalanceRead =
  { status: 'READ'; balance: BalanceResult } | { status: 'UNAVAILABLE'; failure: { code: string; message: string } };

/**
 * Reads the wallet from ConnectPSP through the worker, which holds the ConnectPSP credentials: the API only
 * ever talks to Temporal. The result holds the company's balances, no personal data.
 */
export async function readBalance(): Promise<BalanceRead> {
  try {
    return { status: 'READ', balance: await getBalance() };
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const code = err.cause instanceof ApplicationFailure ? (err.cause.type ?? 'UNKNOWN') : 'ACTIVITY_TIMEOUT';
    return { status: 'UNAVAILABLE', failure: { code, message: err.cause?.message ?? err.message } };
  }
}

// Ends within 20 s: it finishes on the build it started on, whatever is deployed meanwhile (docs/DEPLOYMENT.md).
setWorkflowOptions({ versioningBehavior: 'PINNED' }, readBalance);
