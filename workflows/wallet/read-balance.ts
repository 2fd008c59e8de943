import { proxyActivities } from '@temporalio/workflow';
import type { BalanceResult, ConnectPspActivities } from '../../activities/index.js';

// A balance read is useful now or not at all: the caller waits on the line, so a ConnectPSP outage fails the
// read quickly (the API answers 503) instead of retrying for minutes.
const { getBalance } = proxyActivities<ConnectPspActivities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '20 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' },
});

/**
 * Reads the wallet from ConnectPSP through the worker, which holds the ConnectPSP credentials: the API only
 * ever talks to Temporal. The result holds the company's balances, no personal data.
 */
export async function readBalance(): Promise<BalanceResult> {
  return getBalance();
}
