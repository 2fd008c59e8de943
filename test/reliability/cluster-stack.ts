import { type Cluster, startScratchCluster } from '../../scripts/cluster/stack.js';
import { chaosAppEnv } from './processes.js';

type Role = 'temporal' | 'sandbox' | 'worker' | 'api';

/** The replicas each fault of the runner hits in turn: a kill of `worker` is a kill of worker-1, then worker-2, ... */
const TARGETS: Record<Exclude<Role, 'sandbox'>, string[]> = {
  worker: ['worker-1', 'worker-2'],
  api: ['api-1', 'api-2'],
  temporal: ['temporal-history', 'temporal-matching', 'temporal-frontend'],
};

/**
 * `npm run chaos -- --cluster`: the runner's faults on the cluster shape. Each lifecycle goes through one of two API
 * replicas; a worker, API or Temporal fault SIGKILLs one replica or service (history, matching and frontend in turn)
 * and starts it again, while the other replicas carry the load.
 */
export class ChaosClusterStack {
  private readonly turns = new Map<Role, number>();
  private constructor(
    private readonly cluster: Cluster,
    private readonly log: string[],
  ) {}

  static async create(options: { seed: number }): Promise<ChaosClusterStack> {
    const log: string[] = [];
    const cluster = await startScratchCluster({
      replicas: 2,
      namespace: 'default',
      sandboxEntry: 'test/reliability/sandbox-main.ts',
      appEnv: {},
      env: ({ apiPorts, sandboxPort }) => chaosAppEnv({ apiPort: apiPorts[0]!, sandboxPort, seed: options.seed }),
      codecEndpoint: '',
      log: (line) => log.push(line),
      output: (line) => {
        log.push(line.slice(0, 400));
        if (log.length > 2000) log.splice(0, 1000);
      },
    });
    const stack = new ChaosClusterStack(cluster, log);
    cluster.onUnexpectedExit((part, code) => stack.log.push(`${part} exited by itself (code ${code})`));
    return stack;
  }

  get apiUrls(): string[] {
    return this.cluster.options.apiPorts.map((_, i) => this.cluster.apiUrl(i));
  }
  get apiUrl(): string {
    return this.cluster.apiUrl(0);
  }
  get temporalAddress(): string {
    return this.cluster.frontendAddress;
  }
  get sandboxUrl(): string {
    return `http://127.0.0.1:${this.cluster.options.sandbox!.port}`;
  }

  /** A role counts as present while every one of its replicas runs (the supervisor restarts missing ones). */
  get children(): { has(role: 'worker' | 'api'): boolean } {
    return { has: (role) => TARGETS[role].every((part) => this.cluster.processes.has(part)) };
  }

  async start(role: 'worker' | 'api'): Promise<void> {
    for (const part of TARGETS[role]) if (!this.cluster.processes.has(part)) await this.cluster.start(part);
  }

  async restart(role: Exclude<Role, 'sandbox'>, downMs = 0): Promise<void> {
    const turn = this.turns.get(role) ?? 0;
    this.turns.set(role, turn + 1);
    const part = TARGETS[role][turn % TARGETS[role].length]!;
    this.log.push(`fault on ${part}`);
    await this.cluster.kill(part);
    if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.cluster.start(part);
  }

  stop(): Promise<void> {
    return this.cluster.stop();
  }

  tail(lines = 40): string[] {
    return this.log.slice(-lines);
  }
}
