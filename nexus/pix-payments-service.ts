/**
 * The `pix-payments` Nexus service's contract: its operations and their input and output types, and nothing that
 * runs on our side. Caller workflows import this module (it is safe in workflow code: no zod, no I/O) and call
 * it through `createNexusServiceClient({ endpoint: PIX_PAYMENTS_ENDPOINT, service: pixPaymentsService })`.
 */
import * as nexus from 'nexus-rpc';
import type { z } from 'zod';
import type { CashInResponse } from '../api/schemas/cash-in-response.js';
import type { createCashInBodySchema, refundBodySchema } from '../api/schemas/cash-in.js';
import type { createCashOutBodySchema } from '../api/schemas/cash-out.js';
import type { CashInView } from '../workflows/cash-in/types.js';
import type { CashOutView } from '../workflows/cash-out/types.js';

export type { CashInResponse, CashInView, CashOutView };

/** The endpoint's name as `npm start` creates it; a cluster's operator may name it otherwise. */
export const PIX_PAYMENTS_ENDPOINT = 'pix-payments';

/** The body of `POST /v1/cash-ins`, as a caller writes it (amount as a decimal string: `"12.34"`). */
export type CreateCashInRequest = z.input<ReturnType<typeof createCashInBodySchema>>;
/** The body of `POST /v1/cash-outs`. */
export type CreateCashOutRequest = z.input<ReturnType<typeof createCashOutBodySchema>>;
/** The body of `POST /v1/cash-ins/{externalReference}/refund`, with the cash-in it is for. */
export type RefundCashInRequest = z.input<typeof refundBodySchema> & { externalReference: string };
export interface SettleCashInRequest {
  externalReference: string;
}

export const pixPaymentsService = nexus.service('pix-payments', {
  /**
   * Synchronous: creates the charge (or answers the one already created for this `externalReference`) once
   * ConnectPSP accepted it, with its QR code or OpenFinance URL; what `POST /v1/cash-ins` answers.
   */
  createCashIn: nexus.operation<CreateCashInRequest, CashInResponse>(),
  /**
   * Asynchronous: creates the charge or attaches to its running lifecycle, and completes with the lifecycle's
   * final view (SETTLED, REFUNDED, EXPIRED, FAILED, CANCELLED): the run's own result, amounts in centavos.
   */
  cashIn: nexus.operation<CreateCashInRequest, CashInView>(),
  /** Asynchronous: creates the payout or attaches to it, and completes with its final view. */
  createCashOut: nexus.operation<CreateCashOutRequest, CashOutView>(),
  /** Synchronous: asks for a full refund of a PAID or SETTLED cash-in; answers with status REFUNDING. */
  refundCashIn: nexus.operation<RefundCashInRequest, CashInResponse>(),
  /** Synchronous: confirms a PAID cash-in in manual settlement mode. */
  settleCashIn: nexus.operation<SettleCashInRequest, CashInResponse>(),
});
