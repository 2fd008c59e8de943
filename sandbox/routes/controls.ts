import express, { Router } from 'express';
import type { Response } from 'express';
import { z } from 'zod';
import { brlToCentavos, centavosToBrl, isBrlAmount } from '../../connectpsp/money.js';
import { CashInStatus, PayerBankDataSchema, ProblemCode } from '../../connectpsp/schemas/index.js';
import type { ApplicationState } from '../application.js';
import { cashInView, DEFAULT_PAYER_BANK } from '../cash-ins.js';
import { cashOutView, DEFAULT_CASH_OUT_FAILURE } from '../cash-outs.js';
import type { SandboxContext } from '../context.js';
import { FaultConfigSchema } from '../faults.js';
import { parse, sendOnceWritten } from '../http.js';
import { notFound, ProblemError } from '../problem.js';
import type { CashInRecord, CashOutRecord } from '../records.js';
import { utcTimestamp } from '../timestamps.js';

const PayBodySchema = z.object({
  /** Fields left out take the documentation's example bank. */
  bankData: PayerBankDataSchema.partial().optional(),
  /** Pays without the settlement E2E id yet (refunds then answer MISSING_END_TO_END_ID); pay again to issue it. */
  withholdEndToEndId: z.boolean().optional(),
});
const FailBodySchema = z.object({ code: z.string().min(1).optional(), message: z.string().optional() });
const ClockAdvanceSchema = z.object({ seconds: z.number().nonnegative() });
const TransactionsQuerySchema = z.object({ externalReference: z.string().optional() });
const WebhooksQuerySchema = z.object({ transactionId: z.string().optional(), eventType: z.string().optional() });
/** Money from outside (a deposit at the partner bank), in reais like ConnectPSP's own amounts. */
const TopUpBodySchema = z.object({
  amount: z
    .number()
    .positive()
    .max(100_000_000)
    .refine(isBrlAmount, 'must have at most 2 decimal places')
    .transform(brlToCentavos),
  /** Only this application's wallet; every application's when left out. */
  clientId: z.string().optional(),
});

/**
 * Test controls under `/_sandbox/`, outside the ConnectPSP surface and without authentication: drive transactions
 * through their states, move the clock, inject faults, and inspect what the sandbox stored and delivered.
 */
export function controlRoutes(ctx: SandboxContext): Router {
  const router = Router();
  router.use(express.json({ limit: '64kb' }));
  const json = (res: Response, status: number, body: unknown): void =>
    sendOnceWritten(res, { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) });

  const findCashIn = (id: string): [ApplicationState, CashInRecord] => {
    for (const app of ctx.applications.values()) {
      const record = app.cashIns.get(id);
      if (record !== undefined) return [app, record];
    }
    throw notFound(id);
  };
  const findCashOut = (id: string): [ApplicationState, CashOutRecord] => {
    for (const app of ctx.applications.values()) {
      const record = app.cashOuts.get(id);
      if (record !== undefined) return [app, record];
    }
    throw notFound(id);
  };

  router.post('/cash-in/:id/pay', (req, res) => {
    const body = parse(PayBodySchema, req.body);
    const [app, record] = findCashIn(req.params.id);
    const bankData = { ...DEFAULT_PAYER_BANK, ...body.bankData };
    json(res, 200, cashInView(ctx.cashIns.pay(app, record, bankData, body.withholdEndToEndId)));
  });
  router.post('/cash-in/:id/expire', (req, res) => {
    json(res, 200, cashInView(ctx.cashIns.expire(findCashIn(req.params.id)[1])));
  });
  router.post('/cash-in/:id/cancel', (req, res) => {
    json(res, 200, cashInView(ctx.cashIns.cancel(findCashIn(req.params.id)[1])));
  });

  router.post('/cash-out/:id/complete', (req, res) => {
    json(res, 200, cashOutView(ctx.cashOuts.complete(...findCashOut(req.params.id))));
  });
  router.post('/cash-out/:id/fail', (req, res) => {
    const body = parse(FailBodySchema, req.body);
    const failure = {
      code: body.code ?? DEFAULT_CASH_OUT_FAILURE.code,
      message: body.message ?? (body.code === undefined ? DEFAULT_CASH_OUT_FAILURE.message : body.code),
    };
    json(res, 200, cashOutView(ctx.cashOuts.fail(...findCashOut(req.params.id), failure)));
  });
  router.post('/cash-out/:id/refund', (req, res) => {
    json(res, 200, cashOutView(ctx.cashOuts.refund(...findCashOut(req.params.id))));
  });
  router.post('/cash-out/:id/cancel', (req, res) => {
    json(res, 200, cashOutView(ctx.cashOuts.cancel(...findCashOut(req.params.id))));
  });

  router.get('/clock', (_req, res) => json(res, 200, { now: utcTimestamp(ctx.clock.now()) }));
  router.post('/clock/advance', (req, res) => {
    const { seconds } = parse(ClockAdvanceSchema, req.body);
    ctx.clock.advance(seconds);
    ctx.cashIns.sweepExpired();
    json(res, 200, { now: utcTimestamp(ctx.clock.now()) });
  });

  // The wallets payouts draw on. A paid cash-in credits one as at ConnectPSP; a top-up adds money from outside, so a
  // sandbox that payouts drained over many runs pays again without a reset.
  const wallets = (clientId?: string) => {
    const applications = [...ctx.applications.values()].filter(
      (app) => clientId === undefined || app.credentials.clientId === clientId,
    );
    if (applications.length === 0) {
      throw new ProblemError(404, ProblemCode.NOT_FOUND, `No application with clientId ${clientId ?? ''}.`);
    }
    return applications;
  };
  const walletView = (applications: ApplicationState[]) => ({
    wallets: applications.map((app) => ({
      clientId: app.credentials.clientId,
      transactionalBalance: centavosToBrl(app.ledger.transactionalCentavos),
      proprietaryBalance: centavosToBrl(app.ledger.proprietaryCentavos),
    })),
  });
  router.get('/wallet', (_req, res) => json(res, 200, walletView(wallets())));
  router.post('/wallet/top-up', (req, res) => {
    const { amount, clientId } = parse(TopUpBodySchema, req.body);
    const applications = wallets(clientId);
    for (const app of applications) app.ledger.credit(amount);
    json(res, 200, walletView(applications));
  });

  router.get('/faults', (_req, res) => json(res, 200, ctx.faults.current));
  router.put('/faults', (req, res) => {
    ctx.faults.set(parse(FaultConfigSchema, req.body));
    json(res, 200, ctx.faults.current);
  });
  router.delete('/faults', (_req, res) => {
    ctx.faults.clear();
    res.status(204).end();
  });

  router.get('/transactions', (req, res) => {
    const { externalReference } = parse(TransactionsQuerySchema, req.query);
    const cashIns: CashInRecord[] = [];
    const cashOuts: CashOutRecord[] = [];
    for (const app of ctx.applications.values()) {
      for (const record of app.cashInsByReference.values()) {
        if (externalReference === undefined || record.externalReference === externalReference)
          cashIns.push(ctx.cashIns.refresh(record));
      }
      for (const record of app.cashOutsByReference.values()) {
        if (externalReference === undefined || record.externalReference === externalReference) cashOuts.push(record);
      }
    }
    json(res, 200, { cashIns: cashIns.map(cashInView), cashOuts: cashOuts.map(cashOutView) });
  });

  router.get('/webhooks', (req, res) => {
    const { transactionId, eventType } = parse(WebhooksQuerySchema, req.query);
    const deliveries = ctx.webhooks
      .entries()
      .filter(
        (entry) =>
          (transactionId === undefined || entry.transactionId === transactionId) &&
          (eventType === undefined || entry.eventType === eventType),
      );
    json(res, 200, { deliveries });
  });

  // The page a payer reaches through an OpenFinance `paymentUrl`: visiting it authorises the payment.
  router.get('/open-finance/:transactionId', (req, res) => {
    const [app, record] = findCashIn(req.params.transactionId);
    if (ctx.cashIns.refresh(record).status === CashInStatus.AWAITING_PAYMENT) ctx.cashIns.pay(app, record);
    const redirectUrl = record.openFinance?.redirectUrl;
    if (redirectUrl !== undefined) {
      res.redirect(302, redirectUrl);
      return;
    }
    res
      .status(200)
      .type('text/plain')
      .send(`Payment ${record.status === CashInStatus.PAID ? 'authorised' : record.status}.`);
  });
  return router;
}
