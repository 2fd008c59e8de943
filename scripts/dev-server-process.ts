import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { ALL_SEARCH_ATTRIBUTES, cliTypeName } from '../workflows/search-attributes.js';
import { isRunning, readDevServerRecord, type ProcessIdentity } from './dev-server-record.js';
import { resolveTemporalCli } from './temporal-binaries.js';

export interface DevServerArgs {
  port: number;
  /** Web UI port; headless when omitted. */
  uiPort?: number;
  /** SQLite file (WAL). */
  dbFilename: string;
  namespace?: string;
  /** Remote codec endpoint the Web UI calls to decode payloads. */
  uiCodecEndpoint?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** `temporal server start-dev` arguments: our search attributes registered, SQLite in WAL mode. */
export function devServerArgs(options: DevServerArgs): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    ...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]),
    '--db-filename',
    options.dbFilename,
    '--namespace',
    options.namespace ?? 'default',
    '--log-level',
    options.logLevel ?? 'warn',
    // WAL lets the UI and visibility queries read while the server writes; state survives restarts.
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    ...(options.uiCodecEndpoint === undefined ? [] : ['--ui-codec-endpoint', options.uiCodecEndpoint]),
    ...ALL_SEARCH_ATTRIBUTES.flatMap((a) => ['--search-attribute', `${a.name}=${cliTypeName(a)}`]),
  ];
}

/** How long closed runs stay readable: the events API promises 30 days of callbacks (docs/EVENTS.md). */
const RETENTION_SECONDS = 30 * 24 * 3600;

/** The dev server creates its namespace with a 1-day retention; ours keeps closed runs as a cluster does. */
async function keepClosedRunsForAMonth(connection: Connection, namespace: string): Promise<void> {
  const { config } = await connection.workflowService.describeNamespace({ namespace });
  if (Number(config?.workflowExecutionRetentionTtl?.seconds ?? 0) >= RETENTION_SECONDS) return;
  await connection.workflowService.updateNamespace({
    namespace,
    config: { workflowExecutionRetentionTtl: msToTs(RETENTION_SECONDS * 1000) },
  });
}

export interface DevServerProcess {
  /** The supervisor (`dev-server-supervisor.ts`), whose child the server is. */
  child: ChildProcess;
  /** Resolves once the namespace answers; rejects if the server exits first. */
  ready: Promise<void>;
  /** Stops the server (SIGTERM, SIGKILL after a grace period) and resolves once it is gone. Safe at any moment. */
  stop(): Promise<void>;
}

const SUPERVISOR = fileURLToPath(new URL('./dev-server-supervisor.ts', import.meta.url));
/** The supervisor's own grace period for the server, and a little more. */
const STOP_BACKSTOP_MS = 6000;

/**
 * The Temporal dev server of `npm start`, through a small supervisor in a session of its own (setsid): a terminal's
 * Ctrl-C or hang-up reaches only the launcher, which stops the worker and the API first and the server last. A
 * detached server would outlive a launcher that could not stop it (SIGKILL, crash); the supervisor notices its
 * parent is gone and stops the server then. It also records the server under `recordFile` (see
 * {@link stopLeftoverDevServer}).
 */
export function spawnDevServer(
  options: DevServerArgs & { recordFile: string },
  log: (line: string) => void,
): DevServerProcess {
  const cli = resolveTemporalCli({ allowDownload: false }).path ?? '';
  const supervisorArgs = [SUPERVISOR, String(process.pid), options.recordFile, cli, ...devServerArgs(options)];
  const child = spawn(process.execPath, ['--import', 'tsx', ...supervisorArgs], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  const ready = (async () => {
    const namespace = options.namespace ?? 'default';
    for (;;) {
      if (gone) throw new Error(`the Temporal dev server exited during start-up (code ${child.exitCode})`);
      let connection: Connection | undefined;
      try {
        connection = await Connection.connect({ address: `127.0.0.1:${options.port}`, connectTimeout: 1000 });
        await connection.workflowService.describeNamespace({ namespace });
      } catch {
        await connection?.close();
        await sleep(200); // not serving yet
        continue;
      }
      try {
        await registerMissingSearchAttributes(connection, namespace);
        await keepClosedRunsForAMonth(connection, namespace);
        return;
      } finally {
        await connection.close();
      }
    }
  })();

  return {
    child,
    ready,
    async stop() {
      if (gone) return;
      // The supervisor passes SIGTERM on and escalates itself; this covers a supervisor that does not answer.
      const timer = setTimeout(() => {
        log(`did not stop within ${STOP_BACKSTOP_MS} ms of SIGTERM: SIGKILL`);
        if (child.pid !== undefined) signal(-child.pid, 'SIGKILL'); // its group: supervisor and server
      }, STOP_BACKSTOP_MS);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Stops the Temporal dev server an earlier `npm start` left running on this DATA_DIR (its launcher and supervisor
 * both gone, e.g. SIGKILLed together) and says so through `log`. Refuses (throws) if that launcher still runs: its
 * server is not left over but in use. A server from before the record existed is not found: the port check names it.
 */
export async function stopLeftoverDevServer(recordFile: string, log: (line: string) => void): Promise<void> {
  const record = readDevServerRecord(recordFile);
  if (record === undefined) return;
  if (record.launcher.pid !== process.pid && isRunning(record.launcher)) {
    throw new Error(
      `Cannot start: another npm start (pid ${record.launcher.pid}) runs on ${path.dirname(recordFile)}. Stop it first.`,
    );
  }
  if (isRunning(record.server)) {
    signal(record.server.pid, 'SIGTERM');
    if (!(await waitUntilGone(record.server, 5000))) {
      signal(record.server.pid, 'SIGKILL');
      if (!(await waitUntilGone(record.server, 5000))) {
        throw new Error(`Cannot start: the Temporal dev server left running (pid ${record.server.pid}) does not stop.`);
      }
    }
    log(
      `Stopped the Temporal dev server (pid ${record.server.pid}) an earlier npm start left running on this DATA_DIR.`,
    );
  }
  rmSync(recordFile, { force: true });
}

/** A process (or group, `-pgid`) already gone needs no signal; one we may not signal (EPERM) shows in the wait after. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone, or not ours
  }
}

async function waitUntilGone(identity: ProcessIdentity, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(identity)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * The server's `--search-attribute` flags register attributes only in a new database: a `DATA_DIR` kept from an
 * earlier version lacks those added since (a lifecycle's upsert of one would fail its workflow task), so the ones
 * missing are added through the operator API.
 */
const { IndexedValueType } = proto.temporal.api.enums.v1;
export const INDEXED_VALUE_TYPES = {
  Int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  Datetime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
} as const;

async function registerMissingSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = ALL_SEARCH_ATTRIBUTES.filter((a) => !(a.name in (customAttributes ?? {})));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((a) => [a.name, INDEXED_VALUE_TYPES[cliTypeName(a)]])),
  });
}
