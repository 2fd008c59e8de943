import { CashOutLifecycle, statusOf } from '../../workflows/cash-out/lifecycle.js';
import type { CashOutPspEvent, NewCashOut } from '../../workflows/cash-out/types.js';
import { cashOutSummary, newCashOutView } from '../../workflows/cash-out/view.js';

// The payout's rules without Temporal: CREATING → PROCESSING → COMPLETED | FAILED, COMPLETED → REFUNDED, forward
// only, whatever order, source or number of times the news arrives.

function newPayout() {
  const input: NewCashOut = {
    kind: 'new',
    externalReference: 'payout-1',
    amountCentavos: 10_000,
    payee: {
      name: 'João Souza',
      document: '52998224725',
      destination: { type: 'PIX', pixKeyType: 'EMAIL', pixKey: 'joao@example.com' },
    },
    requestFingerprint: 'fp',
    creationRequestId: 'req-1',
    refundWindowMinutes: 60,
    firstPollSeconds: 30,
  };
  const transitions: string[] = [];
  const lifecycle = new CashOutLifecycle(newCashOutView(input), (reason) => transitions.push(reason));
  return { lifecycle, view: lifecycle.view, transitions };
}

function news(status: string, extra: Partial<CashOutPspEvent> = {}): CashOutPspEvent {
  return {
    eventType: 'POLL',
    eventAt: '2026-12-04T12:00:00Z',
    transactionId: 'tx-1',
    internalCode: 'ic-1',
    status,
    amountCentavos: 10_000,
    ...extra,
  };
}

const statuses = (view: { timeline: { status: string }[] }) => view.timeline.map((t) => t.status);

test('a new payout keeps the kind of destination and none of the payee’s personal data', () => {
  const { view } = newPayout();
  expect(view.destination).toEqual({ type: 'PIX', pixKeyType: 'EMAIL' });
  expect(JSON.stringify(view)).not.toMatch(/João|52998224725|joao@example.com/);
  expect(cashOutSummary(view)).toBe('**CREATING** · R$ 100.00 via PIX EMAIL key · ref `payout-1`');
});

test('CREATING → PROCESSING → COMPLETED → REFUNDED, each once, with ConnectPSP’s ids and times', () => {
  const { lifecycle, view, transitions } = newPayout();
  lifecycle.advance(news('PROCESSING'), 'ConnectPSP answered the create');
  lifecycle.advance(news('COMPLETED', { endToEndId: 'E1', completedAt: '2026-12-04T12:01:00Z' }), 'webhook');
  lifecycle.advance(news('COMPLETED', { endToEndId: 'E1' }), 'webhook');
  lifecycle.advance(news('REFUNDED', { endToEndId: 'D1', originalEndToEndId: 'E1' }), 'webhook');
  expect(statuses(view)).toEqual(['CREATING', 'PROCESSING', 'COMPLETED', 'REFUNDED']);
  expect(transitions).toHaveLength(3);
  expect(view.connectPsp).toEqual({
    transactionId: 'tx-1',
    internalCode: 'ic-1',
    endToEndId: 'D1',
    originalEndToEndId: 'E1',
  });
  expect(view.completedAt).toBe('2026-12-04T12:01:00Z');
  expect(view.refundedAt).toBeDefined();
});

test('news that skips steps passes through every intermediate state', () => {
  const { lifecycle, view } = newPayout();
  lifecycle.advance(news('REFUNDED', { endToEndId: 'D1', originalEndToEndId: 'E1' }), 'found by polling');
  expect(statuses(view)).toEqual(['CREATING', 'PROCESSING', 'COMPLETED', 'REFUNDED']);
  expect(view.connectPsp?.originalEndToEndId).toBe('E1');
});

test('stale or reordered news never moves a payout back, and a final state stays final', () => {
  const { lifecycle, view } = newPayout();
  lifecycle.advance(news('COMPLETED', { endToEndId: 'E1' }), 'webhook');
  lifecycle.advance(news('PROCESSING'), 'late poll');
  expect(view.status).toBe('COMPLETED');
  const failed = newPayout();
  failed.lifecycle.advance(
    news('FAILED', { failure: { code: 'PIX_KEY_NOT_FOUND', message: 'no such key' } }),
    'webhook',
  );
  failed.lifecycle.advance(news('COMPLETED'), 'poll');
  expect(failed.view.status).toBe('FAILED');
  expect(failed.view.failure).toEqual({ code: 'PIX_KEY_NOT_FOUND', message: 'no such key' });
});

test('CANCELLED at ConnectPSP is a failure; an unknown status means still processing, never success', () => {
  expect(statusOf('CANCELLED')).toBe('FAILED');
  expect(statusOf('SOMETHING_NEW')).toBe('PROCESSING');
  const { lifecycle, view } = newPayout();
  lifecycle.advance(news('CANCELLED'), 'webhook');
  expect(view.failure?.code).toBe('CANCELLED');
});

test('a refusal of the create fails the payout with ConnectPSP’s code', () => {
  const { lifecycle, view } = newPayout();
  lifecycle.refused('INSUFFICIENT_FUNDS', 'not enough balance');
  expect(view).toMatchObject({ status: 'FAILED', failure: { code: 'INSUFFICIENT_FUNDS' } });
  expect(view.failedAt).toBeDefined();
});

test('a cancellation request is only noted: a payout cannot be recalled', () => {
  const { lifecycle, view } = newPayout();
  lifecycle.cancellationRequested();
  expect(view.status).toBe('CREATING');
  expect(view.timeline.at(-1)?.reason).toBe('cancellation requested (Temporal UI/CLI): a payout cannot be recalled');
});
