import { Router } from 'express';
import { CreateCashOutRequestSchema } from '../../connectpsp/schemas/index.js';
import { cashOutView } from '../cash-outs.js';
import type { SandboxContext } from '../context.js';
import { applicationOf, authenticate, injectFaults, jsonBody, parse, respond } from '../http.js';

/** `POST /cash-out`, `GET /cash-out/{id}`. */
export function cashOutRoutes(ctx: SandboxContext): Router {
  const router = Router();

  router.post(
    '/cash-out',
    injectFaults(ctx, 'POST /cash-out'),
    authenticate(ctx, { signed: true }),
    jsonBody,
    respond(
      ctx,
      (req, res) => {
        const request = parse(CreateCashOutRequestSchema, req.body);
        return { status: 202, body: cashOutView(ctx.cashOuts.create(applicationOf(res), request)) };
      },
      { idempotent: true },
    ),
  );

  router.get(
    '/cash-out/:id',
    injectFaults(ctx, 'GET /cash-out/{id}'),
    authenticate(ctx, { signed: false }),
    respond(ctx, (req, res) => ({
      status: 200,
      body: cashOutView(ctx.cashOuts.find(applicationOf(res), String(req.params.id))),
    })),
  );
  return router;
}
