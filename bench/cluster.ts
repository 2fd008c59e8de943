import { readdirSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { apiKeyEntryLine, generateApiKey } from '../api/auth/api-keys.js';
import { createDataConverter } from '../codec/data-converter.js';
import { parsePayloadKeys } from '../codec/payload-keys.js';
import { startScratchCluster } from '../scripts/cluster/stack.js';
import { CLUSTER_VERSIONS } from '../scripts/cluster/tools.js';
import { PROJECT_ROOT, TEMPORAL_CLI_VERSION } from '../scripts/temporal-binaries.js';
import { apiCreate, awaitSettled, newExternalReference } from './cash-in-drivers.js';
import { alternate, closedLoop, cpuSeconds, round, rssBytes } from './measure.js';
import { startBenchStack } from './stack.js';

/**
 * `npm run bench -- --cluster [--quick]`: complete cash-ins per second and CPU per lifecycle on the cluster shape
 * (scripts/cluster/: four Temporal services on PostgreSQL, two workers, two APIs) against the dev-server stack of
 * `npm start`, in one run, rounds alternated; then the resident memory of every process of both.
 */
const PROFILES = {
  full: { perRound: 100, concurrency: 16, rounds: 4 },
  quick: { perRound: 10, concurrency: 4, rounds: 2 },
};

export async function runClusterBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      lifecycles: { type: 'string' },
      concurrency: { type: 'string' },
    },
  });
  const profileName = values.quick ? 'quick' : 'full';
  const profile = { ...PROFILES[profileName] };
  if (values.lifecycles) profile.perRound = Number(values.lifecycles);
  if (values.concurrency) profile.concurrency = Number(values.concurrency);
  const log = (line: string) => console.error(`[bench] ${new Date().toISOString().slice(11, 19)} ${line}`);
  const startedAt = new Date();

  log('starting the dev-server stack');
  const dev = await startBenchStack();
  const apiKey = generateApiKey();
  const payloadKeys = `bench:${randomBytes(32).toString('base64')}`;
  log('starting the cluster');
  const cluster = await startScratchCluster({
    replicas: 2,
    namespace: 'default',
    workerMetrics: true,
    codecEndpoint: '',
    log,
    output: () => {},
    appEnv: {
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      API_KEYS: apiKeyEntryLine('bench', apiKey),
      PAYLOAD_KEYS: payloadKeys,
      RATE_LIMIT_PER_SECOND: '1000000',
      RATE_LIMIT_BURST: '1000000',
      SANDBOX_AUTO_PAY_MS: '0',
    },
    env: ({ apiPorts, sandboxPort }) => ({
      CONNECTPSP_BASE_URL: `http://127.0.0.1:${sandboxPort}`,
      PUBLIC_BASE_URL: `http://127.0.0.1:${apiPorts[0]}`,
    }),
  });
  const connection = await Connection.connect({ address: cluster.frontendAddress });
  const clusterClient = new Client({
    connection,
    namespace: 'default',
    dataConverter: createDataConverter(parsePayloadKeys(payloadKeys)),
  });
  try {
    let next = 0;
    const clusterLifecycle = async () => {
      const ref = newExternalReference('cluster');
      // A load balancer's round robin over the two API replicas (apiCreate reads only apiUrl and apiKey).
      await apiCreate({ apiUrl: cluster.apiUrl(next++ % 2), apiKey } as never, ref);
      await awaitSettled(clusterClient, ref);
    };
    const devLifecycle = async () => {
      const ref = newExternalReference('dev');
      await apiCreate(dev, ref);
      await awaitSettled(dev.client, ref);
    };
    const clusterPids = () => withBackends(cluster.pids());
    const devPids = () => ({
      temporal: dev.pids.temporal,
      api: dev.pids.api,
      worker: dev.pids.worker,
      sandbox: dev.pids.sandbox,
    });
    const measure = async (lifecycle: () => Promise<void>, pids: Record<string, number[]>) => {
      const before = cpuOf(pids);
      const started = performance.now();
      await closedLoop(profile.perRound, profile.concurrency, lifecycle);
      const seconds = (performance.now() - started) / 1000;
      const after = cpuOf(pids);
      return { seconds, cpu: Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)])) };
    };
    log('warming both');
    await closedLoop(Math.min(profile.perRound, 10), profile.concurrency, clusterLifecycle);
    await closedLoop(Math.min(profile.perRound, 10), profile.concurrency, devLifecycle);
    log('lifecycle rounds, alternated');
    const { a, b } = await alternate(
      profile.rounds,
      () => measure(clusterLifecycle, clusterPids()),
      () => measure(devLifecycle, Object.fromEntries(Object.entries(devPids()).map(([k, v]) => [k, [v]]))),
    );
    const figures = {
      cluster: totals(a, profile.perRound),
      devServer: totals(b, profile.perRound),
      rssMiB: {
        cluster: rssOf(clusterPids()),
        devServer: rssOf(Object.fromEntries(Object.entries(devPids()).map(([k, v]) => [k, [v]]))),
      },
    };
    const results = {
      startedAt: startedAt.toISOString(),
      durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      profile: profileName,
      sizes: profile,
      versions: { temporalServer: CLUSTER_VERSIONS.TEMPORAL_SERVER_VERSION, temporalCli: TEMPORAL_CLI_VERSION },
      note: 'shared 2-core machine; both stacks run at once, idle while the other is measured',
      figures,
    };
    const out =
      values.out ??
      path.join(PROJECT_ROOT, 'bench/results', `${startedAt.toISOString().slice(0, 10)}-cluster-${profileName}.json`);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
    console.log(JSON.stringify(figures, null, 2));
    log(`results in ${path.relative(process.cwd(), out)}`);
  } finally {
    await connection.close();
    await cluster.stop();
    await dev.stop();
  }
}

/** PostgreSQL works in one backend process per connection, children of the postmaster: they count as postgresql. */
function withBackends(pids: Record<string, number>): Record<string, number[]> {
  const grouped: Record<string, number[]> = Object.fromEntries(Object.entries(pids).map(([k, v]) => [k, [v]]));
  if (pids.postgresql) grouped.postgresql = [pids.postgresql, ...childrenOf(pids.postgresql)];
  return grouped;
}

function childrenOf(parent: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) found.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return found;
}

function cpuOf(pids: Record<string, number[]>): Record<string, number> {
  const cpu = Object.fromEntries(
    Object.entries(pids).map(([k, list]) => [k, list.reduce((s, p) => s + cpuSeconds(p), 0)]),
  );
  const self = process.cpuUsage();
  return { ...cpu, bench: (self.user + self.system) / 1e6 };
}

/**
 * Resident memory by part in MiB. PostgreSQL's backends share its buffers, so its figure is the sum of their
 * proportional set sizes (shared pages divided among the processes mapping them), not of their RSS.
 */
function rssOf(pids: Record<string, number[]>): Record<string, number> {
  const mib = (bytes: number) => round(bytes / 2 ** 20, 1);
  const rss = Object.fromEntries(
    Object.entries(pids).map(([k, list]) => [
      k,
      mib(list.reduce((s, p) => s + (k === 'postgresql' ? pssBytes(p) : rssBytes(p)), 0)),
    ]),
  );
  return {
    ...rss,
    total: round(
      Object.values(rss).reduce((s, v) => s + v, 0),
      1,
    ),
  };
}

function pssBytes(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function totals(rounds: { seconds: number; cpu: Record<string, number> }[], perRound: number) {
  const lifecycles = rounds.length * perRound;
  const seconds = rounds.reduce((s, r) => s + r.seconds, 0);
  const cpu: Record<string, number> = {};
  for (const r of rounds) for (const [k, v] of Object.entries(r.cpu)) cpu[k] = (cpu[k] ?? 0) + v;
  const total = Object.values(cpu).reduce((s, v) => s + v, 0);
  return {
    lifecycles,
    lifecyclesPerSecond: round(lifecycles / seconds, 1),
    roundsPerSecond: rounds.map((r) => round(perRound / r.seconds, 1)),
    /** CPU milliseconds per lifecycle, by process (where the time goes). */
    cpuMsPerLifecycle: {
      ...Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round((v / lifecycles) * 1000, 2)])),
      total: round((total / lifecycles) * 1000, 2),
    },
  };
}
