import type { RequestHandler } from 'express';
import { principalOf } from './auth/principal.js';
import { Problem } from './problem.js';

export interface RateLimitOptions {
  /** Sustained requests per second per credential. */
  perSecond: number;
  /** Requests a credential may make at once after being idle. */
  burst: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per credential (after authentication, so one noisy service cannot starve the others and an
 * anonymous flood costs nothing but a 401). In memory: each API replica limits on its own.
 */
export function rateLimitPerCredential({ perSecond, burst, now = Date.now }: RateLimitOptions): RequestHandler {
  const buckets = new Map<string, Bucket>();
  const idleMs = (burst / perSecond) * 1000;
  let lastSweep = now();

  return (_req, res, next) => {
    const key = principalOf(res)?.id ?? 'anonymous';
    const t = now();
    if (t - lastSweep > 60_000) {
      // A bucket refilled to full is the same as no bucket: drop them so the map stays as small as the active set.
      for (const [k, b] of buckets) if (t - b.updatedAt > idleMs) buckets.delete(k);
      lastSweep = t;
    }
    const bucket = buckets.get(key) ?? { tokens: burst, updatedAt: t };
    bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.updatedAt) / 1000) * perSecond);
    bucket.updatedAt = t;
    buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
      throw new Problem(
        429,
        'RATE_LIMITED',
        'Too many requests',
        `This credential exceeded ${perSecond} requests per second; retry after ${retryAfter} s`,
        {},
        { 'Retry-After': String(retryAfter) },
      );
    }
    bucket.tokens -= 1;
    next();
  };
}
