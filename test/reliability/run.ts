import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { freePort } from '../../scripts/ports.js';
import { PROJECT_ROOT } from '../../scripts/temporal-binaries.js';
import { audit, type Violation } from './audit.js';
import { call, drive, LIFECYCLE_KINDS, type Lifecycle } from './load.js';
import { ChaosClusterStack } from './cluster-stack.js';
import { ChaosStack } from './processes.js';
import { createPrng, type Prng } from './prng.js';
import { SCENARIOS, type Fault, type ScenarioName } from './scenarios.js';

/**
 * `npm run chaos -- [--profile quick|full] [--scenario NAME|each] [--seed N] [--cluster]`: the real stack, a seeded
 * mixed load, faults, quiescence, then the audit. Prints a table and writes JSON under test/reliability/results/.
 * `--cluster` runs it on the cluster shape (scripts/cluster/): two APIs sharing the load, two workers, the Temporal
 * services as separate processes on PostgreSQL, each fault hitting one replica or service.
 */
type Stack = ChaosStack | ChaosClusterStack;
const PROFILES = {
  quick: { lifecycles: 40, loadSeconds: 60, quiesceSeconds: 420 },
  full: { lifecycles: 500, loadSeconds: 300, quiesceSeconds: 900 },
} as const;

interface ScenarioResult {
  scenario: ScenarioName;
  lifecycles: number;
  faultsInjected: Record<string, number>;
  violations: Violation[];
  quiesceSeconds: number | null;
  totalSeconds: number;
  unexpectedExits: string[];
}

const { values } = parseArgs({
  options: {
    profile: { type: 'string', default: 'quick' },
    scenario: { type: 'string', default: 'all' },
    seed: { type: 'string', default: '42' },
    cluster: { type: 'boolean', default: false },
  },
});
const profile = PROFILES[values.profile as keyof typeof PROFILES];
if (!profile) throw new Error(`--profile must be one of ${Object.keys(PROFILES).join(', ')}`);
const names: ScenarioName[] =
  values.scenario === 'each' ? (Object.keys(SCENARIOS) as ScenarioName[]) : [values.scenario as ScenarioName];
for (const name of names) if (!(name in SCENARIOS)) throw new Error(`unknown scenario ${name}`);
const seed = Number(values.seed);

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
const results: ScenarioResult[] = [];
for (const [index, name] of names.entries()) results.push(await runScenario(name, seed + index));
printTable(results);
const file = path.join(
  PROJECT_ROOT,
  'test/reliability/results',
  `${new Date().toISOString().replace(/[:.]/g, '-')}-${values.profile}${values.cluster ? '-cluster' : ''}.json`,
);
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify({ profile: values.profile, cluster: values.cluster, seed, results }, null, 2));
console.log(`\nwritten ${path.relative(PROJECT_ROOT, file)}`);
process.exit(results.every((r) => r.violations.length === 0 && r.quiesceSeconds !== null) ? 0 : 1);

async function runScenario(scenario: ScenarioName, runSeed: number): Promise<ScenarioResult> {
  const started = Date.now();
  const prng = createPrng(runSeed);
  const callbacks = new Map<string, Set<string>>();
  const receiver = await startCallbackReceiver(callbacks);
  const callbackUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/callbacks`;
  console.log(`\n== ${scenario} (seed ${runSeed}) ==`);
  const stack: Stack = values.cluster
    ? await ChaosClusterStack.create({ seed: runSeed })
    : await ChaosStack.create({ seed: runSeed, callbackPort: 0 });
  const apiUrls = stack instanceof ChaosClusterStack ? stack.apiUrls : [stack.apiUrl];
  const faults: Record<string, number> = {};
  const unexpectedExits: string[] = [];
  const count = (fault: string) => (faults[fault] = (faults[fault] ?? 0) + 1);
  try {
    const at = (i: number) => ({ apiUrl: apiUrls[i % apiUrls.length]!, sandboxUrl: stack.sandboxUrl, callbackUrl });
    const startBalance = await balance(stack.apiUrl);
    const plan: Fault[] = SCENARIOS[scenario];

    // Sandbox-side faults stay on for the whole load; process faults fire at random moments within it.
    const psp = plan.filter((f) => f === 'psp-faults' || f === 'webhook-faults');
    if (psp.length > 0) {
      await call(`${stack.sandboxUrl}/_sandbox/faults`, 'PUT', sandboxFaults(psp, runSeed));
      for (const f of psp) count(f);
    }
    const loadEnds = Date.now() + profile.loadSeconds * 1000;
    const drivers: Promise<Lifecycle>[] = [];
    const kinds = Array.from({ length: profile.lifecycles }, (_, i) => LIFECYCLE_KINDS[i % LIFECYCLE_KINDS.length]!);
    shuffle(kinds, prng);
    const faulting = injectProcessFaults(stack, plan, prng, loadEnds, count, unexpectedExits);
    for (const [i, kind] of kinds.entries()) {
      drivers.push(drive(kind, `chaos-${runSeed}-${i}-${kind}`, createPrng(runSeed * 1000 + i), at(i)));
      await sleep((profile.loadSeconds * 1000) / profile.lifecycles);
    }
    await faulting;
    const lifecycles = await Promise.all(drivers);
    await call(`${stack.sandboxUrl}/_sandbox/faults`, 'DELETE');
    console.log(`load done: ${lifecycles.length} lifecycles; waiting for quiescence`);

    const quiesceStart = Date.now();
    const quiesceDeadline = quiesceStart + profile.quiesceSeconds * 1000;
    let violations: Violation[] = [];
    let quiesceSeconds: number | null = null;
    while (Date.now() < quiesceDeadline) {
      superviseOnce(stack, unexpectedExits);
      violations = audit(lifecycles, await observe(stack, lifecycles, callbacks, startBalance));
      if (violations.length === 0) {
        quiesceSeconds = (Date.now() - quiesceStart) / 1000;
        break;
      }
      if ((Date.now() - quiesceStart) % 30_000 < 3_500) {
        console.log(`waiting: ${violations.length} violation(s), e.g. ${JSON.stringify(violations[0])}`);
      }
      await sleep(3000);
    }
    if (quiesceSeconds === null) console.log(stack.tail(30).join('\n'));
    for (const [fault, n] of Object.entries(await webhookFaultsSeen(stack.sandboxUrl))) if (n > 0) faults[fault] = n;
    return {
      scenario,
      lifecycles: lifecycles.length,
      faultsInjected: faults,
      violations,
      quiesceSeconds,
      totalSeconds: (Date.now() - started) / 1000,
      unexpectedExits,
    };
  } finally {
    await stack.stop();
    receiver.closeAllConnections();
    receiver.close();
  }
}

/** Kills and restarts parts at seeded random moments until the load ends; restarts any part that died by itself. */
async function injectProcessFaults(
  stack: Stack,
  plan: Fault[],
  prng: Prng,
  until: number,
  count: (fault: string) => void,
  unexpectedExits: string[],
): Promise<void> {
  const disruptive = plan.filter((f) => !['psp-faults', 'webhook-faults'].includes(f));
  if (disruptive.length === 0) return;
  // Each of the scenario's faults once first (in a seeded order), then seeded random picks.
  const firsts = [...disruptive];
  shuffle(firsts, prng);
  for (let i = 0; Date.now() < until; i++) {
    await sleep(3000 + prng() * 6000);
    if (Date.now() >= until) break;
    superviseOnce(stack, unexpectedExits);
    const fault = firsts[i] ?? disruptive[Math.floor(prng() * disruptive.length)]!;
    count(fault);
    console.log(`fault: ${fault}`);
    if (fault === 'worker-kill') await stack.restart('worker', prng() * 2000);
    else if (fault === 'temporal-restart') await stack.restart('temporal', 500 + prng() * 2000);
    else if (fault === 'api-restart') await stack.restart('api', prng() * 2000);
    else if (fault === 'token-expiry')
      await call(`${stack.sandboxUrl}/_sandbox/clock/advance`, 'POST', { seconds: 3601 });
  }
}

/** A worker or API that died by itself (say, when Temporal went away) is restarted and noted. */
function superviseOnce(stack: Stack, unexpectedExits: string[]): void {
  for (const part of ['worker', 'api'] as const) {
    if (!stack.children.has(part)) {
      unexpectedExits.push(part);
      void stack.start(part).catch(() => undefined);
    }
  }
}

function sandboxFaults(faults: Fault[], faultSeed: number): unknown {
  return {
    seed: faultSeed,
    endpoints: faults.includes('psp-faults')
      ? { '*': { errorRate: 0.1, errorStatus: 503, latencyMs: 100, lostResponseRate: 0.05 } }
      : {},
    webhooks: faults.includes('webhook-faults')
      ? { duplicateRate: 0.2, reorderRate: 0.2, reorderMaxHoldMs: 1000, delayRate: 0.2, delayMs: 5000, dropRate: 0.1 }
      : {},
  };
}

async function observe(
  stack: Stack,
  lifecycles: Lifecycle[],
  callbacks: Map<string, Set<string>>,
  startBalanceCentavos: number,
) {
  const sandbox = (await call(`${stack.sandboxUrl}/_sandbox/transactions`, 'GET')).body;
  const views = new Map<string, { status: string } | undefined>();
  for (const lifecycle of lifecycles) {
    const family = lifecycle.kind.startsWith('cash-in') ? 'cash-ins' : 'cash-outs';
    const res = await call(
      `${stack.apiUrl}/v1/${family}/${encodeURIComponent(lifecycle.externalReference)}`,
      'GET',
      undefined,
      { auth: true, attempts: 5 },
    ).catch(() => undefined);
    views.set(lifecycle.externalReference, res?.status === 200 ? res.body : undefined);
  }
  return { sandbox, views, callbacks, startBalanceCentavos, endBalanceCentavos: await balance(stack.apiUrl) };
}

/** What the sandbox's delivery log shows of the webhook faults, and of attempts our API failed (it was down). */
async function webhookFaultsSeen(sandboxUrl: string): Promise<Record<string, number>> {
  const { body } = await call(`${sandboxUrl}/_sandbox/webhooks`, 'GET');
  const entries = (body?.deliveries ?? []) as { deliveryId: string; outcome: string; fault?: string }[];
  const deliveries = (fault: string) => new Set(entries.filter((e) => e.fault === fault).map((e) => e.deliveryId)).size;
  return {
    'webhook-dropped': entries.filter((e) => e.outcome === 'DROPPED').length,
    'webhook-duplicated': deliveries('duplicate'),
    'webhook-reordered': deliveries('reorder'),
    'webhook-delayed': deliveries('delay'),
    'webhook-attempt-failed': entries.filter((e) => ['FAILED', 'ERROR', 'TIMEOUT'].includes(e.outcome)).length,
  };
}

async function balance(apiUrl: string): Promise<number> {
  const res = await call(`${apiUrl}/v1/wallet/balance`, 'GET', undefined, { auth: true });
  return Math.round(Number(res.body.consolidated.transactional) * 100);
}

/** The service's side: records every callback's type under its payment's externalReference. */
async function startCallbackReceiver(callbacks: Map<string, Set<string>>): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      try {
        const event = JSON.parse(body) as { type?: string; data?: { externalReference?: string } };
        const ref = event.data?.externalReference;
        if (ref && event.type) callbacks.set(ref, (callbacks.get(ref) ?? new Set()).add(event.type));
      } catch {
        // not an event: ignored
      }
      res.writeHead(204).end();
    });
  });
  server.listen(await freePort(), '127.0.0.1');
  await once(server, 'listening');
  return server;
}

function shuffle<T>(items: T[], prng: Prng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(prng() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

function printTable(rows: ScenarioResult[]): void {
  const lines = [
    ['scenario', 'lifecycles', 'faults injected', 'violations', 'time to quiesce (s)'],
    ...rows.map((r) => [
      r.scenario,
      String(r.lifecycles),
      Object.entries(r.faultsInjected)
        .map(([k, v]) => `${k}×${v}`)
        .join(' ') || '-',
      String(r.violations.length),
      r.quiesceSeconds === null ? 'did not quiesce' : r.quiesceSeconds.toFixed(1),
    ]),
  ];
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  console.log('');
  for (const line of lines) console.log(line.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
  for (const r of rows) {
    for (const v of r.violations.slice(0, 20))
      console.log(`  ${r.scenario}: [${v.check}] ${v.externalReference ?? ''} ${v.detail}`);
  }
}
