import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Which Temporal dev server runs on a DATA_DIR, and for which launcher: written by the dev server's supervisor
 * (`dev-server-supervisor.ts`), read by the next `npm start` to stop a server an earlier run left behind.
 * A pid alone could name an unrelated process by the time it is read; pid and start time name one process.
 */
export interface ProcessIdentity {
  pid: number;
  /** As the kernel reports it (clock ticks since boot on Linux); compared, never interpreted. */
  startedAt: string;
}

export interface DevServerRecord {
  server: ProcessIdentity;
  launcher: ProcessIdentity;
}

export function devServerRecordFile(dataDir: string): string {
  return path.join(dataDir, 'temporal-server.json');
}

/** The identity of a running process; undefined if there is none (zombies included: they no longer run). */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  try {
    if (process.platform === 'linux') {
      // Fields after the command name (which may hold spaces): state is field 3, starttime field 22.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const [state, startedAt] = [fields[0], fields[19]];
      return state === 'Z' || startedAt === undefined ? undefined : { pid, startedAt };
    }
    const ps = spawnSync('ps', ['-o', 'stat=,lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' },
    });
    const [state, ...lstart] = ps.stdout.trim().split(/\s+/);
    return ps.status !== 0 || !state || state.startsWith('Z') ? undefined : { pid, startedAt: lstart.join(' ') };
  } catch {
    return undefined; // no such process
  }
}

/** Whether the process of `identity` still runs (not merely some process under the same pid). */
export function isRunning(identity: ProcessIdentity): boolean {
  return processIdentity(identity.pid)?.startedAt === identity.startedAt;
}

export function writeDevServerRecord(file: string, record: DevServerRecord): void {
  writeFileSync(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

export function readDevServerRecord(file: string): DevServerRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DevServerRecord;
  } catch {
    return undefined; // none, or unreadable: nothing to go by
  }
}

/** Removes the record if it still names `server` (a newer run may have written its own meanwhile). */
export function removeDevServerRecord(file: string, server: ProcessIdentity): void {
  const record = readDevServerRecord(file);
  if (record?.server.pid === server.pid && record.server.startedAt === server.startedAt) rmSync(file, { force: true });
}
