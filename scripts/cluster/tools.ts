import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { isExecutable, PROJECT_ROOT } from '../temporal-binaries.js';

/** The versions the cluster profile runs, from the file docker-compose's image tags are checked against. */
export const CLUSTER_VERSIONS = readVersions(path.join(PROJECT_ROOT, 'deploy/temporal/versions.env'));

export interface ClusterTools {
  temporalServer: string;
  sqlTool: string;
  uiServer: string;
  /** The server's schema folder (postgresql/v12/...), as temporal-sql-tool's update-schema reads it. */
  schemaDir: string;
  /** Folder of initdb, postgres and pg_isready. */
  postgresBin: string;
}

export const CLUSTER_TOOLS_DIR = path.join(
  PROJECT_ROOT,
  '.tools/cluster',
  `temporal-${CLUSTER_VERSIONS.TEMPORAL_SERVER_VERSION}-ui-${CLUSTER_VERSIONS.TEMPORAL_UI_SERVER_VERSION}`,
);

/**
 * The binaries of the cluster profile. Missing ones are provisioned by scripts/provision-cluster.sh (builds the
 * Temporal server, its SQL tool and the UI server once into .tools/cluster/; installs PostgreSQL when root); when
 * that cannot work, its message names what is missing and how to get it.
 */
export function ensureClusterTools(): ClusterTools {
  let tools = findTools();
  if (!tools) {
    const run = spawnSync('bash', [path.join(PROJECT_ROOT, 'scripts/provision-cluster.sh')], { stdio: 'inherit' });
    tools = findTools();
    if (run.status !== 0 || !tools) {
      throw new Error('The cluster profile is not provisioned: see the lines above, then run npm run cluster again.');
    }
  }
  return tools;
}

function findTools(): ClusterTools | undefined {
  const bin = (name: string) => path.join(CLUSTER_TOOLS_DIR, 'bin', name);
  const postgresBin = findPostgresBin();
  const tools = {
    temporalServer: bin('temporal-server'),
    sqlTool: bin('temporal-sql-tool'),
    uiServer: bin('temporal-ui-server'),
    schemaDir: path.join(CLUSTER_TOOLS_DIR, 'schema'),
  };
  const built = [tools.temporalServer, tools.sqlTool, tools.uiServer].every(isExecutable);
  if (!built || !existsSync(path.join(tools.schemaDir, 'postgresql/v12')) || !postgresBin) return undefined;
  return { ...tools, postgresBin };
}

/** PG_BIN_DIR, else initdb on PATH, else Debian's newest /usr/lib/postgresql/<major>/bin. */
function findPostgresBin(): string | undefined {
  const candidates = [process.env.PG_BIN_DIR, ...(process.env.PATH ?? '').split(path.delimiter)];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const majors = readdirSync(debian).sort((a, b) => Number(b) - Number(a));
    candidates.push(...majors.map((major) => path.join(debian, major, 'bin')));
  }
  const dir = candidates.find((d) => d && isExecutable(path.join(d, 'initdb')));
  // Debian links initdb into /usr/local/bin; postgres and pg_isready sit beside the real one.
  return dir && path.dirname(realpathSync(path.join(dir, 'initdb')));
}

function readVersions(file: string) {
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split('=', 2) as [string, string]);
  const values = Object.fromEntries(entries);
  for (const key of ['TEMPORAL_SERVER_VERSION', 'TEMPORAL_UI_SERVER_VERSION', 'TEMPORAL_GO_TOOLCHAIN']) {
    if (!values[key]) throw new Error(`${file} does not set ${key}`);
  }
  return values as Record<'TEMPORAL_SERVER_VERSION' | 'TEMPORAL_UI_SERVER_VERSION' | 'TEMPORAL_GO_TOOLCHAIN', string>;
}
