import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CashOutPspEvent, CashOutView } from './types.js';

/** Update-with-start target: answers once ConnectPSP accepted (or refused) the payout. */
export const createCashOutUpdate = defineUpdate<CashOutView>('createCashOut');
/** A verified ConnectPSP webhook for this cash-out. */
export const cashOutEventSignal = defineSignal<[CashOutPspEvent]>('cashOutEvent');
export const cashOutViewQuery = defineQuery<CashOutView>('cashOutView');

export const cashOutWorkflowId = (externalReference: string) => `cash-out:${externalReference}`;

/** Cuts a held-up lifecycle's wait short: the same call is made again at once. */
export { retryNowSignal } from '../lifecycle/our-faults.js';
