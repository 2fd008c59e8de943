/**
 * Cost of one signed ConnectPSP call (Bearer JWT + ApplicationToken + DigitalSignature + X-Idempotency-Key) through
 * our client against the local sandbox over real HTTP, with a warm token cache and a warm connection pool: what
 * each cash-out, refund or rebalance activity pays on top of ConnectPSP's own work.
 *
 * Three figures, in one run so they compare: the client call; the same request sent raw through an undici pool
 * with precomputed headers (the floor: HTTP plus the sandbox's own work); and the HMAC-SHA256 of a JWT, which the
 * client pays once per token rather than per call. The sandbox runs in this process, so both HTTP figures include
 * its handling.
 *
 * Run: `npx tsx bench/signed-call.ts [iterations] [concurrency]`; prints one JSON line, times in milliseconds.
 */
import { Pool } from 'undici';
import { SANDBOX_CREDENTIALS } from '../config/env.js';
import { ConnectPspClient } from '../connectpsp/client.js';
import { idempotencyKey } from '../connectpsp/idempotency.js';
import { digitalSignature } from '../connectpsp/signing.js';
import { createSandbox } from '../sandbox/app.js';

const iterations = Number(process.argv[2] ?? 5000);
const concurrency = Number(process.argv[3] ?? 1);
const warmup = 2000;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

const round = (ms: number) => Number(ms.toFixed(3));

function summary(durations: number[]) {
  const sorted = [...durations].sort((a, b) => a - b);
  return { medianMs: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)) };
}

/**
 * Times `a` and `b` alternately (order flipped every pair) after warming both, so that JIT, GC and the sandbox's
 * own warm-up weigh on both figures equally.
 */
async function compare(a: () => Promise<unknown>, b: () => Promise<unknown>) {
  for (let i = 0; i < warmup; i += 1) {
    await a();
    await b();
  }
  const timesA: number[] = [];
  const timesB: number[] = [];
  const timed = async (call: () => Promise<unknown>, into: number[]) => {
    const started = performance.now();
    await call();
    into.push(performance.now() - started);
  };
  let remaining = iterations;
  const runner = async () => {
    while (remaining > 0) {
      remaining -= 1;
      if (remaining % 2 === 0) {
        await timed(a, timesA);
        await timed(b, timesB);
      } else {
        await timed(b, timesB);
        await timed(a, timesA);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, runner));
  return [summary(timesA), summary(timesB)] as const;
}

const sandbox = await createSandbox();
const client = new ConnectPspClient({ baseUrl: sandbox.url, credentials: { ...SANDBOX_CREDENTIALS } });
const pool = new Pool(sandbox.url, { connections: 32 });
try {
  // A rebalance to the current transactional balance is a signed no-op write: it measures the call, not a ledger.
  const balance = await client.getBalance();
  const targetAmount = balance.consolidated.transactionalBalance;
  let next = 0;
  const key = () => idempotencyKey('bench:signed-call', `rebalance-${(next += 1)}`);

  const token = (await (
    await fetch(`${sandbox.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: SANDBOX_CREDENTIALS.clientId, clientSecret: SANDBOX_CREDENTIALS.clientSecret }),
    })
  ).json()) as { accessToken: string };
  const headers = {
    'content-type': 'application/json',
    authorization: `Bearer ${token.accessToken}`,
    applicationtoken: SANDBOX_CREDENTIALS.applicationToken,
    digitalsignature: digitalSignature(token.accessToken, SANDBOX_CREDENTIALS.cryptoToken),
  };
  const body = JSON.stringify({ targetAmount });
  const raw = async () => {
    const response = await pool.request({
      method: 'POST',
      path: '/account/rebalance',
      headers: { ...headers, 'x-idempotency-key': key() },
      body,
    });
    await response.body.json();
  };
  const [signedCall, rawCall] = await compare(() => client.rebalance({ targetAmount }, { idempotencyKey: key() }), raw);

  const hmacRounds = 100_000;
  const hmacStarted = performance.now();
  for (let i = 0; i < hmacRounds; i += 1) digitalSignature(token.accessToken, SANDBOX_CREDENTIALS.cryptoToken);
  const hmacMicros = Number((((performance.now() - hmacStarted) / hmacRounds) * 1000).toFixed(2));

  console.log(
    JSON.stringify({
      iterations,
      concurrency,
      signedCall,
      rawUndiciSameRequest: rawCall,
      clientOverheadMedianMs: round(signedCall.medianMs - rawCall.medianMs),
      digitalSignatureHmacMicros: hmacMicros,
    }),
  );
} finally {
  await pool.close();
  await client.close();
  await sandbox.close();
}
