import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { freePort } from '../../scripts/ports.js';
import { PROJECT_ROOT } from '../../scripts/temporal-binaries.js';
import { Connection } from '@temporalio/client';
import { audit, type Violation } from './audit.js';
import { call, drive, LIFECYCLE_KINDS, type Lifecycle, type LifecycleKind } from './load.js';
import { ChaosClusterStack } from './cluster-stack.js';
import proto from '@temporalio/proto';
import { TEST_API_KEY } from '../support/credentials.js';
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
/** Until when Temporal counts as down on purpose: while it restarts, and for the API's reconnect after it. */
let temporalDownUntil = 0;
const RECONNECT_GRACE_MS = 10_000;
/** Faults that act on the embedded stack's own process group (pause, extra replica, whole restart). */
const PROCESS_GROUP_FAULTS: readonly Fault[] = ['worker-stall', 'bad-replica', 'stack-restart'];

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
  /** Lifecycles whose view showed `attention` at some point of the run. */
  neededAttention: number;
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
    const watched = kinds.map((kind, i) => ({ kind, externalReference: `chaos-${runSeed}-${i}-${kind}` }));
    const sampling = sampleReads(stack, watched);
    const faulting = injectProcessFaults(stack, plan, prng, loadEnds, count, unexpectedExits, psp, runSeed);
    for (const [i, kind] of kinds.entries()) {
      drivers.push(drive(kind, watched[i]!.externalReference, createPrng(runSeed * 1000 + i), at(i)));
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
      violations = audit(lifecycles, {
        ...(await observe(stack, lifecycles, callbacks, startBalance)),
        serverErrors: sampling.serverErrors,
      });
      if (violations.length === 0) {
        quiesceSeconds = (Date.now() - quiesceStart) / 1000;
        break;
      }
      if ((Date.now() - quiesceStart) % 30_000 < 3_500) {
        console.log(`waiting: ${violations.length} violation(s), e.g. ${JSON.stringify(violations[0])}`);
      }
      await sleep(3000);
    }
    sampling.stop();
    if (quiesceSeconds === null) console.log(stack.tail(30).join('\n'));
    // A slow stop is history, not state: it is reported, but waiting cannot make it converge.
    if (stack instanceof ChaosStack)
      for (const detail of stack.slowStops) violations.push({ check: 'stopped within 5 s of SIGTERM', detail });
    for (const [fault, n] of Object.entries(await webhookFaultsSeen(stack.sandboxUrl))) if (n > 0) faults[fault] = n;
    return {
      scenario,
      lifecycles: lifecycles.length,
      faultsInjected: faults,
      violations,
      quiesceSeconds,
      totalSeconds: (Date.now() - started) / 1000,
      unexpectedExits,
      neededAttention: sampling.neededAttention.size,
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
  psp: Fault[],
  faultSeed: number,
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
    console.log(`${new Date().toISOString().slice(11, 19)} fault: ${fault}`);
    if (fault === 'worker-kill') await stack.restart('worker', prng() * 2000);
    else if (fault === 'temporal-restart') await temporalOutage(() => stack.restart('temporal', 500 + prng() * 2000));
    else if (fault === 'api-restart') await stack.restart('api', prng() * 2000);
    else if (fault === 'token-expiry')
      await call(`${stack.sandboxUrl}/_sandbox/clock/advance`, 'POST', { seconds: 3601 });
    else if (!(stack instanceof ChaosStack) && PROCESS_GROUP_FAULTS.includes(fault)) {
      console.log(`(${fault} is not run against the cluster shape)`);
    } else if (stack instanceof ChaosStack && fault === 'worker-stall') {
      stack.pause('worker');
      await sleep(10_000 + prng() * 10_000);
      stack.resume('worker');
    } else if (stack instanceof ChaosStack && fault === 'bad-replica') {
      for (const wrong of ['CONNECTPSP_APPLICATION_TOKEN', 'CONNECTPSP_CRYPTO_TOKEN']) {
        const replica = stack.startReplica({ [wrong]: 'misconfigured-replica' });
        await sleep(10_000 + prng() * 5000);
        const gone = once(replica, 'exit');
        replica.kill('SIGTERM');
        await gone;
      }
    } else if (stack instanceof ChaosStack && fault === 'stack-restart') {
      await temporalOutage(() => stack.restartAll(prng() * 2000));
      // Fault settings are test controls, not state the sandbox keeps: set them again.
      if (psp.length > 0) await call(`${stack.sandboxUrl}/_sandbox/faults`, 'PUT', sandboxFaults(psp, faultSeed));
    } else if (fault === 'psp-not-found') {
      const sandboxFaultsUrl = `${stack.sandboxUrl}/_sandbox/faults`;
      await call(sandboxFaultsUrl, 'PUT', sandboxFaults(psp, faultSeed, { notFound: true }));
      await sleep(10_000 + prng() * 10_000);
      await call(sandboxFaultsUrl, 'PUT', sandboxFaults(psp, faultSeed));
    }
  }
}

async function temporalOutage(restart: () => Promise<void>): Promise<void> {
  temporalDownUntil = Infinity;
  try {
    await restart();
  } finally {
    temporalDownUntil = Date.now() + RECONNECT_GRACE_MS;
  }
}

/**
 * Reads every lifecycle's view through the API every few seconds while the run lasts: any answer of 500 or more is
 * kept for the audit, and so is every lifecycle whose view said it needed attention. A part being down shows as a
 * network error, which is not an answer; so is the API's 503 while Temporal itself is down on purpose (the
 * contract's answer then: "Temporal unreachable: 503 within the budget"). A 503 at any other time counts.
 */
function sampleReads(stack: Stack, watched: { kind: LifecycleKind; externalReference: string }[]) {
  const serverErrors = new Map<string, string[]>();
  const neededAttention = new Set<string>();
  let running = true;
  const loop = async () => {
    while (running) {
      for (const { kind, externalReference: ref } of watched) {
        if (!running) break;
        const family = kind.startsWith('cash-in') ? 'cash-ins' : 'cash-outs';
        try {
          const res = await fetch(`${stack.apiUrl}/v1/${family}/${encodeURIComponent(ref)}`, {
            headers: { authorization: `Bearer ${TEST_API_KEY}` },
            signal: AbortSignal.timeout(10_000),
          });
          const body = (await res.json().catch(() => ({}))) as { attention?: unknown };
          const temporalDown = res.status === 503 && Date.now() < temporalDownUntil;
          if (res.status >= 500 && !temporalDown)
            serverErrors.set(ref, [...(serverErrors.get(ref) ?? []), String(res.status)]);
          if (body.attention) neededAttention.add(ref);
        } catch {
          // the API is down or restarting: no answer, nothing to judge
        }
      }
      await sleep(5000);
    }
  };
  void loop();
  return { serverErrors, neededAttention, stop: () => (running = false) };
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

function sandboxFaults(faults: Fault[], faultSeed: number, { notFound = false } = {}): unknown {
  const endpoint = faults.includes('psp-faults')
    ? { errorRate: 0.1, errorStatus: 503, latencyMs: 100, lostResponseRate: 0.05 }
    : {};
  return {
    seed: faultSeed,
    endpoints:
      faults.includes('psp-faults') || notFound
        ? { '*': { ...endpoint, ...(notFound ? { notFoundRate: 1 } : {}) } }
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
  const views = new Map<string, { status: string; attention?: unknown } | undefined>();
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
  return {
    sandbox,
    views,
    callbacks,
    startBalanceCentavos,
    endBalanceCentavos: await balance(stack.apiUrl),
    badlyClosed: await badlyClosedExecutions(stack),
  };
}

/** Workflow executions that ended Failed, TimedOut or Terminated, from visibility (no worker needed). */
async function badlyClosedExecutions(stack: Stack): Promise<{ workflowId: string; status: string }[]> {
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const query = `ExecutionStatus = 'Failed' OR ExecutionStatus = 'TimedOut' OR ExecutionStatus = 'Terminated'`;
    const found: { workflowId: string; status: string }[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await connection.workflowService.listWorkflowExecutions({
        namespace: 'default',
        query,
        nextPageToken,
      });
      for (const info of page.executions ?? []) {
        const status = proto.temporal.api.enums.v1.WorkflowExecutionStatus[info.status ?? 0] ?? String(info.status);
        found.push({
          workflowId: info.execution?.workflowId ?? '?',
          status: status.replace('WORKFLOW_EXECUTION_STATUS_', ''),
        });
      }
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return found;
  } finally {
    await connection.close();
  }
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
