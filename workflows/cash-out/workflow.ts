import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { ConnectPspActivities } from '../../activities/index.js';
import {
  connectPspReadActivityOptions,
  connectPspReadLocalActivityOptions,
  connectPspWriteActivityOptions,
} from '../../activities/retry-policies.js';
import { formatBrl } from '../../connectpsp/money.js';
import { parking } from '../lifecycle/attention.js';
import { asActivityFailure } from '../lifecycle/as-activity-failure.js';
import { CANCELLATION_REQUESTED, handleCancellation, shielded } from '../lifecycle/cancellation.js';
import { trackStatus } from '../lifecycle/status-tracker.js';
import { cashOutEventSignal, cashOutViewQuery, createCashOutUpdate } from './messages.js';
import { cashOutEventOf, CashOutStatus, type CashOutInput, type CashOutPspEvent, type CashOutView } from './types.js';

// Creation retries without limit: its idempotency key (`operation: 'create'`) makes every retry safe, and giving
// up could leave a payout ConnectPSP did make with no lifecycle watching it.
const write = proxyActivities<ConnectPspActivities>(connectPspWriteActivityOptions);
const read = proxyActivities<ConnectPspActivities>(connectPspReadActivityOptions);
const local = proxyLocalActivities<ConnectPspActivities>(connectPspReadLocalActivityOptions);

const MINUTE = 60_000;
/** Cap of the growing interval between status checks of a payout whose webhook does not come. */
const MAX_POLL_INTERVAL = 60 * MINUTE;

/** How far along the lifecycle each status is: an event never moves it back (duplicates and stale news). */
const RANK: Record<CashOutStatus, number> = { CREATING: 0, PROCESSING: 1, COMPLETED: 2, FAILED: 2, REFUNDED: 3 };
const FINAL: readonly CashOutStatus[] = [CashOutStatus.FAILED, CashOutStatus.REFUNDED];

/**
 * One payout from creation to a known outcome (PRODUCT.md §5): CREATING → PROCESSING → COMPLETED | FAILED, and
 * COMPLETED → REFUNDED when the receiving bank returns it within the refund window. ConnectPSP events arrive as
 * signals; when none comes, the workflow asks ConnectPSP at growing intervals. Webhooks and polls go through one
 * forward-only state machine, so duplicated, reordered or late news changes nothing.
 */
export async function cashOut(input: CashOutInput): Promise<CashOutView> {
  const view: CashOutView = input.resumeFrom ?? initialView(input);

  const { transition, publish, callbacksStarted } = trackStatus(view, {
    kind: 'cash-out',
    callbackUrl: view.callbackUrl,
    describe: () => describe(view),
  });
  const parked = parking(view, {
    kind: 'CASH_OUT',
    note: (reason) => view.timeline.push({ status: view.status, at: now(), reason }),
  });

  /** Moves the lifecycle forward to what ConnectPSP reports, through every intermediate state. */
  const advance = (remote: CashOutPspEvent, how: string) => {
    const target = statusOf(remote.status);
    if (FINAL.includes(view.status) || RANK[target] <= RANK[view.status]) return;
    view.connectPsp ??= { transactionId: remote.transactionId, internalCode: remote.internalCode };
    if (view.status === CashOutStatus.CREATING) transition(CashOutStatus.PROCESSING, 'ConnectPSP accepted the payout');
    if (target === CashOutStatus.FAILED) {
      view.failure = remote.failure ?? {
        code: remote.status === 'CANCELLED' ? 'CANCELLED' : 'UNKNOWN',
        message: `ConnectPSP reports the payout as ${remote.status}`,
      };
      view.failedAt = remote.failedAt ?? now();
      transition(CashOutStatus.FAILED, `payout failed: ${view.failure.code} (${how})`);
      return;
    }
    if (target !== CashOutStatus.PROCESSING && view.status === CashOutStatus.PROCESSING) {
      // A REFUNDED report carries the settlement id as `originalEndToEndId`.
      view.connectPsp.endToEndId = remote.originalEndToEndId ?? remote.endToEndId;
      view.completedAt = remote.completedAt ?? now();
      transition(CashOutStatus.COMPLETED, `PIX ${view.connectPsp.endToEndId ?? ''} settled (${how})`);
    }
    if (target === CashOutStatus.REFUNDED) {
      view.connectPsp.originalEndToEndId = remote.originalEndToEndId ?? view.connectPsp.endToEndId;
      view.connectPsp.endToEndId = remote.endToEndId;
      view.refundedAt = remote.refundedAt ?? now();
      transition(
        CashOutStatus.REFUNDED,
        `returned by the receiving bank as ${remote.endToEndId ?? 'a devolution'} (${how})`,
      );
    }
  };

  /** Asks ConnectPSP; a webhook that moves the lifecycle on meanwhile makes the answer moot. */
  const poll = async () => {
    const before = view.status;
    const request = { id: view.connectPsp!.transactionId };
    const summary = 'check payout status';
    const remote = await parked.call(
      () =>
        input.pollsInline === true
          ? local.getCashOut
              .executeWithOptions({ ...connectPspReadLocalActivityOptions, summary }, [request])
              .catch(asActivityFailure('getCashOut'))
          : read.getCashOut.executeWithOptions({ ...connectPspReadActivityOptions, summary }, [request]),
      { what: 'check the payout at ConnectPSP', everyFailure: true, moot: () => view.status !== before },
    );
    if (remote) advance(cashOutEventOf(remote, 'POLL', now()), 'found by polling ConnectPSP');
  };

  const finish = async (): Promise<CashOutView> => {
    publish();
    await callbacksStarted();
    return view;
  };

  setHandler(cashOutViewQuery, () => view);
  setHandler(cashOutEventSignal, (event: CashOutPspEvent) => advance(event, `${event.eventType} webhook`));
  setHandler(
    createCashOutUpdate,
    async () => {
      await shielded(() => condition(() => view.status !== CashOutStatus.CREATING));
      return view;
    },
    { description: 'Answers with the payout once ConnectPSP accepted or refused it' },
  );

  // A payout cannot be recalled: an operator's cancellation is recorded and the run still follows ConnectPSP.
  const noteCancellation = () =>
    view.timeline.push({
      status: view.status,
      at: now(),
      reason: `${CANCELLATION_REQUESTED}: a payout cannot be recalled`,
    });

  return handleCancellation(noteCancellation, async () => {
    if (input.resumeFrom) {
      // A later run of a closed lifecycle: it exists only to record the event that reopened it.
      const before = view.status;
      await condition(() => view.status !== before, '1 minute');
      return finish();
    }

    // 1. Ask ConnectPSP for the payout (signed, idempotent).
    if (!input.payee) throw ApplicationFailure.nonRetryable('A new cash-out needs its payee', 'INVALID_INPUT');
    const payee = input.payee;
    try {
      const created = await parked.call(
        () =>
          write.createCashOut.executeWithOptions(
            { ...connectPspWriteActivityOptions, summary: `pay out ${brl(input.amountCentavos)}` },
            [
              {
                operation: 'create',
                externalReference: input.externalReference,
                amountCentavos: input.amountCentavos,
                description: input.description,
                payee,
              },
            ],
          ),
        // A webhook about the payout (its create went through, its answer did not) ends the wait too.
        { what: 'create the payout at ConnectPSP', moot: () => view.status !== CashOutStatus.CREATING },
      );
      if (created) advance(cashOutEventOf(created, 'POLL', now()), 'ConnectPSP answered the create');
    } catch (err) {
      const failure = applicationFailureOf(err);
      if (!failure) throw err;
      view.failure = { code: failure.type ?? 'UNKNOWN', message: failure.message };
      view.failedAt = now();
      transition(CashOutStatus.FAILED, `ConnectPSP refused the payout: ${view.failure.code}`);
      return finish();
    }

    // 2. Wait for CASHOUT_COMPLETED or CASHOUT_FAILED; without one, ask ConnectPSP at growing intervals.
    publish();
    for (let interval = input.firstPollSeconds * 1000; view.status === CashOutStatus.PROCESSING;) {
      if (await condition(() => view.status !== CashOutStatus.PROCESSING, interval)) break;
      await poll();
      interval = Math.min(interval * 2, MAX_POLL_INTERVAL);
    }

    // 3. Completed: stay open for a return by the receiving bank; ask once more before closing, in case its
    // webhook was lost. A return after this run closed reopens the lifecycle in a new run (`resumeFrom`).
    if (view.status === CashOutStatus.COMPLETED) {
      publish();
      if (!(await condition(() => view.status !== CashOutStatus.COMPLETED, input.refundWindowMinutes * MINUTE))) {
        await poll();
      }
    }
    return finish();
  });
}

function initialView(input: CashOutInput): CashOutView {
  const destination = input.payee?.destination;
  return {
    externalReference: input.externalReference,
    status: CashOutStatus.CREATING,
    amountCentavos: input.amountCentavos,
    destination:
      destination?.type === 'PIX' ? { type: 'PIX', pixKeyType: destination.pixKeyType } : { type: 'BANK_ACCOUNT' },
    createdAt: now(),
    timeline: [{ status: CashOutStatus.CREATING, at: now(), reason: 'payout requested' }],
    requestFingerprint: input.requestFingerprint,
    creationRequestId: input.creationRequestId,
    callbackUrl: input.callbackUrl,
  };
}

/** ConnectPSP's status in our terms. Anything unknown means "still processing", never success. */
function statusOf(remote: string): CashOutStatus {
  switch (remote) {
    case 'COMPLETED':
      return CashOutStatus.COMPLETED;
    case 'REFUNDED':
      return CashOutStatus.REFUNDED;
    case 'FAILED':
    case 'CANCELLED':
      return CashOutStatus.FAILED;
    default:
      return CashOutStatus.PROCESSING;
  }
}

function brl(centavos: number): string {
  return `R$ ${formatBrl(centavos)}`;
}

function now(): string {
  return new Date(Date.now()).toISOString();
}

function describe(view: CashOutView): string {
  const via = view.destination.type === 'PIX' ? `PIX ${view.destination.pixKeyType} key` : 'bank account';
  const failure = view.failure ? ` · ${view.failure.code}` : '';
  return `**${view.status}** · ${brl(view.amountCentavos)} via ${via} · ref \`${view.externalReference}\`${failure}`;
}

function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause;
  return undefined;
}
