import { z } from 'zod';
import type { Config } from '../../config/env.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import { cashInResponseSchema, paymentListResponseSchema } from '../schemas/cash-in-response.js';
import { createCashInBodySchema, listQuerySchema, refundBodySchema } from '../schemas/cash-in.js';
import { externalReferenceSchema } from '../schemas/fields.js';

const params = z.object({ externalReference: externalReferenceSchema.meta({ description: 'the service’s id' }) });

const exampleCashIn = {
  externalReference: 'order-1001',
  status: 'AWAITING_PAYMENT',
  amount: '25.90',
  currency: 'BRL',
  settlement: { mode: 'auto' },
  createdAt: '2025-01-01T12:00:00.000Z',
  expiresAt: '2025-01-02T12:00:00.000Z',
  paidAt: null,
  settledAt: null,
  refundedAt: null,
  connectPsp: { transactionId: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f', internalCode: 'CI-000123' },
  pix: { copyAndPaste: '00020101021226…6304ABCD', qrCodeImageBase64: 'iVBORw0KGgo…' },
  openFinance: null,
  failure: null,
  payments: [],
  timeline: [
    { status: 'CREATING', at: '2025-01-01T12:00:00.000Z', reason: 'charge requested' },
    { status: 'AWAITING_PAYMENT', at: '2025-01-01T12:00:00.300Z', reason: 'ConnectPSP accepted the charge' },
  ],
  metadata: { orderId: '1001' },
  attention: null,
  stale: false,
};
const location = { Location: { description: 'the cash-in’s URL', schema: { type: 'string' } } };

/** The v1 cash-in routes, documented from the schemas that validate them (see `routes.ts`). */
export function cashInRouteDocs(config: Config): RouteDoc[] {
  const createSchema = createCashInBodySchema({
    maxAmountCentavos: Math.round(config.CASH_IN_MAX_AMOUNT * 100),
    defaultSettlementWindowMinutes: config.SETTLEMENT_WINDOW_MINUTES,
  });
  const common = { tags: ['Cash-ins'], security: 'service' } as const;
  return [
    {
      ...common,
      method: 'post',
      path: '/v1/cash-ins',
      operationId: 'createCashIn',
      summary: 'Create a cash-in (PIX charge)',
      description:
        'Answers once ConnectPSP accepted the charge, with the QR code (`pix`) or the OpenFinance `paymentUrl`. ' +
        'Idempotent on `externalReference`: the same body again answers 200 with the same cash-in; a different ' +
        'body for the same reference is a 409 `EXTERNAL_REFERENCE_CONFLICT`.',
      body: {
        schema: createSchema,
        examples: {
          qrCode: {
            summary: 'A PIX QR code, settled automatically once paid',
            value: {
              externalReference: 'order-1001',
              amount: '25.90',
              payer: { name: 'Maria Silva', document: '529.982.247-25' },
              callbackUrl: 'https://shop.example.com/pix/callbacks',
              metadata: { orderId: '1001' },
            },
          },
          manual: {
            summary: 'Manual settlement: confirm with /settle within 60 minutes of payment',
            value: {
              externalReference: 'order-1002',
              amount: 100,
              expirationInMinutes: 30,
              payer: { name: 'João Souza', document: '11.222.333/0001-81' },
              settlement: { mode: 'manual', windowMinutes: 60 },
            },
          },
        },
      },
      responses: {
        201: { description: 'Created', schema: cashInResponseSchema, example: exampleCashIn, headers: location },
        200: {
          description: 'The same request again: the existing cash-in',
          schema: cashInResponseSchema,
          headers: location,
        },
      },
      errors: ['VALIDATION_ERROR', 'EXTERNAL_REFERENCE_CONFLICT', 'CONNECTPSP_REFUSAL'],
    },
    {
      ...common,
      method: 'get',
      path: '/v1/cash-ins',
      operationId: 'listCashIns',
      summary: 'List cash-ins, newest first',
      query: listQuerySchema,
      responses: {
        200: {
          description: 'A page of cash-ins',
          schema: paymentListResponseSchema,
          example: {
            items: [
              {
                externalReference: 'order-1001',
                status: 'SETTLED',
                amount: '25.90',
                createdAt: '2025-01-01T12:00:00Z',
              },
            ],
            nextCursor: null,
          },
        },
      },
      errors: ['VALIDATION_ERROR'],
    },
    {
      ...common,
      method: 'get',
      path: '/v1/cash-ins/{externalReference}',
      operationId: 'getCashIn',
      summary: 'Current state and timeline of a cash-in',
      params,
      responses: { 200: { description: 'The cash-in', schema: cashInResponseSchema, example: exampleCashIn } },
      errors: ['NOT_FOUND'],
    },
    {
      ...common,
      method: 'post',
      path: '/v1/cash-ins/{externalReference}/settle',
      operationId: 'settleCashIn',
      summary: 'Confirm a PAID cash-in in manual settlement mode',
      params,
      responses: { 200: { description: 'Settled', schema: cashInResponseSchema } },
      errors: ['NOT_FOUND', 'INVALID_STATE'],
    },
    {
      ...common,
      method: 'post',
      path: '/v1/cash-ins/{externalReference}/refund',
      operationId: 'refundCashIn',
      summary: 'Refund a PAID or SETTLED cash-in in full',
      description: 'Answers 202 with the cash-in REFUNDING; it becomes REFUNDED when ConnectPSP confirms.',
      params,
      body: {
        schema: refundBodySchema,
        examples: { customer: { value: { reason: 'CUSTOMER_REQUEST', description: 'order cancelled' } } },
      },
      responses: { 202: { description: 'Refund under way', schema: cashInResponseSchema } },
      errors: ['VALIDATION_ERROR', 'NOT_FOUND', 'INVALID_STATE', 'REFUND_WINDOW_CLOSED'],
    },
  ];
}
