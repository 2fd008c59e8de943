import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../../config/env.js';
import { connectPspRefusal } from '../cash-ins/failure-problem.js';
import { notFound } from '../problem.js';
import { cashOutListQuerySchema, createCashOutBodySchema } from '../schemas/cash-out.js';
import { externalReferenceSchema } from '../schemas/fields.js';
import { assertCallbackUrlAllowed } from '../validation/callback-url.js';
import { parseOrThrow } from '../validate.js';
import { listPayments } from '../visibility/list-payments.js';
import { presentCashOut } from './presenter.js';
import type { CashOutService } from './service.js';

/**
 * `POST /v1/cash-outs` answers 202 PROCESSING once ConnectPSP accepted the payout, and 200 with the same payout
 * (its current state) when the same request comes again; a ConnectPSP refusal is a 4xx problem with its code.
 */
export function cashOutRoutes(service: CashOutService, temporal: Client, config: Config): Router {
  const router = Router();
  const createSchema = createCashOutBodySchema(Math.round(config.CASH_OUT_MAX_AMOUNT * 100));
  const reference = (value: unknown): string => {
    const parsed = externalReferenceSchema.safeParse(value);
    if (!parsed.success) throw notFound(`No cash-out with externalReference ${String(value)}`);
    return parsed.data;
  };

  router.post('/', async (req, res) => {
    const body = parseOrThrow(createSchema, req.body, 'body');
    await assertCallbackUrlAllowed(body.callbackUrl, config);
    const { created, view } = await service.create(body);
    if (view.status === 'FAILED' && view.failure && !view.connectPsp) throw connectPspRefusal(view.failure);
    res
      .status(created ? 202 : 200)
      .location(`/v1/cash-outs/${encodeURIComponent(view.externalReference)}`)
      .json(presentCashOut(view));
  });

  router.get('/', async (req, res) => {
    const query = parseOrThrow(cashOutListQuerySchema, req.query, 'query');
    res.json(await listPayments(temporal, config, { kind: 'CASH_OUT', ...query }));
  });

  router.get('/:externalReference', async (req, res) => {
    res.json(presentCashOut(await service.get(reference(req.params.externalReference))));
  });

  return router;
}
