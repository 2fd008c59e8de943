import { centavosToBrl, formatBrl } from '../connectpsp/money.js';
import { ProblemCode } from '../connectpsp/schemas/index.js';
import type { BalanceResponse } from '../connectpsp/schemas/index.js';
import { ProblemError } from './problem.js';
import { utcDate, utcTimestamp } from './timestamps.js';

/** The partner bank the sandbox settles through: Celcoin, as in the documentation's balance example. */
export const PARTNER_BANK = { ispb: '13935893', bank: 'CELCOIN IP S.A.' } as const;

/**
 * An application's two accounts at its partner bank, in integer centavos. Cash-outs and refunds draw on the
 * transactional account; rebalance moves money between it and the proprietary reserve.
 */
export class Ledger {
  constructor(
    private transactional: number,
    private proprietary: number,
    /** Told the balances after every change (the journal keeps them). */
    private readonly changed: (transactional: number, proprietary: number) => void = () => {},
  ) {}

  get transactionalCentavos(): number {
    return this.transactional;
  }

  get proprietaryCentavos(): number {
    return this.proprietary;
  }

  restore(transactional: number, proprietary: number): void {
    this.transactional = transactional;
    this.proprietary = proprietary;
  }

  credit(centavos: number): void {
    this.transactional += centavos;
    this.changed(this.transactional, this.proprietary);
  }

  /** @throws {@link ProblemError} 422 INSUFFICIENT_FUNDS, leaving the balance untouched. */
  debit(centavos: number): void {
    if (centavos > this.transactional) {
      throw new ProblemError(
        422,
        ProblemCode.INSUFFICIENT_FUNDS,
        `The requested amount of R$ ${formatBrl(centavos)} exceeds available balance of R$ ${formatBrl(this.transactional)}.`,
      );
    }
    this.transactional -= centavos;
    this.changed(this.transactional, this.proprietary);
  }

  /** Tops up from, or sweeps to, the proprietary account until the transactional balance equals the target. */
  rebalance(targetCentavos: number): void {
    const topUp = targetCentavos - this.transactional;
    if (topUp > this.proprietary) {
      throw new ProblemError(
        422,
        ProblemCode.INSUFFICIENT_FUNDS,
        `A top-up of R$ ${formatBrl(topUp)} exceeds the proprietary balance of R$ ${formatBrl(this.proprietary)}.`,
      );
    }
    this.transactional += topUp;
    this.proprietary -= topUp;
    this.changed(this.transactional, this.proprietary);
  }

  view(nowMs: number): BalanceResponse {
    const account = (suffix: string, centavos: number) => ({
      branch: '0001',
      account: suffix,
      balance: centavosToBrl(centavos),
    });
    return {
      currency: 'BRL',
      referenceDate: utcDate(nowMs),
      consolidated: {
        totalBalance: centavosToBrl(this.transactional + this.proprietary),
        transactionalBalance: centavosToBrl(this.transactional),
        proprietaryBalance: centavosToBrl(this.proprietary),
      },
      banks: [
        {
          ...PARTNER_BANK,
          accounts: {
            transactional: account('123456', this.transactional),
            proprietary: account('654321', this.proprietary),
          },
        },
      ],
      updatedAt: utcTimestamp(nowMs),
    };
  }
}
