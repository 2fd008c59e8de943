import type {
  BankAccountType,
  CashInStatus,
  CashOutStatus,
  PixKeyType,
  RefundReason,
} from '../connectpsp/schemas/index.js';

/**
 * Inputs and results of the ConnectPSP activities: plain JSON, money in integer centavos, no personal data in
 * results (names, documents and PIX keys are never echoed back into workflow history). Workflows
 * `import type` this file, so it holds types only.
 */

export type { CashInStatus, CashOutStatus, RefundReason, PixKeyType, BankAccountType };

/** Every write names its operation so that, with the workflow id, it yields a stable idempotency key. */
export interface OperationInput {
  /**
   * Name of this write within its workflow, e.g. `create-cash-in` or `refund-late-payment-1`. It must be the
   * same on every attempt and on replay, and different for two writes that must both happen.
   */
  operation: string;
}

export interface CreateCashInInput extends OperationInput {
  externalReference: string;
  amountCentavos: number;
  payer: { name: string; document: string };
  /** Validity of the QR code; ConnectPSP's default is 1440 (24 h). */
  expirationInMinutes?: number;
  /** Present for the OpenFinance flow: the result then has a `paymentUrl` instead of `copyAndPaste`. */
  openFinance?: { redirectUrl?: string };
}

/** A ConnectPSP transaction id: TxId/transactionId, internalCode or endToEndId. */
export interface TransactionLookupInput {
  id: string;
}

export interface RefundCashInInput extends OperationInput {
  /** TxId, internalCode or endToEndId of the PAID cash-in. */
  id: string;
  reason: RefundReason;
  /** Internal audit note, not shown to the payer. */
  description?: string;
}

export interface CashInResult {
  transactionId: string;
  internalCode: string;
  externalReference: string;
  status: CashInStatus;
  amountCentavos: number;
  /** `E…` once paid; `D…` once refunded. */
  endToEndId?: string;
  /** The original `E…` when `endToEndId` is a devolution id. */
  originalEndToEndId?: string;
  /**
   * The BR Code while awaiting payment (QR flow). ConnectPSP's PNG of it is left behind: it would travel through
   * every history that holds this result, and the API renders the image from this text.
   */
  copyAndPaste?: string;
  /** Where to send the payer (OpenFinance flow). */
  paymentUrl?: string;
  requestedAt: string;
  paidAt?: string;
  refundedAt?: string;
  expiredAt?: string;
}

export interface RefundResult {
  transactionId: string;
  internalCode: string;
  externalReference: string;
  /** The new `D…` devolution id. */
  endToEndId: string;
  originalEndToEndId?: string;
  /** Status as ConnectPSP reported it in the 202, when it did. */
  status?: CashInStatus;
  refundedAt?: string;
}

export type CashOutDestinationInput =
  | { type: 'PIX'; pixKeyType: PixKeyType; pixKey: string }
  | {
      type: 'BANK_ACCOUNT';
      bankAccount: { ispb: string; branch: string; account: string; accountType: BankAccountType };
    };

export interface CreateCashOutInput extends OperationInput {
  externalReference: string;
  amountCentavos: number;
  /** May appear on the payee's bank statement. */
  description?: string;
  payee: { name: string; document: string; destination: CashOutDestinationInput };
}

export interface CashOutResult {
  transactionId: string;
  internalCode: string;
  externalReference: string;
  status: CashOutStatus;
  amountCentavos: number;
  endToEndId?: string;
  originalEndToEndId?: string;
  /** Why it FAILED, e.g. `PIX_KEY_NOT_FOUND`. */
  failure?: { code: string; message: string };
  requestedAt?: string;
  completedAt?: string;
  failedAt?: string;
  refundedAt?: string;
}

export interface BankBalance {
  ispb: string;
  bank: string;
  transactionalCentavos: number;
  proprietaryCentavos: number;
}

export interface BalanceResult {
  currency: string;
  referenceDate: string;
  updatedAt: string;
  totalCentavos: number;
  transactionalCentavos: number;
  proprietaryCentavos: number;
  banks: BankBalance[];
}

export interface RebalanceInput extends OperationInput {
  /** Wanted transactional balance: the platform's total user exposure. */
  targetCentavos: number;
}

export interface RebalanceResult {
  success: boolean;
  message: string;
}
