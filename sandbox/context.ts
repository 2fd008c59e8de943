import type { ApplicationState } from './application.js';
import type { CashInBook } from './cash-ins.js';
import type { CashOutBook } from './cash-outs.js';
import type { SandboxClock } from './clock.js';
import type { FaultInjector } from './faults.js';
import type { IdempotencyStore } from './idempotency.js';
import type { TokenService } from './tokens.js';
import type { WebhookDispatcher } from './webhooks.js';

/** The parts of one running sandbox that its routes share. */
export interface SandboxContext {
  clock: SandboxClock;
  tokens: TokenService;
  faults: FaultInjector;
  idempotency: IdempotencyStore;
  webhooks: WebhookDispatcher;
  cashIns: CashInBook;
  cashOuts: CashOutBook;
  /** Keyed by ApplicationToken. */
  applications: Map<string, ApplicationState>;
}
