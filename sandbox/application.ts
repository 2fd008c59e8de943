import type { StateJournal } from './journal.js';
import { Ledger } from './ledger.js';
import type { SandboxApplication } from './options.js';
import type { CashInRecord, CashOutRecord } from './records.js';

/**
 * Everything one integration (one ApplicationToken) owns: its transactions, indexed by every id a lookup accepts,
 * its `externalReference`s, and its balances. Another application's ids are invisible (404).
 */
export class ApplicationState {
  readonly cashIns = new Map<string, CashInRecord>();
  readonly cashInsByReference = new Map<string, CashInRecord>();
  readonly cashOuts = new Map<string, CashOutRecord>();
  readonly cashOutsByReference = new Map<string, CashOutRecord>();
  readonly ledger: Ledger;

  constructor(
    readonly credentials: SandboxApplication,
    journal?: StateJournal,
  ) {
    const app = credentials.applicationToken;
    this.ledger = new Ledger(
      credentials.transactionalBalanceCentavos ?? 50_000_000,
      credentials.proprietaryBalanceCentavos ?? 100_000_000,
      (transactional, proprietary) => journal?.append({ t: 'balances', app, transactional, proprietary }),
    );
  }
}
