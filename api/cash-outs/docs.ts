import { z } from 'zod';
import type { Config } from '../../config/env.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import { attentionFields, paymentListResponseSchema } from '../schemas/cash-in-response.js';
import { CASH_OUT_STATUSES, cashOutListQuerySchema, createCashOutBodySchema } from '../schemas/cash-out.js';
import { externalReferenceSchema } from '../schemas/fields.js';

const params = z.object({ externalReference: externalReferenceSchema });
const instant = z.iso.datetime({ offset: true });

/** The cash-out as `presenter.ts` answers it (no payee data beyond the destination's kind). */
export const cashOutResponseSchema = z.object({
  externalReference: z.string(),
  status: z.enum(CASH_OUT_STATUSES),
  amount: z.string().meta({ description: 'BRL amount, two decimals', example: '150.00' }),
  currency: z.literal('BRL'),
  destination: z.object({ type: z.enum(['PIX', 'BANK_ACCOUNT']), pixKeyType: z.string().optional() }),
  createdAt: instant,
  completedAt: instant.nullable(),
  failedAt: instant.nullable(),
  refundedAt: instant.nullable(),
  connectPsp: z
    .object({
      transactionId: z.string(),
      internalCode: z.string(),
      endToEndId: z.string().optional(),
      originalEndToEndId: z.string().optional(),
    })
    .nullable(),
  failure: z.object({ code: z.string(), message: z.string() }).nullable(),
  timeline: z.array(z.object({ status: z.enum(CASH_OUT_STATUSES), at: instant, reason: z.string() })),
  ...attentionFields,
});

/** The v1 cash-out routes (`routes.ts`), documented from the schemas that validate them. */
export function cashOutRouteDocs(config: Config): RouteDoc[] {
  const common = { tags: ['Cash-outs'], security: 'service' } as const;
  const location = { Location: { description: 'the cash-out’s URL', schema: { type: 'string' } } };
  return [
    {
      ...common,
      method: 'post',
      path: '/v1/cash-outs',
      operationId: 'createCashOut',
      summary: 'Send a PIX payout by key or bank account',
      description:
        'Answers 202 PROCESSING once ConnectPSP accepted the payout; the same request again answers 200 with ' +
        'its current state. Idempotent on `externalReference`.',
      body: {
        schema: createCashOutBodySchema(Math.round(config.CASH_OUT_MAX_AMOUNT * 100)),
        examples: {
          pixKey: {
            value: {
              externalReference: 'payout-2001',
              amount: '150.00',
              description: 'Prize',
              payee: {
                name: 'Maria Silva',
                document: '52998224725',
                destination: { type: 'PIX', pixKeyType: 'EMAIL', pixKey: 'maria@example.com' },
              },
            },
          },
          bankAccount: {
            value: {
              externalReference: 'payout-2002',
              amount: 80,
              payee: {
                name: 'João Souza',
                document: '11.222.333/0001-81',
                destination: {
                  type: 'BANK_ACCOUNT',
                  bankAccount: { ispb: '00000000', branch: '0001', account: '123456', accountType: 'CHECKING' },
                },
              },
            },
          },
        },
      },
      responses: {
        202: { description: 'Accepted by ConnectPSP (PROCESSING)', schema: cashOutResponseSchema, headers: location },
        200: { description: 'The same request again: the existing cash-out', schema: cashOutResponseSchema },
      },
      errors: ['VALIDATION_ERROR', 'EXTERNAL_REFERENCE_CONFLICT', 'CONNECTPSP_REFUSAL'],
    },
    {
      ...common,
      method: 'get',
      path: '/v1/cash-outs',
      operationId: 'listCashOuts',
      summary: 'List cash-outs, newest first',
      query: cashOutListQuerySchema,
      responses: { 200: { description: 'A page of cash-outs', schema: paymentListResponseSchema } },
      errors: ['VALIDATION_ERROR'],
    },
    {
      ...common,
      method: 'get',
      path: '/v1/cash-outs/{externalReference}',
      operationId: 'getCashOut',
      summary: 'Current state and timeline of a cash-out',
      params,
      responses: { 200: { description: 'The cash-out', schema: cashOutResponseSchema } },
      errors: ['NOT_FOUND'],
    },
  ];
}
