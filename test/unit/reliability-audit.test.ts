import { audit, type Observed } from '../reliability/audit.js';
import type { Lifecycle } from '../reliability/load.js';

const paidCashIn: Lifecycle = {
  kind: 'cash-in-auto',
  externalReference: 'in-1',
  amountCentavos: 1000,
  actions: ['create', 'pay'],
};
const completedCashOut: Lifecycle = {
  kind: 'cash-out-complete',
  externalReference: 'out-1',
  amountCentavos: 300,
  actions: ['create', 'complete'],
};

function observed(overrides: Partial<Observed> = {}): Observed {
  return {
    sandbox: {
      cashIns: [{ externalReference: 'in-1', transactionId: 't1', status: 'PAID', paidAt: 'x', refundedAt: null }],
      cashOuts: [{ externalReference: 'out-1', transactionId: 't2', status: 'COMPLETED' }],
    },
    views: new Map([
      ['in-1', { status: 'SETTLED' }],
      ['out-1', { status: 'COMPLETED' }],
    ]),
    callbacks: new Map([
      ['in-1', new Set(['cash-in.settled'])],
      ['out-1', new Set(['cash-out.completed'])],
    ]),
    startBalanceCentavos: 10_000,
    endBalanceCentavos: 10_700,
    badlyClosed: [],
    serverErrors: new Map(),
    ...overrides,
  };
}

const checks = (o: Observed) => audit([paidCashIn, completedCashOut], o).map((v) => v.check);

test('a run where everything matches has no violations', () => {
  expect(checks(observed())).toEqual([]);
});

test('two ConnectPSP transactions for one cash-in are a violation', () => {
  const o = observed();
  o.sandbox.cashIns.push({ ...o.sandbox.cashIns[0]!, transactionId: 't3' });
  expect(checks(o)).toContain('one ConnectPSP transaction per operation');
});

test('a lifecycle that disagrees with ConnectPSP, a lost callback and a wrong balance are each reported', () => {
  const o = observed({ endBalanceCentavos: 10_000, callbacks: new Map() });
  o.views.set('in-1', { status: 'AWAITING_PAYMENT' });
  expect(checks(o)).toEqual(
    expect.arrayContaining([
      'terminal state matches ConnectPSP',
      'every PAID cash-in ends SETTLED or REFUNDED',
      'every callback delivered',
      'balance equals the sum of completed operations',
    ]),
  );
});

test('a workflow execution that ended Failed, TimedOut or Terminated is a violation', () => {
  expect(checks(observed({ badlyClosed: [{ workflowId: 'cash-out-out-1', status: 'FAILED' }] }))).toEqual([
    'no workflow execution ended Failed, TimedOut or Terminated',
  ]);
});

test('a GET that answered 5xx during the run, and a view still needing attention, are violations', () => {
  const views = new Map([
    ['in-1', { status: 'SETTLED' }],
    ['out-1', { status: 'COMPLETED', attention: { code: 'INVALID_APPLICATION_TOKEN' } }],
  ]);
  expect(checks(observed({ serverErrors: new Map([['in-1', ['500']]]), views }))).toEqual([
    'every GET answered below 500 throughout',
    'every lifecycle that needed attention recovered',
  ]);
});
