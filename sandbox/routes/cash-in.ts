import { Router } from 'express';
import type { Request } from 'express';
import { CreateCashInRequestSchema, RefundCashInRequestSchema } from '../../connectpsp/schemas/index.js';
import { cashInView } from '../cash-ins.js';
import type { SandboxContext } from '../context.js';
import { applicationOf, authenticate, injectFaults, jsonBody, parse, respond } from '../http.js';

/** `POST /cash-in`, `GET /cash-in/{id}`, `POST /cash-in/{id}/refund`. */
export function cashInRoutes(ctx: SandboxContext): Router {
  const router = Router();
  const bearer = authenticate(ctx, { signed: false });
  const signed = authenticate(ctx, { signed: true });

  router.post(
    '/cash-in',
    injectFaults(ctx, 'POST /cash-in'),
    bearer,
    jsonBody,
    respond(
      ctx,
      (req, res) => {
        const request = parse(CreateCashInRequestSchema, req.body);
        const record = ctx.cashIns.create(applicationOf(res), request, baseUrl(req));
        return { status: 201, body: cashInView(record) };
      },
      { idempotent: true },
    ),
  );

  router.get(
    '/cash-in/:id',
    injectFaults(ctx, 'GET /cash-in/{id}'),
    bearer,
    respond(ctx, (req, res) => ({
      status: 200,
      body: cashInView(ctx.cashIns.find(applicationOf(res), String(req.params.id))),
    })),
  );

  router.post(
    '/cash-in/:id/refund',
    injectFaults(ctx, 'POST /cash-in/{id}/refund'),
    signed,
    jsonBody,
    respond(
      ctx,
      (req, res) => {
        const request = parse(RefundCashInRequestSchema, req.body);
        const app = applicationOf(res);
        const record = ctx.cashIns.refund(app, ctx.cashIns.find(app, String(req.params.id)), request);
        return { status: 202, body: cashInView(record) };
      },
      { idempotent: true },
    ),
  );
  return router;
}

/** Where the payer's browser reaches this sandbox, for the OpenFinance `paymentUrl`. */
function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;
}
