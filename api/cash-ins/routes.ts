import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../../config/env.js';
import { listQuerySchema, refundBodySchema } from '../schemas/cash-in.js';
import { externalReferenceSchema } from '../schemas/fields.js';
import { notFound } from '../problem.js';
import { parseOrThrow } from '../validate.js';
import { listPayments } from '../visibility/list-payments.js';
import type { CashInView } from '../../workflows/cash-in/types.js';
import { cashInWorkflowId } from '../../workflows/cash-in/messages.js';
import { requestLogger } from '../observability/request-context.js';
import { createCashInFor } from './create-cash-in.js';
import { presentCashIn } from './presenter.js';
import type { CashInService } from './service.js';

export function cashInRoutes(service: CashInService, temporal: Client, config: Config): Router {
  const router = Router();
  const createCashIn = createCashInFor(service, config);
  const reference = (value: unknown): string => {
    const parsed = externalReferenceSchema.safeParse(value);
    if (!parsed.success) throw notFound(`No cash-in with externalReference ${String(value)}`);
    return parsed.data;
  };

  router.post('/', async (req, res) => {
    const { created, view } = await createCashIn(req.body);
    requestLogger(res).info(paymentFields(view), created ? 'cash-in created' : 'cash-in create repeated');
    res
      .status(created ? 201 : 200)
      .location(`/v1/cash-ins/${encodeURIComponent(view.externalReference)}`)
      .json(await presentCashIn(view));
  });

  router.get('/', async (req, res) => {
    const query = parseOrThrow(listQuerySchema, req.query, 'query');
    res.json(await listPayments(temporal, config, { kind: 'CASH_IN', ...query }));
  });

  router.get('/:externalReference', async (req, res) => {
    res.json(await presentCashIn(await service.get(reference(req.params.externalReference))));
  });

  router.post('/:externalReference/settle', async (req, res) => {
    const view = await service.settle(reference(req.params.externalReference));
    requestLogger(res).info(paymentFields(view), 'cash-in settled by the service');
    res.json(await presentCashIn(view));
  });

  router.post('/:externalReference/refund', async (req, res) => {
    const externalReference = reference(req.params.externalReference);
    const body = parseOrThrow(refundBodySchema, req.body ?? {}, 'body');
    const view = await service.refund(externalReference, body);
    requestLogger(res).info({ ...paymentFields(view), reason: body.reason }, 'cash-in refund requested');
    res.status(202).json(await presentCashIn(view));
  });

  return router;
}

/** The ids a payment's log line carries: ours, the service's and ConnectPSP's, never the payer's data. */
function paymentFields(view: CashInView): Record<string, unknown> {
  return {
    workflowId: cashInWorkflowId(view.externalReference),
    externalReference: view.externalReference,
    transactionId: view.connectPsp?.transactionId,
    internalCode: view.connectPsp?.internalCode,
    status: view.status,
  };
}
