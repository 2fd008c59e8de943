import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConnectPspActivities } from '../../activities/index.js';
import {
  connectPspCreateCashInLocalActivityOptions,
  connectPspReadActivityOptions,
  connectPspWriteActivityOptions,
} from '../../activities/retry-policies.js';
import { formatBrl } from '../../connectpsp/money.js';
import { parking } from '../lifecycle/attention.js';
import { asActivityFailure } from '../lifecycle/as-activity-failure.js';
import { CANCELLATION_REQUESTED, handleCancellation, shielded } from '../lifecycle/cancellation.js';
import { deadline } from '../lifecycle/deadline.js';
import { trackStatus } from '../lifecycle/status-tracker.js';
import {
  cashInEventSignal,
  cashInViewQuery,
  createCashInUpdate,
  refundCashInUpdate,
  settleCashInUpdate,
} from './messages.js';
import {
  CashInStatus,
  MAX_REFUND_DESCRIPTION,
  REFUND_LIMIT_DAYS,
  REFUND_REASONS,
  type CashInInput,
  type CashInPspEvent,
  type CashInView,
  type ReceivedPayment,
  type RefundRequest,
} from './types.js';

// Creation retries without limit too: its idempotency key makes every retry safe, and giving up could strand a
// charge ConnectPSP did create. The API stops waiting long before; the service asks again later.
const write = proxyActivities<ConnectPspActivities>(connectPspWriteActivityOptions);
const read = proxyActivities<ConnectPspActivities>(connectPspReadActivityOptions);
const local = proxyLocalActivities<ConnectPspActivities>(connectPspCreateCashInLocalActivityOptions);

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** How long to wait for CASHIN_REFUNDED before asking ConnectPSP, and the cap of the growing poll interval. */
const REFUND_WEBHOOK_GRACE = MINUTE;
const MAX_POLL_INTERVAL = 60 * MINUTE;
/** MISSING_END_TO_END_ID clears within minutes; past this many tries an operator looks at it. */
const MAX_REFUND_ATTEMPTS = 30;
/** Marks runs that went back to refund after their callbacks started (issue 8). */
const REFUND_WHILE_CLOSING_PATCH = 'refund-while-closing';
/** Marked runs whose create is a local activity in the first workflow task (issue 14), before `createInline`. */
const CREATE_INLINE_PATCH = 'create-local-activity';

/**
 * One PIX charge from creation to a terminal state (PRODUCT.md §5). ConnectPSP events arrive as signals;
 * the service's requests (create, settle, refund) as updates whose synchronous validators refuse a request
 * in the wrong state before it reaches history. Nothing paid is kept silently: an unexpected payment (late,
 * second, or of another amount) is refunded and shows in the timeline.
 */
export async function cashIn(input: CashInInput): Promise<CashInView> {
  const view: CashInView = input.resumeFrom ?? {
    externalReference: input.externalReference,
    status: CashInStatus.CREATING,
    amountCentavos: input.amountCentavos,
    settlementMode: input.settlement.mode,
    createdAt: now(),
    payments: [],
    timeline: [{ status: CashInStatus.CREATING, at: now(), reason: 'charge requested' }],
    requestFingerprint: input.requestFingerprint,
    creationRequestId: input.creationRequestId,
    callbackUrl: input.callbackUrl,
    metadata: input.metadata,
  };
  const seenEvents = new Set<string>();
  /** Payments to give back, in arrival order, with why. */
  const refundQueue: { payment: ReceivedPayment; request: RefundRequest; why: string }[] = [];

  const { transition, publish, callbacksStarted } = trackStatus(view, {
    kind: 'cash-in',
    callbackUrl: input.callbackUrl,
    describe: () => describe(view),
  });
  const parked = parking(view, {
    kind: 'CASH_IN',
    note: (reason) => view.timeline.push({ status: view.status, at: now(), reason }),
  });
  const accepted = () => view.payments.find((p) => p.disposition === 'ACCEPTED' && p.refundReason === undefined);

  const queueRefund = (payment: ReceivedPayment, request: RefundRequest, why: string) => {
    payment.refundReason = why;
    refundQueue.push({ payment, request, why });
  };

  const receivePayment = (endToEndId: string, amountCentavos: number, paidAt: string) => {
    if (view.payments.some((p) => p.endToEndId === endToEndId)) return;
    const payment: ReceivedPayment = { endToEndId, amountCentavos, paidAt, disposition: 'ACCEPTED' };
    view.payments.push(payment);
    const awaiting = view.status === CashInStatus.CREATING || view.status === CashInStatus.AWAITING_PAYMENT;
    if (!awaiting || accepted() !== payment) {
      const why =
        view.status === CashInStatus.EXPIRED
          ? 'late payment after expiry'
          : view.status === CashInStatus.CANCELLED
            ? 'payment after cancellation'
            : accepted() !== payment
              ? 'second payment for the same charge'
              : `payment while ${view.status}`;
      queueRefund(payment, { reason: 'DUPLICATED_PAYMENT', description: why }, why);
    } else if (amountCentavos !== view.amountCentavos) {
      queueRefund(
        payment,
        { reason: 'MERCHANT_ERROR', description: 'amount differs from the charge' },
        `paid ${brl(amountCentavos)} instead of ${brl(view.amountCentavos)}`,
      );
    }
  };

  setHandler(cashInViewQuery, () => view);

  setHandler(cashInEventSignal, (event: CashInPspEvent) => {
    const key = `${event.eventType}:${event.endToEndId ?? event.status}`;
    if (seenEvents.has(key)) return;
    seenEvents.add(key);
    if (event.eventType === 'CASHIN_PAID' && event.endToEndId) {
      receivePayment(event.endToEndId, event.amountCentavos, event.paidAt ?? event.eventAt);
    } else if (event.eventType === 'CASHIN_REFUNDED') {
      const original = event.originalEndToEndId ?? accepted()?.endToEndId ?? view.payments[0]?.endToEndId;
      const payment = view.payments.find((p) => p.endToEndId === original);
      if (payment) confirmRefund(payment, event.endToEndId);
    }
  });

  const confirmRefund = (payment: ReceivedPayment, refundEndToEndId: string | undefined) => {
    payment.disposition = 'REFUNDED';
    payment.refundEndToEndId ??= refundEndToEndId;
  };

  setHandler(
    createCashInUpdate,
    async () => {
      await shielded(() => condition(() => view.status !== CashInStatus.CREATING));
      return view;
    },
    { description: 'Answers with the charge (QR code or OpenFinance URL) once ConnectPSP accepted it' },
  );

  setHandler(
    settleCashInUpdate,
    () => {
      view.settledAt = now();
      transition(CashInStatus.SETTLED, 'settled by the service');
      return view;
    },
    {
      description: 'Settle: confirms a PAID cash-in in manual settlement mode. No input.',
      validator: () => {
        if (view.status !== CashInStatus.PAID || view.settlementMode !== 'manual') {
          throw ApplicationFailure.create({
            type: 'INVALID_STATE',
            message: `Only a PAID cash-in in manual settlement mode can be settled; this one is ${view.status}`,
            details: [view.status],
          });
        }
      },
    },
  );

  setHandler(
    refundCashInUpdate,
    (request) => {
      const payment = accepted();
      if (payment) queueRefund(payment, request, `refund requested: ${request.reason}`);
      transition(CashInStatus.REFUNDING, `refund requested: ${request.reason}`);
      return view;
    },
    {
      description:
        'Refund in full a PAID or SETTLED cash-in. Input: { "reason": "CUSTOMER_REQUEST", "description": "why" } ' +
        `(reason one of ${REFUND_REASONS.join(', ')})`,
      validator: (request: RefundRequest) => {
        // What an operator types in the UI's "Send an Update" gets the checks the API's schema makes.
        const reason: unknown = (request as Partial<RefundRequest> | undefined)?.reason;
        const description: unknown = (request as Partial<RefundRequest> | undefined)?.description;
        if (!(REFUND_REASONS as readonly unknown[]).includes(reason)) {
          throw ApplicationFailure.create({
            type: 'INVALID_REQUEST',
            message: `reason must be one of ${REFUND_REASONS.join(', ')}, e.g. { "reason": "CUSTOMER_REQUEST" }`,
            details: ['reason'],
          });
        }
        if (
          description !== undefined &&
          (typeof description !== 'string' || description.length > MAX_REFUND_DESCRIPTION)
        ) {
          throw ApplicationFailure.create({
            type: 'INVALID_REQUEST',
            message: `description must be a text of at most ${MAX_REFUND_DESCRIPTION} characters`,
            details: ['description'],
          });
        }
        const refundable = view.status === CashInStatus.PAID || view.status === CashInStatus.SETTLED;
        if (!refundable || !accepted()) {
          throw ApplicationFailure.create({
            type: 'INVALID_STATE',
            message: `Only a PAID or SETTLED cash-in can be refunded; this one is ${view.status}`,
            details: [view.status],
          });
        }
        if (view.paidAt && Date.now() - Date.parse(view.paidAt) > REFUND_LIMIT_DAYS * DAY) {
          throw ApplicationFailure.create({
            type: 'REFUND_WINDOW_CLOSED',
            message: `Refunds are accepted up to ${REFUND_LIMIT_DAYS} days after payment`,
            details: [view.status],
          });
        }
      },
    },
  );

  /** Gives every queued payment back, each with its own idempotency key, and waits for ConnectPSP to confirm. */
  const drainRefunds = async () => {
    while (refundQueue.length > 0) {
      const { payment, request, why } = refundQueue.shift()!;
      // Giving back the lifecycle's own payment refunds the cash-in; an extra payment, or one for a cancelled
      // charge, only shows in the timeline.
      const refundsCashIn = !accepted() && view.status !== CashInStatus.CANCELLED;
      if (refundsCashIn && view.status !== CashInStatus.REFUNDING) transition(CashInStatus.REFUNDING, why);
      publish();
      if (await refundPayment(payment, request)) {
        view.timeline.push({
          status: view.status,
          at: now(),
          reason: `payment ${payment.endToEndId} refunded (${why})`,
        });
      } else if (view.status === CashInStatus.REFUNDING) {
        // Back to where it was, so the service (or an operator) can act; nothing is hidden.
        transition(statusBeforeRefund(view), 'refund refused by ConnectPSP');
      }
    }
  };

  /** Gives one payment back. Resolves false when ConnectPSP refuses for good (the timeline says why). */
  const refundPayment = async (payment: ReceivedPayment, request: RefundRequest): Promise<boolean> => {
    if (payment.disposition !== 'REFUNDED') payment.disposition = 'REFUNDING';
    // ConnectPSP replays a refused request under the same idempotency key, so a retry after
    // MISSING_END_TO_END_ID (the settlement proof is not there yet) needs a key of its own.
    for (let attempt = 1; payment.disposition === 'REFUNDING'; attempt++) {
      try {
        const operation = refundOperation(payment.endToEndId, attempt);
        const result = await parked.call(
          () =>
            write.refundCashIn.executeWithOptions(
              { ...connectPspWriteActivityOptions, summary: `refund ${brl(payment.amountCentavos)}` },
              [{ operation, id: payment.endToEndId, ...request }],
            ),
          { what: 'refund the payment at ConnectPSP' },
        );
        payment.refundEndToEndId = result.endToEndId;
        if (result.status === 'REFUNDED') confirmRefund(payment, result.endToEndId);
        break;
      } catch (err) {
        const type = failureType(err);
        if (type === 'CASH_IN_ALREADY_REFUNDED') break;
        if (type === 'MISSING_END_TO_END_ID' && attempt < MAX_REFUND_ATTEMPTS) {
          await sleep(Math.min(attempt * MINUTE, MAX_POLL_INTERVAL));
          continue;
        }
        if (type === undefined) throw err;
        payment.disposition = 'ACCEPTED';
        view.timeline.push({ status: view.status, at: now(), reason: `refund refused by ConnectPSP: ${type}` });
        return false;
      }
    }
    let interval = REFUND_WEBHOOK_GRACE;
    while (!(await condition(() => payment.disposition === 'REFUNDED', interval))) {
      const remote = await parked.call(() => read.getCashIn({ id: payment.endToEndId }), {
        what: 'check the refund at ConnectPSP',
        everyFailure: true,
        moot: () => payment.disposition === 'REFUNDED',
      });
      if (remote?.status === 'REFUNDED') confirmRefund(payment, remote.endToEndId ?? undefined);
      interval = Math.min(interval * 2, MAX_POLL_INTERVAL);
    }
    return true;
  };

  const finish = async (): Promise<CashInView> => {
    do {
      await drainRefunds();
      if (view.status === CashInStatus.REFUNDING) {
        view.refundedAt = now();
        transition(CashInStatus.REFUNDED, 'ConnectPSP confirmed the refund');
      }
      publish();
      await callbacksStarted();
      // A refund (or a payment to give back) accepted while the callbacks were starting is done before the run
      // closes, never dropped. The patch marker is written only when that happens, so older histories replay.
    } while (refundQueue.length > 0 && patched(REFUND_WHILE_CLOSING_PATCH));
    return view;
  };

  // An operator's cancellation stops the wait for the service on a charge still payable and nothing else: what
  // ConnectPSP holds follows to its outcome, and the run completes normally.
  const noteCancellation = () => {
    const payable = view.status === CashInStatus.CREATING || view.status === CashInStatus.AWAITING_PAYMENT;
    if (!payable) {
      view.timeline.push({
        status: view.status,
        at: now(),
        reason: `${CANCELLATION_REQUESTED}: ignored while ${view.status}`,
      });
    }
  };

  return handleCancellation(noteCancellation, async (cancelRequested) => {
    if (input.resumeFrom) {
      // A later run of a closed lifecycle: it exists only to handle the message that reopened it.
      publish();
      await condition(() => refundQueue.length > 0, '1 minute');
      return finish();
    }

    // 1. Create the charge at ConnectPSP.
    try {
      const request = {
        operation: 'create',
        externalReference: input.externalReference,
        amountCentavos: input.amountCentavos,
        expirationInMinutes: input.expirationInMinutes,
        payer: input.payer,
        openFinance: input.openFinance,
      };
      const summary = `create charge ${brl(input.amountCentavos)}`;
      // Runs started with `createInline` (or, before it existed, that recorded the marker) create the charge inside
      // the first workflow task; older histories replay their activity task. A flagged run whose first task ran on a
      // worker that knew only the marker has the marker: its replay must ask for it again (a lookup, writes nothing).
      const inline = input.createInline === true ? true : patched(CREATE_INLINE_PATCH);
      if (input.createInline === true && workflowInfo().unsafe.isReplaying) patched(CREATE_INLINE_PATCH);
      const created = await parked.call(
        () =>
          inline
            ? local.createCashIn
                .executeWithOptions({ ...connectPspCreateCashInLocalActivityOptions, summary }, [request])
                .catch(asActivityFailure('createCashIn'))
            : write.createCashIn.executeWithOptions({ ...connectPspWriteActivityOptions, summary }, [request]),
        { what: 'create the charge at ConnectPSP' },
      );
      view.connectPsp = { transactionId: created.transactionId, internalCode: created.internalCode };
      view.pix = created.pixData ?? undefined;
      view.openFinance = created.paymentUrl ? { paymentUrl: created.paymentUrl } : undefined;
      view.expiresAt = new Date(Date.now() + input.expirationInMinutes * MINUTE).toISOString();
    } catch (err) {
      const failure = applicationFailureOf(err);
      if (!failure) throw err;
      view.failure = { code: failure.type ?? 'UNKNOWN', message: failure.message };
      transition(CashInStatus.FAILED, `ConnectPSP refused the charge: ${failure.type}`);
      return finish();
    }
    transition(CashInStatus.AWAITING_PAYMENT, 'ConnectPSP accepted the charge');
    publish();

    // 2. Wait for the payment or the deadline; at the deadline, ask ConnectPSP before declaring EXPIRED.
    const untilDeadline = Math.max(0, Date.parse(view.expiresAt!) - Date.now());
    const wakes = () => accepted() !== undefined || refundQueue.length > 0 || cancelRequested();
    let woken: boolean;
    if (input.leavesExpiryTimer === true) {
      // Runs started with the flag leave the timer pending when they complete in the task the payment woke
      // (auto settlement, nothing to give back): one history event fewer. Older runs cancel it, as recorded.
      const expiry = deadline(untilDeadline);
      await condition(() => wakes() || expiry.passed());
      woken = wakes();
      const completesNow = accepted() !== undefined && input.settlement.mode === 'auto' && refundQueue.length === 0;
      if (woken && !completesNow) await expiry.cancel();
    } else {
      woken = await condition(wakes, untilDeadline);
    }
    if (!woken) {
      const transactionId = view.connectPsp.transactionId;
      const remote = await parked.call(() => read.getCashIn({ id: transactionId }), {
        what: 'check the charge at ConnectPSP',
        everyFailure: true,
        moot: () => accepted() !== undefined || refundQueue.length > 0,
      });
      const paidEndToEndId = remote?.originalEndToEndId ?? remote?.endToEndId;
      if (remote && paidEndToEndId && (remote.status === 'PAID' || remote.status === 'REFUNDED')) {
        receivePayment(paidEndToEndId, remote.amountCentavos, remote.paidAt ?? now());
      }
    }
    const payment = accepted();
    if (!payment) {
      if (refundQueue.length === 0 && woken) {
        // Woken with nothing paid: an operator cancelled. The charge stays payable at ConnectPSP (it has no cancel),
        // so the run watches it as long as an EXPIRED one would and gives back what still arrives.
        transition(CashInStatus.CANCELLED, CANCELLATION_REQUESTED);
        publish();
        const payableUntil = Date.parse(view.expiresAt!) + input.latePaymentWindowMinutes * MINUTE;
        for (let left = payableUntil - Date.now(); left > 0; left = payableUntil - Date.now()) {
          if (await condition(() => refundQueue.length > 0, left)) await drainRefunds();
        }
      } else if (refundQueue.length === 0) {
        transition(CashInStatus.EXPIRED, 'no payment before the deadline (confirmed with ConnectPSP)');
        publish();
        await condition(() => refundQueue.length > 0, input.latePaymentWindowMinutes * MINUTE);
      }
      return finish();
    }

    // 3. Paid: settle now (auto) or when the service confirms within the window (manual).
    view.paidAt = payment.paidAt;
    view.connectPsp.endToEndId = payment.endToEndId;
    transition(CashInStatus.PAID, `PIX payment ${payment.endToEndId} received`);
    if (input.settlement.mode === 'auto') {
      view.settledAt = now();
      transition(CashInStatus.SETTLED, 'settled automatically');
    } else {
      publish();
      const decided = await condition(() => view.status !== CashInStatus.PAID, input.settlement.windowMinutes * MINUTE);
      if (!decided) {
        const why = 'settlement window missed';
        queueRefund(payment, { reason: 'MERCHANT_ERROR', description: why }, why);
      }
    }
    publish();
    // Pending work (a refund asked for meanwhile, a duplicate payment) is finished before the run closes.
    // A refund asked after this run closed reopens the lifecycle in a new run (`resumeFrom`).
    return finish();
  });
}

/** The first attempt keeps the plain name so histories recorded before retries existed replay unchanged. */
function refundOperation(endToEndId: string, attempt: number): string {
  return attempt === 1 ? `refund:${endToEndId}` : `refund:${endToEndId}:${attempt}`;
}

function statusBeforeRefund(view: CashInView): CashInStatus {
  const before = [...view.timeline].reverse().find((t) => t.status !== CashInStatus.REFUNDING);
  return before?.status ?? CashInStatus.PAID;
}

function brl(centavos: number): string {
  return `R$ ${formatBrl(centavos)}`;
}

function now(): string {
  return new Date(Date.now()).toISOString();
}

function describe(view: CashInView): string {
  return `**${view.status}** · ${brl(view.amountCentavos)} · ref \`${view.externalReference}\``;
}

function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause;
  return undefined;
}

function failureType(err: unknown): string | undefined {
  return applicationFailureOf(err)?.type ?? undefined;
}
