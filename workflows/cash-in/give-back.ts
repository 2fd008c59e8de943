import { condition, proxyActivities, sleep } from '@temporalio/workflow';
import type { ConnectPspActivities } from '../../activities/index.js';
import { connectPspReadActivityOptions, connectPspWriteActivityOptions } from '../../activities/retry-policies.js';
import { refusalOf } from '../lifecycle/activity-failures.js';
import type { OurFaultRetries } from '../lifecycle/our-faults.js';
import type { StatusReporter } from '../lifecycle/status-reporter.js';
import { brl } from '../lifecycle/view.js';
import type { CashInLifecycle } from './lifecycle.js';
import type { PaymentToGiveBack } from './types.js';

const write = proxyActivities<ConnectPspActivities>(connectPspWriteActivityOptions);
const read = proxyActivities<ConnectPspActivities>(connectPspReadActivityOptions);

const MINUTE = 60_000;
/** How long to wait for CASHIN_REFUNDED before asking ConnectPSP, and the cap of the growing interval. */
const REFUND_WEBHOOK_GRACE = MINUTE;
const MAX_CHECK_INTERVAL = 60 * MINUTE;
/** MISSING_END_TO_END_ID clears within minutes; past this many tries an operator looks at it. */
const MAX_REFUND_ATTEMPTS = 30;

/**
 * Gives back, one by one, every payment the cash-in queued: each refund asked of ConnectPSP with its own
 * idempotency key, then confirmed by CASHIN_REFUNDED or, without it, by asking ConnectPSP at growing intervals.
 */
export function paymentsGiver(lifecycle: CashInLifecycle, connectPsp: OurFaultRetries, reporter: StatusReporter) {
  /** Resolves false when ConnectPSP refuses for good (the timeline says why). */
  const refund = async (toGiveBack: PaymentToGiveBack): Promise<boolean> => {
    const { payment, request } = toGiveBack;
    // ConnectPSP replays a refused request under the same idempotency key, so a retry after
    // MISSING_END_TO_END_ID (the settlement proof is not there yet) needs a key of its own.
    for (let attempt = 1; payment.disposition === 'REFUNDING'; attempt++) {
      try {
        const result = await connectPsp.call(
          () =>
            write.refundCashIn.executeWithOptions(
              { ...connectPspWriteActivityOptions, summary: `refund ${brl(payment.amountCentavos)}` },
              [{ operation: `refund:${payment.endToEndId}:${attempt}`, id: payment.endToEndId, ...request }],
            ),
          { what: 'refund the payment at ConnectPSP' },
        );
        payment.refundEndToEndId = result.endToEndId;
        if (result.status === 'REFUNDED') lifecycle.refundConfirmed(payment, result.endToEndId);
        break;
      } catch (err) {
        const code = refusalOf(err)?.type ?? undefined;
        if (code === 'CASH_IN_ALREADY_REFUNDED') break;
        if (code === 'MISSING_END_TO_END_ID' && attempt < MAX_REFUND_ATTEMPTS) {
          await sleep(Math.min(attempt * MINUTE, MAX_CHECK_INTERVAL));
          continue;
        }
        if (code === undefined) throw err;
        lifecycle.refundRefused(toGiveBack, code);
        return false;
      }
    }
    for (let interval = REFUND_WEBHOOK_GRACE; !(await condition(() => payment.disposition === 'REFUNDED', interval));) {
      const remote = await connectPsp.call(() => read.getCashIn({ id: payment.endToEndId }), {
        what: 'check the refund at ConnectPSP',
        readOnly: true,
        stopWhen: () => payment.disposition === 'REFUNDED',
      });
      if (remote?.status === 'REFUNDED') lifecycle.refundConfirmed(payment, remote.endToEndId);
      interval = Math.min(interval * 2, MAX_CHECK_INTERVAL);
    }
    return true;
  };

  return async function giveBackAll(): Promise<void> {
    for (let next = lifecycle.nextPaymentToGiveBack(); next; next = lifecycle.nextPaymentToGiveBack()) {
      lifecycle.givingBack(next);
      reporter.updateStatusAttribute();
      if (await refund(next)) lifecycle.givenBack(next);
    }
  };
}
