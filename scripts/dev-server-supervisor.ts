import { spawn } from 'node:child_process';
import { processIdentity, removeDevServerRecord, writeDevServerRecord } from './dev-server-record.js';
import { whenParentGone } from './parent-watch.js';

/**
 * `dev-server-supervisor.ts <launcher pid> <record file> <temporal executable> <args...>`: runs the Temporal dev
 * server for `npm start` (see `dev-server-process.ts`) and stops it, SIGTERM then SIGKILL after a grace period, when
 * asked (SIGTERM from the launcher, last in its ordered stop) or when the launcher is gone without asking (SIGKILL,
 * crash). The Temporal CLI cannot watch its parent itself; this small process does it for the server.
 *
 * Why this and not something simpler: in the launcher's process group the server would get the terminal's Ctrl-C and
 * hang-up together with the worker, and stop before the worker drained; Linux's parent-death signal (prctl) cannot
 * be set from Node, and macOS has none. Polling our parent pid (`parent-watch.ts`) works wherever Node does.
 */
const GRACE_MS = 4000;
const [launcherPid, recordFile, executable, ...args] = process.argv.slice(2);
if (launcherPid === undefined || recordFile === undefined || executable === undefined) {
  console.error('usage: dev-server-supervisor.ts <launcher pid> <record file> <temporal executable> <args...>');
  process.exit(2);
}

// Output goes to the launcher; once it is gone a write fails (EPIPE) and must neither end this process nor block
// the server: its lines keep being read, and dropped.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  server.kill('SIGTERM');
  setTimeout(() => {
    console.error(`the Temporal dev server did not stop within ${GRACE_MS} ms of SIGTERM: SIGKILL`);
    server.kill('SIGKILL');
  }, GRACE_MS).unref();
}
// Listening before the server exists: a signal that found no listener would end this process and orphan the server.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, stop);

const server = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'] });
server.stdout.on('data', (chunk: Buffer) => process.stdout.writable && process.stdout.write(chunk));
server.stderr.on('data', (chunk: Buffer) => process.stderr.writable && process.stderr.write(chunk));
server.once('error', (err) => {
  console.error(`cannot run the Temporal dev server: ${err.message}`);
  process.exit(1);
});

whenParentGone(Number(launcherPid), stop);
const identity = server.pid === undefined ? undefined : processIdentity(server.pid);
const launcher = processIdentity(Number(launcherPid));
try {
  if (identity && launcher) writeDevServerRecord(recordFile, { server: identity, launcher });
} catch (err) {
  // Only a later start's clean-up needs the record: this server runs, and stops, without it.
  console.error(`cannot record the Temporal dev server in ${recordFile}: ${(err as Error).message}`);
}

// 'close', not 'exit': the server's last lines are passed on first.
server.once('close', (code) => {
  if (identity) removeDevServerRecord(recordFile, identity);
  process.exit(stopping ? 0 : (code ?? 1));
});
