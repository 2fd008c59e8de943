import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
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
    ...ALL_SEARCH_ATTRIBUTES.flatMap((a) => [
      '--search-attribute',
      `${a.name}=${a.type === 'INT' ? 'Int' : 'Keyword'}`,
    ]),
  ];
}

export interface DevServerProcess {
  child: ChildProcess;
  /** Resolves once the namespace answers; rejects if the server exits first. */
  ready: Promise<void>;
  /** SIGTERM, then SIGKILL only if it has not exited after `graceMs`. Safe to call at any moment, start-up included. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The Temporal dev server as a child process of `npm start`, in a process group of its own: a terminal's Ctrl-C
 * reaches only the launcher, which stops the worker and the API first and the server last.
 */
export function spawnDevServer(options: DevServerArgs, log: (line: string) => void): DevServerProcess {
  const cli = resolveTemporalCli({ allowDownload: false }).path ?? '';
  const child = spawn(cli, devServerArgs(options), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  const ready = (async () => {
    for (;;) {
      if (gone) throw new Error(`the Temporal dev server exited during start-up (code ${child.exitCode})`);
      try {
        const connection = await Connection.connect({ address: `127.0.0.1:${options.port}`, connectTimeout: 1000 });
        try {
          await connection.workflowService.describeNamespace({ namespace: options.namespace ?? 'default' });
          return;
        } finally {
          await connection.close();
        }
      } catch {
        await sleep(200); // not serving yet
      }
    }
  })();

  return {
    child,
    ready,
    async stop(graceMs = 4000) {
      if (gone) return;
      const timer = setTimeout(() => {
        log(`did not stop within ${graceMs} ms of SIGTERM: SIGKILL`);
        child.kill('SIGKILL');
      }, graceMs);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}
