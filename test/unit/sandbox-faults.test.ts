import { FaultConfigSchema, FaultInjector } from '../../sandbox/faults.js';
import { resolveSandboxOptions } from '../../sandbox/options.js';
import { SeededRandom } from '../../sandbox/prng.js';

describe('sandbox fault decisions', () => {
  test('the seeded generator repeats its sequence for a seed and stays within [0, 1)', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const first = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(first);
    expect(first.every((n) => n >= 0 && n < 1)).toBe(true);
    const mean = first.reduce((sum, n) => sum + n, 0) / first.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  test('an endpoint without its own entry falls back to "*", and rates of 0 and 1 are exact', () => {
    const faults = new FaultInjector(1);
    faults.set(
      FaultConfigSchema.parse({
        endpoints: { '*': { latencyMs: 5 }, 'POST /cash-in': { errorRate: 1, lostResponseRate: 0 } },
      }),
    );
    expect(faults.forRequest('POST /cash-in')).toEqual({
      latencyMs: 0,
      errorStatus: 500,
      loseResponse: false,
      notFound: false,
    });
    expect(faults.forRequest('GET /account/balance')).toEqual({
      latencyMs: 5,
      errorStatus: undefined,
      loseResponse: false,
      notFound: false,
    });
    faults.clear();
    expect(faults.forRequest('POST /cash-in').errorStatus).toBeUndefined();
  });

  test('the sandbox defaults follow the contract: 5 webhook attempts from 1 s, a 5 s timeout, keys kept 24 h', () => {
    const resolved = resolveSandboxOptions({}, () => new Uint8Array(32));
    expect(resolved).toMatchObject({
      host: '127.0.0.1',
      webhookAttempts: 5,
      webhookBackoffBaseMs: 1000,
      webhookTimeoutMs: 5000,
      idempotencyTtlSeconds: 86_400,
    });
    expect(resolved.autoPayMs).toBeUndefined();
    expect(resolveSandboxOptions({ autoPayMs: 10 }, () => new Uint8Array(32)).autoCompleteCashOutMs).toBe(10);
  });
});
