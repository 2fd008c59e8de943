import { Router } from 'express';
import { brlToCentavos } from '../../connectpsp/money.js';
import { BalanceQuerySchema, RebalanceRequestSchema } from '../../connectpsp/schemas/index.js';
import type { RebalanceResponse } from '../../connectpsp/schemas/index.js';
import type { SandboxContext } from '../context.js';
import { applicationOf, authenticate, injectFaults, jsonBody, parse, respond } from '../http.js';

/** `GET /account/balance`, `POST /account/rebalance`. */
export function accountRoutes(ctx: SandboxContext): Router {
  const router = Router();

  router.get(
    '/account/balance',
    injectFaults(ctx, 'GET /account/balance'),
    authenticate(ctx, { signed: false }),
    respond(ctx, (req, res) => {
      // A well-formed `date` is accepted and ignored: historical balances are "in development".
      parse(BalanceQuerySchema, req.query);
      return { status: 200, body: applicationOf(res).ledger.view(ctx.clock.now()) };
    }),
  );

  router.post(
    '/account/rebalance',
    injectFaults(ctx, 'POST /account/rebalance'),
    authenticate(ctx, { signed: true }),
    jsonBody,
    respond(ctx, (req, res) => {
      const { targetAmount } = parse(RebalanceRequestSchema, req.body);
      applicationOf(res).ledger.rebalance(brlToCentavos(targetAmount));
      const body: RebalanceResponse = { success: true, message: 'Rebalancing completed successfully.' };
      return { status: 200, body };
    }),
  );
  return router;
}
