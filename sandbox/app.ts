import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApplicationState } from './application.js';
import { CashInBook } from './cash-ins.js';
import { CashOutBook } from './cash-outs.js';
import { SandboxClock } from './clock.js';
import type { SandboxContext } from './context.js';
import { FaultInjector } from './faults.js';
import { notFoundRoute, problemHandler, type SandboxLocals } from './http.js';
import { IdempotencyStore } from './idempotency.js';
import { resolveSandboxOptions } from './options.js';
import type { SandboxOptions } from './options.js';
import { accountRoutes } from './routes/account.js';
import { authRoutes } from './routes/auth.js';
import { cashInRoutes } from './routes/cash-in.js';
import { cashOutRoutes } from './routes/cash-out.js';
import { controlRoutes } from './routes/controls.js';
import { openStateDir, restoreState, stateSnapshot } from './saved-state.js';
import { TokenService } from './tokens.js';
import { WebhookDispatcher } from './webhooks.js';

export type { SandboxApplication, SandboxOptions } from './options.js';

/** A listening sandbox. */
export interface RunningSandbox {
  /** Base URL, e.g. `http://127.0.0.1:41234`; ConnectPSP paths go directly under it. */
  url: string;
  port: number;
  /**
   * Stops listening, cancels timers and pending webhook deliveries (kept in the state directory, if any, for the next
   * start), drops open connections, and writes out the journal.
   */
  close(): Promise<void>;
}

/** How often unpaid cash-ins are checked for expiry (reads also check, so this only bounds staleness of lists). */
const EXPIRY_SWEEP_MS = 1000;

/**
 * Starts a ConnectPSP simulator: the documented API plus `/_sandbox/` test controls, its state in memory and, with
 * `stateDir`, journalled there and restored at start. Tests run it in-process on port 0; `sandbox/main.ts` runs it
 * standalone.
 */
export async function createSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const stateDir = options.stateDir === undefined ? undefined : openStateDir(options.stateDir);
  const journal = stateDir?.journal;
  const resolved = resolveSandboxOptions(options, () => stateDir?.jwtSecret ?? randomBytes(32));
  const timers = new Set<NodeJS.Timeout>();
  const schedule = (ms: number, run: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const clock = new SandboxClock(journal);
  const faults = new FaultInjector(resolved.faultSeed);
  const webhooks = new WebhookDispatcher(
    {
      attempts: resolved.webhookAttempts,
      backoffBaseMs: resolved.webhookBackoffBaseMs,
      timeoutMs: resolved.webhookTimeoutMs,
    },
    clock,
    faults,
    journal,
  );
  const ctx: SandboxContext = {
    clock,
    faults,
    webhooks,
    tokens: new TokenService(resolved.jwtSecret, clock),
    idempotency: new IdempotencyStore(resolved.idempotencyTtlSeconds * 1000, journal),
    cashIns: new CashInBook({
      clock,
      webhooks,
      defaultWebhookUrl: resolved.defaultWebhookUrl,
      autoPayMs: resolved.autoPayMs,
      schedule,
      journal,
    }),
    cashOuts: new CashOutBook({
      clock,
      webhooks,
      defaultWebhookUrl: resolved.defaultWebhookUrl,
      autoCompleteMs: resolved.autoCompleteCashOutMs,
      schedule,
      journal,
    }),
    applications: new Map(
      resolved.applications.map((app) => [app.applicationToken, new ApplicationState(app, journal)]),
    ),
  };
  if (journal !== undefined) {
    const pending = restoreState(ctx, journal.restored);
    journal.compact(stateSnapshot(ctx, pending));
    webhooks.resume(pending);
  }

  const app = express();
  app.disable('x-powered-by');
  // ETags would hash every body, QR images included, for nothing: no client of this API revalidates.
  app.set('etag', false);
  Object.assign(app.locals, { journal } satisfies SandboxLocals);
  app.use(authRoutes(ctx), cashInRoutes(ctx), cashOutRoutes(ctx), accountRoutes(ctx));
  app.use('/_sandbox', controlRoutes(ctx));
  app.use(notFoundRoute);
  app.use(problemHandler);

  const sweeper = setInterval(() => ctx.cashIns.sweepExpired(), EXPIRY_SWEEP_MS);
  sweeper.unref();

  const server = app.listen(resolved.port, resolved.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;

  return {
    url: `http://${host}:${port}`,
    port,
    close: async () => {
      clearInterval(sweeper);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      webhooks.close();
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      server.closeAllConnections();
      await closed;
      await journal?.close();
    },
  };
}
