import { createSandbox } from '../../sandbox/app.js';

/**
 * The sandbox as its own process for the chaos runner: the runner's port, quick webhook retries (a dropped
 * attempt is retried within seconds), the fault PRNG seeded from the run's seed, and its state kept in
 * SANDBOX_STATE_DIR so a restart of the stack finds it again.
 */
const sandbox = await createSandbox({
  port: Number(process.env.SANDBOX_PORT),
  webhookBackoffBaseMs: 500,
  webhookAttempts: 8,
  faultSeed: Number(process.env.CHAOS_SEED ?? 1),
  stateDir: process.env.SANDBOX_STATE_DIR,
});
console.log(`sandbox listening on ${sandbox.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void sandbox.close().then(() => process.exit(0)));
}
