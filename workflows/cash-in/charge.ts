import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { ConnectPspActivities } from '../../activities/index.js';
import {
  connectPspCreateCashInLocalActivityOptions,
  connectPspReadActivityOptions,
} from '../../activities/retry-policies.js';
import { asActivityFailure, refusalOf } from '../lifecycle/activity-failures.js';
import type { OurFaultRetries } from '../lifecycle/our-faults.js';
import { brl, now } from '../lifecycle/view.js';
import type { CashInLifecycle } from './lifecycle.js';
import type { NewCashIn } from './types.js';

// The create runs inside the workflow task that accepted it, so the QR code reaches the waiting service at once.
// It retries without limit: its idempotency key makes every retry safe, and giving up could strand a charge.
const inline = proxyLocalActivities<ConnectPspActivities>(connectPspCreateCashInLocalActivityOptions);
const read = proxyActivities<ConnectPspActivities>(connectPspReadActivityOptions);

/** Asks ConnectPSP for the charge. Resolves false when ConnectPSP refused it (the cash-in has FAILED). */
export async function createCharge(
  input: NewCashIn,
  lifecycle: CashInLifecycle,
  connectPsp: OurFaultRetries,
): Promise<boolean> {
  const { externalReference, amountCentavos, expirationInMinutes, payer, openFinance } = input;
  const options = { ...connectPspCreateCashInLocalActivityOptions, summary: `create charge ${brl(amountCentavos)}` };
  const request = { operation: 'create', externalReference, amountCentavos, expirationInMinutes, payer, openFinance };
  try {
    const charge = await connectPsp.call(
      () => inline.createCashIn.executeWithOptions(options, [request]).catch(asActivityFailure('createCashIn')),
      { what: 'create the charge at ConnectPSP' },
    );
    lifecycle.chargeCreated(charge, expirationInMinutes);
    return true;
  } catch (err) {
    const refusal = refusalOf(err);
    if (!refusal) throw err;
    lifecycle.chargeRefused(refusal.type ?? 'UNKNOWN', refusal.message);
    return false;
  }
}

/** At the deadline, asks ConnectPSP whether the charge was paid after all (a webhook lost on the way). */
export async function checkChargeAtDeadline(lifecycle: CashInLifecycle, connectPsp: OurFaultRetries): Promise<void> {
  const remote = await connectPsp.call(() => read.getCashIn({ id: lifecycle.view.connectPsp!.transactionId }), {
    what: 'check the charge at ConnectPSP',
    readOnly: true,
    stopWhen: () => !!lifecycle.keptPayment() || lifecycle.hasPaymentsToGiveBack(),
  });
  const paidEndToEndId = remote?.originalEndToEndId ?? remote?.endToEndId;
  if (remote && paidEndToEndId && (remote.status === 'PAID' || remote.status === 'REFUNDED')) {
    lifecycle.receivePayment(paidEndToEndId, remote.amountCentavos, remote.paidAt ?? now());
  }
}
