import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const POSTGRES_USER = 'temporal';

export interface PostgresServer {
  command: string;
  args: string[];
  /** PostgreSQL refuses to run as root: then it runs as the `postgres` system user. */
  user?: { uid: number; gid: number };
  /** The connection as Temporal's config template and temporal-sql-tool read it. */
  connection: Record<'POSTGRES_SEEDS' | 'DB_PORT' | 'POSTGRES_USER' | 'POSTGRES_PWD' | 'SQL_PASSWORD', string>;
  pgIsReady: string[];
}

/**
 * Temporal's PostgreSQL for the cluster profile: a server of its own under `<dataDir>/postgresql` (created once by
 * initdb, kept across restarts), on 127.0.0.1 only, password-authenticated with a password generated into
 * `<dataDir>/postgres-password` (mode 0600).
 */
export function preparePostgres(binDir: string, dataDir: string, port: number): PostgresServer {
  const user = process.getuid?.() === 0 ? systemUser('postgres') : undefined;
  const pgData = path.join(dataDir, 'postgresql');
  const passwordFile = path.join(dataDir, 'postgres-password');
  if (!existsSync(passwordFile)) {
    writeFileSync(passwordFile, randomBytes(24).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  if (!existsSync(path.join(pgData, 'PG_VERSION'))) initdb(binDir, pgData, password, user);
  return {
    command: path.join(binDir, 'postgres'),
    args: [
      '-D',
      pgData,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${pgData}`,
      // Four services with up to 30 connections each (persistence and visibility pools), and the tools.
      '-c',
      'max_connections=200',
    ],
    user,
    connection: {
      POSTGRES_SEEDS: '127.0.0.1',
      DB_PORT: String(port),
      POSTGRES_USER,
      POSTGRES_PWD: password,
      SQL_PASSWORD: password,
    },
    pgIsReady: [path.join(binDir, 'pg_isready'), '-q', '-h', '127.0.0.1', '-p', String(port), '-U', POSTGRES_USER],
  };
}

function initdb(binDir: string, pgData: string, password: string, user?: { uid: number; gid: number }): void {
  mkdirSync(pgData, { recursive: true, mode: 0o700 });
  if (user) {
    // The postgres user has to reach its folder: the data dir stays closed to listing (0711), its files 0600.
    chmodSync(path.dirname(pgData), 0o711);
    chownSync(pgData, user.uid, user.gid);
  }
  const pwfile = path.join(pgData, '.initdb-password');
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (user) chownSync(pwfile, user.uid, user.gid);
  const run = spawnSync(
    path.join(binDir, 'initdb'),
    ['-D', pgData, '-U', POSTGRES_USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C'],
    { encoding: 'utf8', ...user },
  );
  rmSync(pwfile, { force: true });
  if (run.status !== 0) {
    rmSync(pgData, { recursive: true, force: true });
    const reason = run.error?.message ?? run.stderr;
    const hint = user ? ` (as the postgres user: every folder above ${pgData} must be searchable by it)` : '';
    throw new Error(`initdb failed${hint}: ${reason}`);
  }
}

function systemUser(name: string): { uid: number; gid: number } {
  const id = (flag: string) => spawnSync('id', [flag, name], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(`PostgreSQL does not run as root and there is no '${name}' user: create one (useradd -r ${name})`);
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
