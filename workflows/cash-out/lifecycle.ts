import { CANCELLATION_REQUESTED, now } from '../lifecycle/view.js';
import { CashOutStatus, type CashOutPspEvent, type CashOutView } from './types.js';

/** How far along the lifecycle each status is: an event never moves it back (duplicates and stale news). */
const RANK: Record<CashOutStatus, number> = { CREATING: 0, PROCESSING: 1, COMPLETED: 2, FAILED: 2, REFUNDED: 3 };
const FINAL: readonly CashOutStatus[] = [CashOutStatus.FAILED, CashOutStatus.REFUNDED];

/**
 * The payout's rules, with no Temporal in them (PRODUCT.md §5): CREATING → PROCESSING → COMPLETED | FAILED, and
 * COMPLETED → REFUNDED when the receiving bank returns it. Webhooks, status checks and the create's own answer go
 * through one forward-only state machine, so duplicated, reordered or late news changes nothing. `onTransition`
 * is how the workflow hears of each status change.
 */
export class CashOutLifecycle {
  constructor(
    readonly view: CashOutView,
    private readonly onTransition: (reason: string) => void = () => undefined,
  ) {}

  /** Moves the lifecycle forward to what ConnectPSP reports, through every intermediate state. */
  advance(remote: CashOutPspEvent, how: string): void {
    const view = this.view;
    const target = statusOf(remote.status);
    if (FINAL.includes(view.status) || RANK[target] <= RANK[view.status]) return;
    view.connectPsp ??= { transactionId: remote.transactionId, internalCode: remote.internalCode };
    if (view.status === CashOutStatus.CREATING) {
      this.transition(CashOutStatus.PROCESSING, 'ConnectPSP accepted the payout');
    }
    if (target === CashOutStatus.FAILED) {
      view.failure = remote.failure ?? {
        code: remote.status === 'CANCELLED' ? 'CANCELLED' : 'UNKNOWN',
        message: `ConnectPSP reports the payout as ${remote.status}`,
      };
      view.failedAt = remote.failedAt ?? now();
      this.transition(CashOutStatus.FAILED, `payout failed: ${view.failure.code} (${how})`);
      return;
    }
    if (target !== CashOutStatus.PROCESSING && view.status === CashOutStatus.PROCESSING) {
      // A REFUNDED report carries the settlement id as `originalEndToEndId`.
      view.connectPsp.endToEndId = remote.originalEndToEndId ?? remote.endToEndId;
      view.completedAt = remote.completedAt ?? now();
      this.transition(CashOutStatus.COMPLETED, `PIX ${view.connectPsp.endToEndId ?? ''} settled (${how})`);
    }
    if (target === CashOutStatus.REFUNDED) {
      view.connectPsp.originalEndToEndId = remote.originalEndToEndId ?? view.connectPsp.endToEndId;
      view.connectPsp.endToEndId = remote.endToEndId;
      view.refundedAt = remote.refundedAt ?? now();
      const devolution = remote.endToEndId ?? 'a devolution';
      this.transition(CashOutStatus.REFUNDED, `returned by the receiving bank as ${devolution} (${how})`);
    }
  }

  /** ConnectPSP refused the payout outright: nothing was sent. */
  refused(code: string, message: string): void {
    this.view.failure = { code, message };
    this.view.failedAt = now();
    this.transition(CashOutStatus.FAILED, `ConnectPSP refused the payout: ${code}`);
  }

  /** A payout cannot be recalled: an operator's cancellation is recorded and the run still follows ConnectPSP. */
  cancellationRequested(): void {
    this.note(`${CANCELLATION_REQUESTED}: a payout cannot be recalled`);
  }

  /** A line in the timeline that changes no status. */
  note(reason: string): void {
    this.view.timeline.push({ status: this.view.status, at: now(), reason });
  }

  private transition(status: CashOutStatus, reason: string): void {
    this.view.status = status;
    this.view.timeline.push({ status, at: now(), reason });
    this.onTransition(reason);
  }
}

/** ConnectPSP's status in our terms. Anything unknown means "still processing", never success. */
export function statusOf(remote: string): CashOutStatus {
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
