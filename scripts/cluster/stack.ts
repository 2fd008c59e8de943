import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertPortsFree, freePort, tcpOpen } from '../ports.js';
import { ChildProcessGroup } from '../process-group.js';
import { PROJECT_ROOT, resolveTemporalCli } from '../temporal-binaries.js';
import { preparePostgres } from './postgres.js';
import {
  createNamespace,
  serverEnv,
  serviceArgs,
  setupSchemas,
  TEMPORAL_SERVICES,
  temporalPorts,
  uiServerArgs,
  type TemporalService,
} from './temporal.js';
import { ensureClusterTools } from './tools.js';

export interface ClusterOptions {
  /** PostgreSQL's data and password live here (DATA_DIR); kept across runs. */
  dataDir: string;
  frontendPort: number;
  /** First membership port (see temporalPorts); the frontend's minus 300 when omitted. */
  membershipPort?: number;
  uiPort: number;
  postgresPort: number;
  namespace: string;
  /** One entry per API replica: its port. */
  apiPorts: number[];
  /** One entry per worker replica: its metrics port (0: none). */
  workerMetricsPorts: number[];
  /** The sandbox's port when no real ConnectPSP is configured, and its entry (default sandbox/main.ts). */
  sandbox?: { port: number; entry?: string };
  /** Variables every API, worker and the sandbox get (secrets, ConnectPSP, PUBLIC_BASE_URL). */
  appEnv: Record<string, string>;
  codecEndpoint: string;
  /** Progress lines (default: stdout). */
  log?: (line: string) => void;
  /** The parts' own output, one prefixed line at a time (default: stdout). */
  output?: (line: string) => void;
  /** Level of the Temporal services' logs (default warn). */
  temporalLogLevel?: string;
}

/** Parts of the shape, each its own process: `temporal-history`, `api-1`, `worker-2`, `postgresql`, ... */
export type ClusterPart = string;

/**
 * The cluster shape on one machine: PostgreSQL, the four Temporal services as separate processes (one config
 * template), the UI server, then the sandbox, the workers and the APIs. Schemas, namespace and search attributes
 * are set up and verified before any of our processes starts. Used by `npm run cluster`, test:cluster and the bench.
 */
export class Cluster {
  /** Stopped in this order: ours first, then Temporal, PostgreSQL last (it waits for its clients). */
  private readonly groups: Record<'apps' | 'temporal' | 'postgres', ChildProcessGroup>;
  private readonly starters = new Map<ClusterPart, () => Started>();
  readonly processes = new Map<ClusterPart, ChildProcess>();
  /** Parts stopped on purpose (kill/restart), whose exit is no failure. */
  private readonly expectedExits = new Set<ClusterPart>();
  private unexpectedExit: (part: ClusterPart, code: number | null) => void = () => {};

  private constructor(readonly options: ClusterOptions) {
    const group = () => new ChildProcessGroup(PROJECT_ROOT, options.output);
    this.groups = { apps: group(), temporal: group(), postgres: group() };
    for (const each of Object.values(this.groups)) {
      each.onUnexpectedExit((name, code) => {
        if (this.expectedExits.delete(name)) return;
        this.processes.delete(name);
        this.unexpectedExit(name, code);
      });
    }
    // Whatever happens to this process, the parts go with it (PostgreSQL by its immediate-shutdown signal).
    process.once('exit', () => {
      for (const [part, child] of this.processes) child.kill(part === 'postgresql' ? 'SIGQUIT' : 'SIGKILL');
    });
  }

  get frontendAddress(): string {
    return `127.0.0.1:${this.options.frontendPort}`;
  }
  apiUrl(replica = 0): string {
    return `http://127.0.0.1:${this.options.apiPorts[replica]}`;
  }

  onUnexpectedExit(listener: (part: ClusterPart, code: number | null) => void): void {
    this.unexpectedExit = listener;
  }

  static async start(options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(options);
    try {
      await cluster.bringUp();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  private async bringUp(): Promise<void> {
    const { options } = this;
    const log = options.log ?? console.log;
    const tools = ensureClusterTools();
    const cli = resolveTemporalCli({ allowDownload: false }).path!;
    const pg = preparePostgres(tools.postgresBin, options.dataDir, options.postgresPort);

    this.starters.set('postgresql', () => {
      const child = this.groups.postgres.startCommand('postgresql', pg.command, pg.args, {}, pg.user);
      const ready = until('PostgreSQL', child, () => spawnSync(pg.pgIsReady[0]!, pg.pgIsReady.slice(1)).status === 0);
      return { child, ready };
    });
    log('Starting PostgreSQL ...');
    await this.start('postgresql');
    log(await setupSchemas(tools.sqlTool, tools.schemaDir, pg.connection));

    const ports = temporalPorts(options.frontendPort, options.membershipPort);
    const env = serverEnv(ports, pg.connection, options.temporalLogLevel);
    const grpcPort: Record<TemporalService, number> = {
      history: ports.HISTORY_GRPC_PORT,
      matching: ports.MATCHING_GRPC_PORT,
      frontend: ports.FRONTEND_GRPC_PORT,
      worker: ports.WORKER_GRPC_PORT,
    };
    for (const service of TEMPORAL_SERVICES) {
      this.starters.set(`temporal-${service}`, () => {
        const child = this.groups.temporal.startCommand(
          `temporal-${service}`,
          tools.temporalServer,
          serviceArgs(service),
          env,
        );
        return { child, ready: until(`temporal ${service}`, child, () => tcpOpen(grpcPort[service])) };
      });
    }
    log('Starting the Temporal services (history, matching, frontend, worker) ...');
    // The first one writes the cluster's metadata on a fresh database; started together, they would race on it.
    const [first, ...others] = TEMPORAL_SERVICES;
    await this.start(`temporal-${first}`);
    await Promise.all(others.map((service) => this.start(`temporal-${service}`)));
    log(await createNamespace(cli, this.frontendAddress, options.namespace));

    this.starters.set('temporal-ui', () => {
      const child = this.groups.temporal.startCommand('temporal-ui', tools.uiServer, uiServerArgs(), {
        TEMPORAL_ADDRESS: this.frontendAddress,
        TEMPORAL_UI_PORT: String(options.uiPort),
        TEMPORAL_NAMESPACE: options.namespace,
        TEMPORAL_CODEC_ENDPOINT: options.codecEndpoint,
        TEMPORAL_CORS_ORIGINS: `http://127.0.0.1:${options.uiPort},http://localhost:${options.uiPort}`,
      });
      return { child, ready: this.groups.temporal.waitForHttp('temporal-ui', `http://127.0.0.1:${options.uiPort}/`) };
    });

    const appEnv = {
      TEMPORAL_ADDRESS: this.frontendAddress,
      TEMPORAL_NAMESPACE: options.namespace,
      // The variables of compose's workers; PostgreSQL under DATA_DIR keeps the last run's version current, and
      // the code started now is the one to run (a real rollout: docs/DEPLOYMENT.md).
      TEMPORAL_WORKER_VERSIONING: process.env.TEMPORAL_WORKER_VERSIONING ?? 'true',
      TEMPORAL_WORKER_DEPLOYMENT_NAME: process.env.TEMPORAL_WORKER_DEPLOYMENT_NAME ?? 'pix-agent',
      TEMPORAL_WORKER_SET_CURRENT: process.env.TEMPORAL_WORKER_SET_CURRENT ?? 'always',
      ...options.appEnv,
    };
    if (options.sandbox) {
      const { port, entry = 'sandbox/main.ts' } = options.sandbox;
      this.starters.set('sandbox', () => ({
        child: this.groups.apps.start('sandbox', entry, { ...appEnv, SANDBOX_PORT: String(port) }),
        ready: this.groups.apps.waitForHttp('sandbox', `http://127.0.0.1:${port}/_sandbox/transactions`),
      }));
    }
    options.workerMetricsPorts.forEach((metricsPort, i) => {
      const name = `worker-${i + 1}`;
      this.starters.set(name, () => ({
        child: this.groups.apps.start(name, 'worker/main.ts', {
          ...appEnv,
          WORKER_METRICS_PORT: String(metricsPort),
        }),
        ready:
          metricsPort > 0
            ? this.groups.apps.waitForHttp(name, `http://127.0.0.1:${metricsPort}/metrics`)
            : Promise.resolve(),
      }));
    });
    options.apiPorts.forEach((apiPort, i) => {
      const name = `api-${i + 1}`;
      this.starters.set(name, () => ({
        child: this.groups.apps.start(name, 'api/main.ts', { ...appEnv, API_PORT: String(apiPort) }),
        ready: this.groups.apps.waitForHttp(name, `http://127.0.0.1:${apiPort}/healthz`),
      }));
    });
    const apps = [...this.starters.keys()].filter((part) => /^(worker|api)-/.test(part));
    await Promise.all([this.start('temporal-ui'), options.sandbox ? this.start('sandbox') : undefined]);
    await Promise.all(apps.map((part) => this.start(part)));
  }

  /** Starts a part (again, unless it runs) and waits until it serves. */
  async start(part: ClusterPart): Promise<void> {
    const starter = this.starters.get(part);
    if (!starter) throw new Error(`no part ${part}`);
    if (this.processes.has(part)) return;
    const { child, ready } = starter();
    this.processes.set(part, child);
    await ready;
  }

  /** Stops one part with `signal` (SIGKILL: no grace) and waits until it is gone. */
  async kill(part: ClusterPart, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.processes.get(part);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.expectedExits.add(part);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    this.processes.delete(part);
  }

  async restart(part: ClusterPart, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.kill(part, signal);
    await this.start(part);
  }

  /** Process ids by part, for CPU and memory readings. */
  pids(): Record<ClusterPart, number> {
    return Object.fromEntries([...this.processes].map(([part, child]) => [part, child.pid!]));
  }

  async stop(): Promise<void> {
    for (const group of [this.groups.apps, this.groups.temporal, this.groups.postgres]) await group.stop();
    this.processes.clear();
  }
}

interface Started {
  child: ChildProcess;
  /** Settles once the part serves; rejects if it exits first. */
  ready: Promise<void>;
}

/** Polls `ready` until it holds; fails when the process exits first or after `timeoutMs`. */
async function until(
  what: string,
  child: ChildProcess,
  ready: () => boolean | Promise<boolean>,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited before it was ready`);
    if (await ready()) return;
    await sleep(250);
  }
  throw new Error(`${what} was not ready after ${timeoutMs} ms`);
}

export type ScratchClusterOptions = Omit<
  ClusterOptions,
  'dataDir' | 'frontendPort' | 'uiPort' | 'postgresPort' | 'apiPorts' | 'workerMetricsPorts' | 'sandbox'
> & {
  replicas: number;
  /** Appends to appEnv what depends on the ports chosen here (ConnectPSP, webhook URL). */
  env: (ports: { apiPorts: number[]; sandboxPort: number }) => Record<string, string>;
  sandboxEntry?: string;
  /** Worker metrics on (free ports) for the readiness wait and the bench's readings. */
  workerMetrics?: boolean;
};

/**
 * A throw-away cluster for the tests and the bench: free ports, PostgreSQL in a temporary folder that is removed
 * on stop. Temporal's ports are derived from the frontend's, so it picks a frontend port whose neighbours are free.
 */
export async function startScratchCluster(options: ScratchClusterOptions): Promise<Cluster & { dataDir: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pix-cluster-'));
  const frontendPort = await freeFrontendPort();
  const free = async (n: number) => Promise.all(Array.from({ length: n }, () => freePort()));
  const [uiPort, postgresPort, sandboxPort] = await free(3);
  const apiPorts = await free(options.replicas);
  const workerMetricsPorts = options.workerMetrics ? await free(options.replicas) : Array(options.replicas).fill(0);
  const { env, sandboxEntry, replicas: _replicas, workerMetrics: _metrics, ...rest } = options;
  try {
    const cluster = await Cluster.start({
      temporalLogLevel: 'error',
      ...rest,
      dataDir,
      frontendPort,
      uiPort: uiPort!,
      postgresPort: postgresPort!,
      apiPorts,
      workerMetricsPorts,
      sandbox: { port: sandboxPort!, entry: sandboxEntry },
      appEnv: { ...options.appEnv, ...env({ apiPorts, sandboxPort: sandboxPort! }) },
    });
    const stop = cluster.stop.bind(cluster);
    cluster.stop = async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
    return Object.assign(cluster, { dataDir });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

async function freeFrontendPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 10_300 + Math.floor(Math.random() * 22_000);
    const ports = [port, ...Object.values(temporalPorts(port))].map((p) => ({ port: p, name: String(p) }));
    try {
      await assertPortsFree(ports);
      return port;
    } catch {
      // a neighbour is taken: try another
    }
  }
  throw new Error('no free range of ports for the Temporal services');
}
