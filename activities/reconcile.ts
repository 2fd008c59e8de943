import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ConnectPspClient } from '../connectpsp/client.js';
import { isConnectPspError } from '../connectpsp/errors.js';
import { cashInEventSignal, cashInViewQuery } from '../workflows/cash-in/messages.js';
import { CashInStatus, type CashInPspEvent, type CashInView } from '../workflows/cash-in/types.js';
import { cashOutEventSignal, cashOutViewQuery } from '../workflows/cash-out/messages.js';
import { cashOutEventOf, CashOutStatus, type CashOutPspEvent, type CashOutView } from '../workflows/cash-out/types.js';
import type {
  ReconcileFinding,
  ReconcileOutcome,
  ReconcilePageInput,
  ReconcilePageResult,
} from '../workflows/reconcile/types.js';
import { toCashInResult, toCashOutResult } from './results.js';
import type { CashInResult, CashOutResult } from './types.js';

/** Every lifecycle that is open or inside a window is a running workflow: awaiting, processing, returns, late payments. */
const OPEN_LIFECYCLES = `ExecutionStatus = 'Running' AND WorkflowType IN ('cashIn', 'cashOut')`;
/** Lifecycles checked at once within a page: bounds the load on Temporal and ConnectPSP. */
const CONCURRENCY = 8;

/** The webhook that reports each final ConnectPSP status of a cash-out. */
export const CASH_OUT_EVENT: Partial<Record<string, CashOutPspEvent['eventType']>> = {
  COMPLETED: 'CASHOUT_COMPLETED',
  FAILED: 'CASHOUT_FAILED',
  CANCELLED: 'CASHOUT_FAILED',
  REFUNDED: 'CASHOUT_REFUNDED',
};

export interface Check {
  outcome: ReconcileOutcome;
  finding?: ReconcileFinding;
  /** For a repair: when ConnectPSP says the missed event happened (paidAt, completedAt…). */
  happenedAt?: string;
}

export type ReconcileActivities = ReturnType<typeof createReconcileActivities>;

/**
 * The reconciliation's one activity: a page of running lifecycles from visibility, each compared with one
 * ConnectPSP `GET`. A missed event is delivered through the lifecycle's own event signal, the path a webhook
 * takes, so the workflow applies it with its usual rules (duplicates ignored, never backwards). Per-lifecycle
 * failures become `unchecked` findings rather than a retry of the page, so a pass asks ConnectPSP once per
 * lifecycle.
 */
export function createReconcileActivities(deps: { temporal: Client; connectPsp: ConnectPspClient; namespace: string }) {
  const { temporal, connectPsp } = deps;

  const { checkCashIn, checkCashOut } = createQueryChecks(temporal, connectPsp);

  return {
    async reconcilePage(input: ReconcilePageInput): Promise<ReconcilePageResult> {
      const response = await temporal.workflowService.listWorkflowExecutions({
        namespace: deps.namespace,
        query: OPEN_LIFECYCLES,
        pageSize: input.pageSize,
        nextPageToken: input.pageToken ? Buffer.from(input.pageToken, 'base64') : undefined,
      });
      const executions = (response.executions ?? []).map((e) => ({
        workflowId: e.execution?.workflowId ?? '',
        type: e.type?.name,
        reference: referenceOf(e.searchAttributes?.indexedFields?.PaymentReference),
      }));
      const result: ReconcilePageResult = {
        counts: { agreed: 0, repaired: 0, disagreed: 0, unchecked: 0 },
        repairs: [],
        disagreements: [],
      };
      let next = 0;
      const worker = async () => {
        while (next < executions.length) {
          const execution = executions[next++]!;
          const kind = execution.type === 'cashIn' ? 'CASH_IN' : 'CASH_OUT';
          let check: Check;
          try {
            check = await (kind === 'CASH_IN' ? checkCashIn : checkCashOut)(execution.workflowId);
          } catch (err) {
            // Closed meanwhile, not answering, or ConnectPSP unreachable: the next pass tries again.
            const why = isConnectPspError(err) ? `ConnectPSP: ${err.code}` : `not checked: ${(err as Error).name}`;
            check = {
              outcome: isConnectPspError(err) && err.status === 404 ? 'disagreed' : 'unchecked',
              finding: { kind, externalReference: execution.reference, local: '?', remote: '?', why },
            };
          }
          result.counts[check.outcome]++;
          if (check.finding && check.outcome === 'repaired') result.repairs.push(check.finding);
          else if (check.finding) result.disagreements.push(check.finding);
          Context.current().heartbeat(next);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const token = response.nextPageToken;
      return {
        ...result,
        nextPageToken: token && token.length > 0 ? Buffer.from(token).toString('base64') : undefined,
      };
    },
  };
}

export function referenceOf(payload: Parameters<typeof defaultPayloadConverter.fromPayload>[0] | undefined): string {
  if (!payload) return '?';
  const value = defaultPayloadConverter.fromPayload<unknown>(payload);
  return typeof value === 'string' ? value : '?';
}

export function paidEvent(remote: CashInResult, endToEndId: string): CashInPspEvent {
  return {
    eventType: 'CASHIN_PAID',
    eventAt: new Date().toISOString(),
    transactionId: remote.transactionId,
    status: 'PAID',
    amountCentavos: remote.amountCentavos,
    endToEndId,
    paidAt: remote.paidAt ?? undefined,
  };
}

export function refundedEvent(remote: CashInResult, originalEndToEndId: string): CashInPspEvent {
  return {
    eventType: 'CASHIN_REFUNDED',
    eventAt: new Date().toISOString(),
    transactionId: remote.transactionId,
    status: 'REFUNDED',
    amountCentavos: remote.amountCentavos,
    endToEndId: remote.endToEndId ?? undefined,
    originalEndToEndId,
  };
}

/**
 * Compares one lifecycle with ConnectPSP by asking its workflow for its view first: the way for lifecycles that
 * do not publish ConnectPSP's id in their search attributes (started before they did).
 */
export function createQueryChecks(temporal: Client, connectPsp: ConnectPspClient) {
  const checkCashIn = async (workflowId: string): Promise<Check> => {
    const handle = temporal.workflow.getHandle(workflowId);
    const view: CashInView = await handle.query(cashInViewQuery);
    if (!view.connectPsp) return { outcome: 'agreed' };
    const remote = toCashInResult(await connectPsp.getCashIn(view.connectPsp.transactionId));
    const finding = (remoteStatus: string, why: string): ReconcileFinding => ({
      kind: 'CASH_IN',
      externalReference: view.externalReference,
      local: view.status,
      remote: remoteStatus,
      why,
    });
    const paidEndToEndId = remote.originalEndToEndId ?? remote.endToEndId;
    const known = view.payments.find((p) => p.endToEndId === paidEndToEndId);
    if ((remote.status === 'PAID' || remote.status === 'REFUNDED') && paidEndToEndId && !known) {
      await handle.signal(cashInEventSignal, paidEvent(remote, paidEndToEndId));
      return {
        outcome: 'repaired',
        finding: finding(remote.status, 'CASHIN_PAID delivered (webhook missing)'),
        happenedAt: remote.paidAt,
      };
    }
    if (remote.status === 'REFUNDED' && known && known.disposition !== 'REFUNDED') {
      if (known.disposition !== 'REFUNDING') {
        return { outcome: 'disagreed', finding: finding(remote.status, 'refunded at ConnectPSP, not asked by us') };
      }
      await handle.signal(cashInEventSignal, refundedEvent(remote, paidEndToEndId!));
      return {
        outcome: 'repaired',
        finding: finding(remote.status, 'CASHIN_REFUNDED delivered (webhook missing)'),
        happenedAt: remote.refundedAt,
      };
    }
    const awaiting = view.status === CashInStatus.AWAITING_PAYMENT;
    if (awaiting && remote.status !== 'AWAITING_PAYMENT' && remote.status !== 'EXPIRED') {
      return { outcome: 'disagreed', finding: finding(remote.status, 'the charge can no longer be paid') };
    }
    return { outcome: 'agreed' };
  };

  const checkCashOut = async (workflowId: string): Promise<Check> => {
    const handle = temporal.workflow.getHandle(workflowId);
    const view: CashOutView = await handle.query(cashOutViewQuery);
    if (!view.connectPsp) return { outcome: 'agreed' };
    const remote = toCashOutResult(await connectPsp.getCashOut(view.connectPsp.transactionId));
    const finding = (why: string): ReconcileFinding => ({
      kind: 'CASH_OUT',
      externalReference: view.externalReference,
      local: view.status,
      remote: remote.status,
      why,
    });
    if (remote.amountCentavos !== view.amountCentavos) {
      return { outcome: 'disagreed', finding: finding(`amount ${remote.amountCentavos} ≠ ${view.amountCentavos}`) };
    }
    const event = CASH_OUT_EVENT[remote.status];
    const repairable =
      event !== undefined &&
      (view.status === CashOutStatus.PROCESSING ||
        (view.status === CashOutStatus.COMPLETED && event === 'CASHOUT_REFUNDED'));
    if (repairable) {
      await handle.signal(cashOutEventSignal, cashOutEventOf(remote, event, new Date().toISOString()));
      return {
        outcome: 'repaired',
        finding: finding(`${event} delivered (webhook missing)`),
        happenedAt: cashOutEventTime(remote, event),
      };
    }
    const agrees =
      remote.status === view.status || (view.status === CashOutStatus.FAILED && remote.status === 'CANCELLED');
    if (!agrees) return { outcome: 'disagreed', finding: finding('no ConnectPSP event leads from ours to theirs') };
    return { outcome: 'agreed' };
  };

  return { checkCashIn, checkCashOut };
}

/** When ConnectPSP says a payout's missed event happened. */
export function cashOutEventTime(remote: CashOutResult, event: CashOutPspEvent['eventType']): string | undefined {
  if (event === 'CASHOUT_COMPLETED') return remote.completedAt;
  if (event === 'CASHOUT_REFUNDED') return remote.refundedAt;
  return remote.failedAt;
}
