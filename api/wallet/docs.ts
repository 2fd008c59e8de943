import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc.js';
import { rebalanceBodySchema } from '../schemas/wallet.js';

const decimal = z.string().meta({ description: 'BRL amount, two decimals' });

export const balanceResponseSchema = z.object({
  currency: z.string(),
  referenceDate: z.string(),
  updatedAt: z.string(),
  consolidated: z.object({ total: decimal, transactional: decimal, proprietary: decimal }),
  banks: z.array(z.object({ ispb: z.string(), bank: z.string(), transactional: decimal, proprietary: decimal })),
});

export const rebalanceResponseSchema = z.object({
  requestId: z.string(),
  targetAmount: decimal,
  status: z.enum(['COMPLETED', 'REFUSED']),
  message: z.string(),
  completedAt: z.string(),
});

/** The v1 wallet routes (`routes.ts`). The schema's limit does not change the documented shape. */
export const walletRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/wallet/balance',
    operationId: 'getBalance',
    summary: 'Consolidated and per-bank balances',
    tags: ['Wallet'],
    security: 'service',
    responses: { 200: { description: 'The balances now', schema: balanceResponseSchema } },
    errors: ['CONNECTPSP_REFUSAL'],
  },
  {
    method: 'post',
    path: '/v1/wallet/rebalance',
    operationId: 'rebalance',
    summary: 'Move funds so the transactional balance equals targetAmount',
    description:
      'Idempotent by `requestId`: the same request again answers 200 with the first result and ' +
      '`Idempotent-Replayed: true`; the same `requestId` with another target is a 409.',
    tags: ['Wallet'],
    security: 'service',
    body: {
      schema: rebalanceBodySchema(1_000_000_000_000),
      examples: { sweep: { value: { targetAmount: '5000.00', requestId: 'rebalance-2025-01-01' } } },
    },
    responses: {
      200: {
        description: 'Rebalanced (or the replayed first result)',
        schema: rebalanceResponseSchema,
        headers: { 'Idempotent-Replayed': { description: '`true` on a replay', schema: { type: 'string' } } },
      },
    },
    errors: ['VALIDATION_ERROR', 'REQUEST_ID_CONFLICT', 'CONNECTPSP_REFUSAL'],
  },
];
