import { SANDBOX_CREDENTIALS } from '../config/env.js';

/** One integration known to the sandbox: its onboarding credentials and opening balances. */
export interface SandboxApplication {
  clientId: string;
  clientSecret: string;
  applicationToken: string;
  cryptoToken: string;
  /** @default 50_000_000 (R$ 500,000.00, the documentation's example) */
  transactionalBalanceCentavos?: number;
  /** @default 100_000_000 (R$ 1,000,000.00, the documentation's example) */
  proprietaryBalanceCentavos?: number;
}

export interface SandboxOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** @default one application with {@link SANDBOX_CREDENTIALS} */
  applications?: SandboxApplication[];
  /** Pays every new cash-in after this many milliseconds (demos, benchmarks). @default off */
  autoPayMs?: number;
  /** Completes every new cash-out after this many milliseconds. @default same as `autoPayMs` */
  autoCompleteCashOutMs?: number;
  /** Webhook target for transactions created without `webhookUrl`. @default none: no delivery */
  defaultWebhookUrl?: string;
  /** Delivery attempts per webhook event, the first included. @default 5 */
  webhookAttempts?: number;
  /** Delay before the second attempt; it doubles for each further attempt. @default 1000 */
  webhookBackoffBaseMs?: number;
  /** A receiver slower than this counts as failed. @default 5000 */
  webhookTimeoutMs?: number;
  /** How long an idempotency key is remembered. @default 86_400 (24 h) */
  idempotencyTtlSeconds?: number;
  /** Seed of the fault PRNG until `PUT /_sandbox/faults` sets another. @default 1 */
  faultSeed?: number;
  /** HS256 key of the JWTs. @default 32 random bytes per instance, or kept in `stateDir` */
  jwtSecret?: Uint8Array;
  /**
   * Keeps the state (transactions, balances, idempotency keys, pending webhook deliveries, clock, JWT key) in this
   * directory, restored at start: `npm start` sets it under DATA_DIR. @default none: in memory only
   */
  stateDir?: string;
}

type Unset = 'autoPayMs' | 'autoCompleteCashOutMs' | 'defaultWebhookUrl' | 'stateDir';
export type ResolvedSandboxOptions = Required<Omit<SandboxOptions, Unset>> & Pick<SandboxOptions, Unset>;

export function resolveSandboxOptions(options: SandboxOptions, randomSecret: () => Uint8Array): ResolvedSandboxOptions {
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    applications: options.applications ?? [{ ...SANDBOX_CREDENTIALS }],
    autoPayMs: options.autoPayMs,
    autoCompleteCashOutMs: options.autoCompleteCashOutMs ?? options.autoPayMs,
    defaultWebhookUrl: options.defaultWebhookUrl,
    webhookAttempts: options.webhookAttempts ?? 5,
    webhookBackoffBaseMs: options.webhookBackoffBaseMs ?? 1000,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 5000,
    idempotencyTtlSeconds: options.idempotencyTtlSeconds ?? 86_400,
    faultSeed: options.faultSeed ?? 1,
    jwtSecret: options.jwtSecret ?? randomSecret(),
    stateDir: options.stateDir,
  };
}
