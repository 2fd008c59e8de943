import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CashInPspEvent, CashInView, RefundRequest } from './types.js';

/** Update-with-start target: answers once ConnectPSP accepted (or refused) the charge. */
export const createCashInUpdate = defineUpdate<CashInView>('createCashIn');
/** Confirms a PAID cash-in in manual settlement mode. */
export const settleCashInUpdate = defineUpdate<CashInView>('settleCashIn');
/** Asks for a full refund; answers at once with status REFUNDING. */
export const refundCashInUpdate = defineUpdate<CashInView, [RefundRequest]>('refundCashIn');
/** A verified ConnectPSP webhook for this cash-in. */
export const cashInEventSignal = defineSignal<[CashInPspEvent]>('cashInEvent');
export const cashInViewQuery = defineQuery<CashInView>('cashInView');

export const cashInWorkflowId = (externalReference: string) => `cash-in:${externalReference}`;

/** Cuts a held-up lifecycle's wait short: the same call is made again at once. */
export { retryNowSignal } from '../lifecycle/our-faults.js';
