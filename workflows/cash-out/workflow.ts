import { CancellationScope, condition, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { ConnectPspActivities } from '../../activities/index.js';
import { connectPspReadLocalActivityOptions, connectPspWriteActivityOptions } from '../../activities/retry-policies.js';
import { asActivityFailure, refusalOf } from '../lifecycle/activity-failures.js';
import { withCancellationAsNews } from '../lifecycle/cancellation.js';
import { retryOurFaults } from '../lifecycle/our-faults.js';
import { statusReporter } from '../lifecycle/status-reporter.js';
import { brl, now } from '../lifecycle/view.js';
import { CashOutLifecycle } from './lifecycle.js';
import { cashOutEventSignal, cashOutViewQuery, createCashOutUpdate } from './messages.js';
import { cashOutEventOf, CashOutStatus, type CashOutInput, type CashOutView } from './types.js';
import { cashOutMoneyMoved, cashOutSummary, newCashOutView } from './view.js';

// The create retries without limit: its idempotency key makes every retry safe, and giving up could leave a
// payout ConnectPSP did make with no lifecycle watching it. Status checks run inside the workflow task that asks.
const write = proxyActivities<ConnectPspActivities>(connectPspWriteActivityOptions);
const inline = proxyLocalActivities<ConnectPspActivities>(connectPspReadLocalActivityOptions);

const MINUTE = 60_000;
/** Cap of the growing interval between status checks of a payout whose webhook does not come. */
const MAX_CHECK_INTERVAL = 60 * MINUTE;

/**
 * One payout from creation to a known outcome. Its rules are in `lifecycle.ts`; this file wires them to Temporal.
 * ConnectPSP events arrive as signals; when none comes, the workflow asks ConnectPSP at growing intervals.
 */
export async function cashOut(input: CashOutInput): Promise<CashOutView> {
  const view = input.kind === 'reopened' ? input.view : newCashOutView(input);
  const reporter = statusReporter(view, {
    kind: 'cash-out',
    callbackUrl: view.callbackUrl,
    summary: () => cashOutSummary(view),
    pspId: () => view.connectPsp?.transactionId,
    moneyMoved: () => cashOutMoneyMoved(view),
  });
  const lifecycle = new CashOutLifecycle(view, (reason) => reporter.transitioned(reason));
  const connectPsp = retryOurFaults(view, { kind: 'CASH_OUT', note: (reason) => lifecycle.note(reason) });

  /** Asks ConnectPSP; a webhook that moves the lifecycle on meanwhile makes the answer unneeded. */
  const checkAtConnectPsp = async () => {
    const before = view.status;
    const options = { ...connectPspReadLocalActivityOptions, summary: 'check payout status' };
    const request = { id: view.connectPsp!.transactionId };
    const remote = await connectPsp.call(
      () => inline.getCashOut.executeWithOptions(options, [request]).catch(asActivityFailure('getCashOut')),
      { what: 'check the payout at ConnectPSP', readOnly: true, stopWhen: () => view.status !== before },
    );
    if (remote) lifecycle.advance(cashOutEventOf(remote, 'POLL', now()), 'found by polling ConnectPSP');
  };

  const close = async (): Promise<CashOutView> => {
    reporter.updateStatusAttribute();
    await reporter.callbacksStarted();
    await reporter.callbacksRecorded();
    return view;
  };

  setHandler(cashOutViewQuery, () => view);
  setHandler(cashOutEventSignal, (event) => lifecycle.advance(event, `${event.eventType} webhook`));
  setHandler(
    createCashOutUpdate,
    async () => {
      await CancellationScope.nonCancellable(() => condition(() => view.status !== CashOutStatus.CREATING));
      return view;
    },
    { description: 'Answers with the payout once ConnectPSP accepted or refused it' },
  );

  return withCancellationAsNews(
    () => lifecycle.cancellationRequested(),
    async () => {
      if (input.kind === 'reopened') {
        // A closed lifecycle reopened to record the return that arrived after it: record it, then close.
        const before = view.status;
        await condition(() => view.status !== before, '1 minute');
        return close();
      }

      // 1. Ask ConnectPSP for the payout (signed, idempotent).
      const { externalReference, amountCentavos, description, payee } = input;
      try {
        const options = { ...connectPspWriteActivityOptions, summary: `pay out ${brl(amountCentavos)}` };
        const request = { operation: 'create', externalReference, amountCentavos, description, payee };
        const created = await connectPsp.call(() => write.createCashOut.executeWithOptions(options, [request]), {
          what: 'create the payout at ConnectPSP',
          // A webhook about the payout (its create went through, its answer did not) ends the wait too.
          stopWhen: () => view.status !== CashOutStatus.CREATING,
        });
        if (created) lifecycle.advance(cashOutEventOf(created, 'POLL', now()), 'ConnectPSP answered the create');
      } catch (err) {
        const refusal = refusalOf(err);
        if (!refusal) throw err;
        lifecycle.refused(refusal.type ?? 'UNKNOWN', refusal.message);
        return close();
      }

      // 2. Wait for CASHOUT_COMPLETED or CASHOUT_FAILED; without one, ask ConnectPSP at growing intervals.
      reporter.updateStatusAttribute();
      for (let interval = input.firstPollSeconds * 1000; view.status === CashOutStatus.PROCESSING;) {
        if (await condition(() => view.status !== CashOutStatus.PROCESSING, interval)) break;
        await checkAtConnectPsp();
        interval = Math.min(interval * 2, MAX_CHECK_INTERVAL);
      }

      // 3. Completed: stay open for a return by the receiving bank, and ask once more before closing in case its
      // webhook was lost. A return after this run closed reopens the lifecycle in a new run.
      if (view.status === CashOutStatus.COMPLETED) {
        reporter.updateStatusAttribute();
        const window = input.refundWindowMinutes * MINUTE;
        if (!(await condition(() => view.status !== CashOutStatus.COMPLETED, window))) await checkAtConnectPsp();
      }
      return close();
    },
  );
}
