import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../../config/env.js';
import { createCashOutFor } from './create-cash-out.js';
import { notFound } from '../problem.js';
import { cashOutListQuerySchema } from '../schemas/cash-out.js';
import { externalReferenceSchema } from '../schemas/fields.js';
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
  const createCashOut = createCashOutFor(service, config);
  const reference = (value: unknown): string => {
    const parsed = externalReferenceSchema.safeParse(value);
    if (!parsed.success) throw notFound(`No cash-out with externalReference ${String(value)}`);
    return parsed.data;
  };

  router.post('/', async (req, res) => {
    const { created, view } = await createCashOut(req.body);
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
