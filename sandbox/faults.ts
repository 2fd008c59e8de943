import { z } from 'zod';
import { SeededRandom } from './prng.js';

/** The ConnectPSP endpoints, as fault configuration names them. */
export const ENDPOINTS = [
  'POST /auth/token',
  'POST /cash-in',
  'GET /cash-in/{id}',
  'POST /cash-in/{id}/refund',
  'POST /cash-out',
  'GET /cash-out/{id}',
  'GET /account/balance',
  'POST /account/rebalance',
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

const rate = z.number().min(0).max(1);

const EndpointFaultSchema = z.strictObject({
  /** Share of requests answered with `errorStatus` before any work is done. */
  errorRate: rate.default(0),
  errorStatus: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).default(500),
  /** Added before the request is handled. */
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  /** Share of requests whose work is done and whose connection is then dropped without a response. */
  lostResponseRate: rate.default(0),
  /**
   * Share of lookups (`GET /cash-in/{id}`, `GET /cash-out/{id}`) answered 404 TRANSACTION_NOT_FOUND although the
   * transaction exists, as a ConnectPSP that lost track of it would. Ignored on other endpoints.
   */
  notFoundRate: rate.default(0),
});

const WebhookFaultSchema = z.strictObject({
  /** Share of events delivered twice (two deliveries, each with its own attempts and event ids). */
  duplicateRate: rate.default(0),
  /** Share of events held back until the next event to the same URL has gone (or `reorderMaxHoldMs`). */
  reorderRate: rate.default(0),
  reorderMaxHoldMs: z.number().int().min(0).max(60_000).default(1000),
  /** Share of events whose first attempt waits `delayMs`. */
  delayRate: rate.default(0),
  delayMs: z.number().int().min(0).max(600_000).default(2000),
  /** Share of events never delivered at all. */
  dropRate: rate.default(0),
});

/** Body of `PUT /_sandbox/faults`. `endpoints['*']` applies to every endpoint without its own entry. */
export const FaultConfigSchema = z.strictObject({
  seed: z.number().int().optional(),
  endpoints: z.partialRecord(z.enum([...ENDPOINTS, '*']), EndpointFaultSchema).default({}),
  webhooks: WebhookFaultSchema.optional(),
});
export type FaultConfig = z.infer<typeof FaultConfigSchema>;

export interface RequestFaults {
  latencyMs: number;
  /** HTTP status to fail with before doing the work, or undefined. */
  errorStatus: number | undefined;
  loseResponse: boolean;
  /** Answer 404 TRANSACTION_NOT_FOUND instead of the transaction. */
  notFound: boolean;
}

const LOOKUPS: readonly Endpoint[] = ['GET /cash-in/{id}', 'GET /cash-out/{id}'];

export interface WebhookFaults {
  drop: boolean;
  duplicate: boolean;
  delayMs: number;
  reorder: boolean;
  reorderMaxHoldMs: number;
}

const NO_REQUEST_FAULTS: RequestFaults = { latencyMs: 0, errorStatus: undefined, loseResponse: false, notFound: false };

/**
 * Decides which faults hit each request and webhook. All draws come from one seeded PRNG, and a rate of 0 draws
 * nothing, so the same seed and the same sequence of calls inject the same faults.
 */
export class FaultInjector {
  private config: FaultConfig = { endpoints: {} };
  private random: SeededRandom;

  constructor(private readonly defaultSeed: number) {
    this.random = new SeededRandom(defaultSeed);
  }

  get current(): FaultConfig {
    return this.config;
  }

  set(config: FaultConfig): void {
    this.config = config;
    this.random = new SeededRandom(config.seed ?? this.defaultSeed);
  }

  clear(): void {
    this.set({ endpoints: {} });
  }

  forRequest(endpoint: Endpoint): RequestFaults {
    const fault = this.config.endpoints[endpoint] ?? this.config.endpoints['*'];
    if (fault === undefined) return NO_REQUEST_FAULTS;
    return {
      latencyMs: fault.latencyMs,
      errorStatus: this.random.chance(fault.errorRate) ? fault.errorStatus : undefined,
      loseResponse: this.random.chance(fault.lostResponseRate),
      notFound: LOOKUPS.includes(endpoint) && this.random.chance(fault.notFoundRate),
    };
  }

  forWebhook(): WebhookFaults {
    const fault = this.config.webhooks;
    if (fault === undefined) return { drop: false, duplicate: false, delayMs: 0, reorder: false, reorderMaxHoldMs: 0 };
    return {
      drop: this.random.chance(fault.dropRate),
      duplicate: this.random.chance(fault.duplicateRate),
      delayMs: this.random.chance(fault.delayRate) ? fault.delayMs : 0,
      reorder: this.random.chance(fault.reorderRate),
      reorderMaxHoldMs: fault.reorderMaxHoldMs,
    };
  }
}
