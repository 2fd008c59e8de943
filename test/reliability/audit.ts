import type { Lifecycle } from './load.js';

/** What the audit reads at the end: ConnectPSP's ledger, our lifecycles and the callbacks the receiver got. */
export interface Observed {
  sandbox: { cashIns: SandboxTx[]; cashOuts: SandboxTx[] };
  /** Our API's view of each lifecycle, by externalReference (undefined when GET failed). */
  views: Map<string, { status: string; attention?: unknown } | undefined>;
  /** Callback types received, by externalReference. */
  callbacks: Map<string, Set<string>>;
  startBalanceCentavos: number;
  endBalanceCentavos: number;
  /** Workflow executions visibility lists as Failed, TimedOut or Terminated. */
  badlyClosed: { workflowId: string; status: string }[];
  /** Statuses of 500 or more that a lifecycle's GET answered during the run, by externalReference. */
  serverErrors: Map<string, string[]>;
}

interface SandboxTx {
  externalReference: string;
  transactionId: string;
  status: string;
  paidAt?: string | null;
  refundedAt?: string | null;
}

export interface Violation {
  check: string;
  externalReference?: string;
  detail: string;
}

/** Our terminal status for each final state at ConnectPSP. */
const EXPECTED: Record<'cash-in' | 'cash-out', Record<string, string>> = {
  'cash-in': { PAID: 'SETTLED', REFUNDED: 'REFUNDED', EXPIRED: 'EXPIRED' },
  'cash-out': { COMPLETED: 'COMPLETED', FAILED: 'FAILED', REFUNDED: 'REFUNDED' },
};

export function audit(lifecycles: Lifecycle[], observed: Observed): Violation[] {
  const violations: Violation[] = [];
  const add = (check: string, externalReference: string | undefined, detail: string) =>
    violations.push({ check, externalReference, detail });
  let expectedBalance = observed.startBalanceCentavos;

  for (const lifecycle of lifecycles) {
    const ref = lifecycle.externalReference;
    const family = lifecycle.kind.startsWith('cash-in') ? 'cash-in' : 'cash-out';
    if (lifecycle.driverError) add('driver', ref, lifecycle.driverError);
    const atPsp = (family === 'cash-in' ? observed.sandbox.cashIns : observed.sandbox.cashOuts).filter(
      (tx) => tx.externalReference === ref,
    );
    if (atPsp.length !== 1) {
      add('one ConnectPSP transaction per operation', ref, `${atPsp.length} transactions at ConnectPSP`);
      continue;
    }
    const tx = atPsp[0]!;
    const view = observed.views.get(ref);
    const expected = EXPECTED[family][tx.status];
    if (!expected) add('terminal at ConnectPSP', ref, `ConnectPSP still has it ${tx.status}`);
    else if (view?.status !== expected) {
      add('terminal state matches ConnectPSP', ref, `ours ${view?.status ?? 'unknown'}, ConnectPSP ${tx.status}`);
    }
    if (family === 'cash-in') {
      if (tx.paidAt && view && !['SETTLED', 'REFUNDED'].includes(view.status)) {
        add('every PAID cash-in ends SETTLED or REFUNDED', ref, `ours ${view.status}`);
      }
      if (tx.refundedAt && !tx.paidAt) add('no refund without payment', ref, 'refunded but never paid');
      if (tx.status === 'PAID') expectedBalance += lifecycle.amountCentavos;
      if (lifecycle.actions.includes('refund') && tx.status !== 'REFUNDED') {
        add('accepted refund carried out', ref, `refund accepted but ConnectPSP has ${tx.status}`);
      }
    } else if (tx.status === 'COMPLETED') {
      expectedBalance -= lifecycle.amountCentavos;
    }
    const errors = observed.serverErrors.get(ref);
    if (errors) add('every GET answered below 500 throughout', ref, `answered ${errors.join(', ')}`);
    if (view?.attention) {
      add('every lifecycle that needed attention recovered', ref, `still ${JSON.stringify(view.attention)}`);
    }
    if (view && expected && view.status === expected) {
      const type = `${family}.${view.status.toLowerCase()}`;
      if (!observed.callbacks.get(ref)?.has(type)) add('every callback delivered', ref, `no ${type} callback`);
    }
  }
  for (const { workflowId, status } of observed.badlyClosed) {
    add('no workflow execution ended Failed, TimedOut or Terminated', undefined, `${workflowId} ${status}`);
  }
  if (observed.endBalanceCentavos !== expectedBalance) {
    add(
      'balance equals the sum of completed operations',
      undefined,
      `balance ${observed.endBalanceCentavos}, expected ${expectedBalance} centavos`,
    );
  }
  return violations;
}
