import { MockActivityEnvironment } from '@temporalio/testing';
import { pino } from 'pino';
import type { ReconcilePassInput, ReconcilePassReport } from '../../workflows/reconcile/types.js';
import { ensureReconcileSchedule, RECONCILE_SCHEDULE_ID } from '../../worker/reconcile-schedule.js';
import { createWorkerActivities } from '../../worker/activities.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;

beforeAll(async () => {
  // The lifecycles would find lost news themselves only much later: a cash-out polls after an hour here, a
  // cash-in at its deadline (a day), a return at the end of its window (7 days). The Schedule's passes use
  // checkpoint ages 600 times shorter (a payout's return is looked up every 33 s); the first test gives the
  // activity its own spans with the real ages.
  stack = await startStack({ CASH_OUT_FIRST_POLL_SECONDS: '3600', RECONCILE_CHECKPOINT_SCALE: String(1 / 600) });
});
afterAll(async () => {
  await stack?.stop();
});

const tag = Date.now().toString(36);
const payer = { name: 'Rita Reconcile', document: '52998224725' };
const MINUTE = 60_000;

async function completedCashOut(externalReference: string): Promise<string> {
  const created = await stack.api('POST', '/v1/cash-outs', {
    externalReference,
    amount: '40.00',
    payee: { ...payer, destination: { type: 'PIX', pixKeyType: 'CPF', pixKey: payer.document } },
  });
  expect(created.status).toBe(202);
  const transactionId = created.body.connectPsp.transactionId;
  expect((await stack.sandbox('POST', `/_sandbox/cash-out/${transactionId}/complete`)).status).toBe(200);
  await stack.waitFor(`/v1/cash-outs/${externalReference}`, (b) => b.status === 'COMPLETED');
  return transactionId;
}

async function awaitingCashIn(externalReference: string, amount = '15.00'): Promise<string> {
  const created = await stack.api('POST', '/v1/cash-ins', { externalReference, amount, payer });
  expect(created.status).toBe(201);
  return created.body.connectPsp.transactionId;
}

/** The reconciliation's lookup activity with the real checkpoint ages and a ceiling of one lookup per pass. */
function oneLookupPerPass() {
  const config = { ...stack.config, RECONCILE_CHECKPOINT_SCALE: 1, RECONCILE_MAX_REQUESTS_PER_SECOND: 1 / 60 };
  const { reconcileActivities, client } = createWorkerActivities(config, { temporal: stack.env.client });
  const pass = (input: ReconcilePassInput & { until: string }): Promise<ReconcilePassReport> =>
    new MockActivityEnvironment().run(reconcileActivities!.reconcileDue, input);
  return { pass, close: () => client.close() };
}

test('a lifecycle is looked up once per checkpoint its age crosses; what the ceiling leaves is carried, not dropped', async () => {
  const before = Date.now();
  for (const n of [1, 2, 3]) await awaitingCashIn(`recon-age-${n}-${tag}`);
  const after = Date.now();
  const { pass, close } = oneLookupPerPass();
  try {
    // A span in which each of the three crosses its 2-minute checkpoint, and no other.
    const until = new Date(after + 2 * MINUTE).toISOString();
    const first = await pass({ since: new Date(before + MINUTE).toISOString(), until });
    // One lookup, and the wallet's reading every pass makes.
    expect(first).toMatchObject({ due: 3, checked: 1, skippedForBudget: 2, connectPspRequests: 2, legacyChecked: 0 });
    expect(first.counts).toEqual({ agreed: 1, repaired: 0, disagreed: 0, unchecked: 0 });
    expect(Date.parse(first.coveredUntil)).toBeLessThan(Date.parse(until));

    // The next passes start where the budget stopped the last: the two left are looked up, each once.
    const second = await pass({ since: first.coveredUntil, until });
    expect(second).toMatchObject({ due: 2, checked: 1, skippedForBudget: 1 });
    const third = await pass({ since: second.coveredUntil, until });
    expect(third).toMatchObject({ due: 1, checked: 1, skippedForBudget: 0, coveredUntil: until });

    // Between two checkpoints nothing is due: no lookup (the wallet's reading only), one visibility listing.
    const quietUntil = new Date(after + 3 * MINUTE).toISOString();
    const quiet = await pass({ since: until, until: quietUntil, legacySweptAt: quietUntil });
    expect(quiet).toMatchObject({ due: 0, checked: 0, connectPspRequests: 1, temporalCalls: 1 });
  } finally {
    await close();
  }
});

/** Every finished pass of the Schedule so far, oldest first. */
async function finishedPasses(): Promise<ReconcilePassReport[]> {
  const reports: ReconcilePassReport[] = [];
  for await (const execution of stack.env.client.workflow.list({
    query: `WorkflowType = 'reconcilePass' AND ExecutionStatus = 'Completed'`,
  })) {
    reports.push(await stack.env.client.workflow.getHandle(execution.workflowId, execution.runId).result());
  }
  return reports.sort((a, b) => a.until.localeCompare(b.until));
}

test('money in the wallet that no lifecycle explains sends the pass to the lifecycles of that amount, whatever their age', async () => {
  const reference = `recon-doubt-${tag}`;
  const transactionId = await awaitingCashIn(reference, '15.43');
  const { pass, close } = oneLookupPerPass();
  // Spans too short for any checkpoint: only the wallet can send the pass anywhere.
  const passNow = (balance?: ReconcilePassInput['balance']) => {
    const until = new Date().toISOString();
    return pass({ since: new Date(Date.parse(until) - 1000).toISOString(), until, legacySweptAt: until, balance });
  };
  const nextSecond = () => new Promise((r) => setTimeout(r, 1100));
  try {
    const first = await passNow();
    expect(first.doubt).toMatchObject({ suspects: 0, checked: 0 });
    expect(first.doubt?.span).toBeUndefined();

    await nextSecond();
    expect((await stack.sandbox('PUT', '/_sandbox/faults', { webhooks: { dropRate: 1 } })).status).toBe(200);
    expect((await stack.sandbox('POST', `/_sandbox/cash-in/${transactionId}/pay`)).status).toBe(200);
    expect((await stack.sandbox('DELETE', '/_sandbox/faults')).status).toBe(204);
    await nextSecond();
    // The reading after the payment waits a pass, so that webhooks on their way have arrived.
    const second = await passNow(first.balance);
    expect(second).toMatchObject({ due: 0, checked: 0 });
    expect(second.doubt?.span).toBeUndefined();
    expect((await stack.api('GET', `/v1/cash-ins/${reference}`)).body.status).toBe('AWAITING_PAYMENT');

    await nextSecond();
    const third = await passNow(second.balance);
    expect(third.doubt).toMatchObject({ unexplainedCentavos: [1543], suspects: 1, checked: 1 });
    expect(third.doubt?.span).toEqual({ from: first.balance?.latest, to: second.balance?.latest });
    expect(third).toMatchObject({ due: 0, checked: 1 });
    expect(third.repairs).toEqual([
      expect.objectContaining({
        externalReference: reference,
        local: 'AWAITING_PAYMENT',
        remote: 'PAID',
        why: expect.stringContaining('found by the wallet balance'),
      }),
    ]);
    await stack.waitFor(`/v1/cash-ins/${reference}`, (b) => b.status === 'SETTLED');

    // The repaired lifecycle now publishes its payment: the wallet is explained again, nobody is suspected.
    await nextSecond();
    const fourth = await passNow(third.balance);
    await nextSecond();
    const fifth = await passNow(fourth.balance);
    expect(fifth.doubt).toMatchObject({ unexplainedCentavos: [], suspects: 0, checked: 0 });
    expect(fifth.doubt?.span).toBeDefined();
  } finally {
    await close();
  }
});

test('payments lost together, whose sum no lifecycle has, are found by sweeping the lifecycles that could be part of it', async () => {
  const [a, b, unpaid] = [`recon-outage-a-${tag}`, `recon-outage-b-${tag}`, `recon-outage-c-${tag}`];
  const paid = [await awaitingCashIn(a, '17.11'), await awaitingCashIn(b, '18.22')];
  await awaitingCashIn(unpaid, '12.00');
  const { pass, close } = oneLookupPerPass();
  // Spans too short for any checkpoint; one lookup a pass, so the sweep takes one page of one a pass.
  const passNow = async (balance?: ReconcilePassInput['balance']) => {
    await new Promise((r) => setTimeout(r, 1100));
    const until = new Date().toISOString();
    return pass({ since: new Date(Date.parse(until) - 1000).toISOString(), until, legacySweptAt: until, balance });
  };
  const sweepRepair = (reference: string, found: string) =>
    expect.objectContaining({ externalReference: reference, remote: 'PAID', why: expect.stringContaining(found) });
  try {
    const first = await passNow();
    // Clear of the reading's edge (ConnectPSP's times are whole seconds), an outage: both payments' webhooks lost.
    await new Promise((r) => setTimeout(r, 2100));
    expect((await stack.sandbox('PUT', '/_sandbox/faults', { webhooks: { dropRate: 1 } })).status).toBe(200);
    for (const id of paid) expect((await stack.sandbox('POST', `/_sandbox/cash-in/${id}/pay`)).status).toBe(200);
    expect((await stack.sandbox('DELETE', '/_sandbox/faults')).status).toBe(204);
    const second = await passNow(first.balance);

    // R$ 35.33 left over, and no lifecycle of that amount: the sweep lists the cash-ins of at most that much,
    // newest first. The newest was never paid.
    const third = await passNow(second.balance);
    expect(third.doubt).toMatchObject({ unexplainedCentavos: [3533], suspects: 0 });
    expect(third.doubt?.sweep).toEqual({
      state: 'sweeping',
      kind: 'CASH_IN',
      checked: 1,
      repaired: 0,
      roundChecked: 1,
    });
    expect(third.repairs).toEqual([]);
    expect(third.balance?.sweep).toMatchObject({ kind: 'CASH_IN', upToCentavos: 3533, pageToken: expect.any(String) });

    // The next pass goes on from the page token, not from the top: the next newest is one of the lost.
    const fourth = await passNow(third.balance);
    expect(fourth.doubt).toMatchObject({ unexplainedCentavos: [3533], suspects: 0 });
    expect(fourth.doubt?.sweep).toMatchObject({ state: 'sweeping', checked: 1, repaired: 1, roundChecked: 2 });
    expect(fourth.repairs).toEqual([sweepRepair(b, 'found by the outage sweep')]);
    await stack.waitFor(`/v1/cash-ins/${b}`, (body) => body.status === 'SETTLED');

    // Its payment now explains its part: what is left is one lifecycle's amount, a suspect looked up at once.
    const fifth = await passNow(fourth.balance);
    expect(fifth.doubt).toMatchObject({ unexplainedCentavos: [1711], suspects: 1, checked: 1 });
    expect(fifth.repairs).toEqual([sweepRepair(a, 'found by the wallet balance')]);
    expect(fifth.doubt?.span?.from).toEqual(third.doubt?.span?.from);
    await stack.waitFor(`/v1/cash-ins/${a}`, (body) => body.status === 'SETTLED');

    // Everything explained: the sweep ends, and the next span is the wallet's usual one.
    const sixth = await passNow(fifth.balance);
    expect(sixth.doubt).toMatchObject({ unexplainedCentavos: [], sweep: { state: 'ended' } });
    expect(sixth.balance?.sweep).toBeUndefined();
    expect(sixth.counts.repaired).toBe(0);
    expect((await stack.api('GET', `/v1/cash-ins/${unpaid}`)).body.status).toBe('AWAITING_PAYMENT');

    // A sweep whose page token visibility refuses (after the client's retries): the pass goes on without it, and
    // the sweep starts its kind again.
    const watch = sixth.balance!;
    const reading = watch.explainedUntil!;
    const refused = await passNow({
      ...watch,
      sweep: {
        from: { ...reading, totalCentavos: reading.totalCentavos - 50_00 }, // R$ 50.00 left over, no lifecycle's
        to: reading,
        upToCentavos: 50_00,
        kind: 'CASH_IN',
        checked: 0,
        repaired: 0,
        pageToken: Buffer.from('not a page token').toString('base64'),
      },
    });
    expect(refused.doubt?.sweep).toMatchObject({ state: 'sweeping', checked: 0, failure: expect.any(String) });
    expect(refused.balance?.sweep).toMatchObject({ kind: 'CASH_IN', upToCentavos: 50_00 });
    expect(refused.balance?.sweep?.pageToken).toBeUndefined();
  } finally {
    await close();
  }
});

test('the Schedule repairs a lost CASHIN_PAID and a lost CASHOUT_REFUNDED from search attributes alone, and reports a disagreement', async () => {
  const returned = `recon-return-${tag}`;
  const paid = `recon-paid-${tag}`;
  const cancelled = `recon-cancelled-${tag}`;
  const returnedTx = await completedCashOut(returned);
  const paidTx = await awaitingCashIn(paid);
  const cancelledTx = await awaitingCashIn(cancelled);

  // From here on ConnectPSP's webhooks are lost.
  expect((await stack.sandbox('PUT', '/_sandbox/faults', { webhooks: { dropRate: 1 } })).status).toBe(200);
  expect((await stack.sandbox('POST', `/_sandbox/cash-out/${returnedTx}/refund`)).status).toBe(200);
  expect((await stack.sandbox('POST', `/_sandbox/cash-in/${paidTx}/pay`)).status).toBe(200);
  // A charge ConnectPSP cancelled on its own: no event of ours leads there, so only a report can tell.
  expect((await stack.sandbox('POST', `/_sandbox/cash-in/${cancelledTx}/cancel`)).status).toBe(200);
  expect((await stack.api('GET', `/v1/cash-outs/${returned}`)).body.status).toBe('COMPLETED');
  expect((await stack.api('GET', `/v1/cash-ins/${paid}`)).body.status).toBe('AWAITING_PAYMENT');

  await ensureReconcileSchedule(stack.env.client, stack.config, pino({ level: 'silent' }));
  const schedule = stack.env.client.schedule.getHandle(RECONCILE_SCHEDULE_ID);
  await schedule.trigger();
  // Passes every 30 s; the payout's return checkpoint comes 33 s after its start here.
  const refunded = await stack.waitFor(`/v1/cash-outs/${returned}`, (b) => b.status === 'REFUNDED', 110_000);
  expect(refunded.timeline.at(-1).reason).toContain('CASHOUT_REFUNDED');
  await stack.waitFor(`/v1/cash-ins/${paid}`, (b) => b.status === 'SETTLED', 60_000);

  // The pass that made the last repair may still be finishing.
  const found = (reports: ReconcilePassReport[]) =>
    reports.some((r) => r.disagreements.length > 0) &&
    reports.flatMap((r) => r.repairs).filter((r) => r.externalReference === returned || r.externalReference === paid)
      .length === 2;
  let reports = await finishedPasses();
  for (let i = 0; i < 60 && !found(reports); i++) {
    await new Promise((r) => setTimeout(r, 1000));
    reports = await finishedPasses();
  }
  const repairs = reports.flatMap((r) => r.repairs);
  expect(repairs).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        externalReference: returned,
        kind: 'CASH_OUT',
        local: 'COMPLETED',
        remote: 'REFUNDED',
      }),
      expect.objectContaining({ externalReference: paid, kind: 'CASH_IN', local: 'AWAITING_PAYMENT', remote: 'PAID' }),
    ]),
  );
  // How late: from ConnectPSP's time of the event to the repair.
  for (const repair of repairs) expect(repair.lateSeconds).toBeGreaterThanOrEqual(0);
  expect(reports.flatMap((r) => r.disagreements)).toContainEqual(
    expect.objectContaining({ externalReference: cancelled, local: 'AWAITING_PAYMENT', remote: 'CANCELLED' }),
  );
  // No workflow was asked for its view: every lifecycle published ConnectPSP's id; a pass's Temporal calls are its
  // visibility listings and its signals.
  expect(reports.every((r) => r.legacyChecked === 0)).toBe(true);
  expect(JSON.stringify(reports)).not.toContain(payer.name);

  // Each pass starts where the last one stopped; the Schedule's input carries it.
  for (let i = 1; i < reports.length; i++) expect(reports[i]!.since).toBe(reports[i - 1]!.coveredUntil);
  const args = (await schedule.describe()).action;
  expect(args.type === 'startWorkflow' && (args.args?.[0] as ReconcilePassInput).since).toBe(
    reports.at(-1)!.coveredUntil,
  );
  await schedule.delete();
  await stack.sandbox('DELETE', '/_sandbox/faults');
});
