import { spawn } from 'node:child_process';
import path from 'node:path';
import { ALL_SEARCH_ATTRIBUTES, cliTypeName } from '../../workflows/search-attributes.js';
import { PROJECT_ROOT } from '../temporal-binaries.js';

export const TEMPORAL_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

const DEPLOY_DIR = path.join(PROJECT_ROOT, 'deploy/temporal');
export const SERVER_CONFIG = path.join(DEPLOY_DIR, 'config/temporal.yaml');
export const DYNAMIC_CONFIG = path.join(DEPLOY_DIR, 'dynamicconfig/production-sql.yaml');

/**
 * The ports of the four services, next to the frontend's: gRPC at +301, +302, +306 (frontend 34233 gives history
 * 34534), HTTP at +310; membership ports from `membershipPort` (+0, +1, +2, +6), below 32768 since Temporal keeps
 * them in a smallint column: by default the frontend's port minus 300, as Temporal's own 7233 and 6933.
 */
export function temporalPorts(frontendPort: number, membershipPort = frontendPort - 300) {
  if (membershipPort + 6 > 32767) {
    throw new Error(
      `Temporal membership ports must be below 32768 (a smallint in its schema): frontend port ${frontendPort} ` +
        `would put them at ${membershipPort}; set TEMPORAL_MEMBERSHIP_PORT to a free port below 32762.`,
    );
  }
  return {
    FRONTEND_GRPC_PORT: frontendPort,
    FRONTEND_HTTP_PORT: frontendPort + 310,
    HISTORY_GRPC_PORT: frontendPort + 301,
    MATCHING_GRPC_PORT: frontendPort + 302,
    WORKER_GRPC_PORT: frontendPort + 306,
    FRONTEND_MEMBERSHIP_PORT: membershipPort,
    HISTORY_MEMBERSHIP_PORT: membershipPort + 1,
    MATCHING_MEMBERSHIP_PORT: membershipPort + 2,
    WORKER_MEMBERSHIP_PORT: membershipPort + 6,
  };
}

/** What every service reads through the config template (deploy/temporal/config/temporal.yaml). */
export function serverEnv(
  ports: ReturnType<typeof temporalPorts>,
  connection: Record<string, string>,
  logLevel = 'warn',
): Record<string, string> {
  return {
    ...connection,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    BIND_ON_IP: '127.0.0.1',
    DYNAMIC_CONFIG_FILE_PATH: DYNAMIC_CONFIG,
    LOG_LEVEL: logLevel,
  };
}

export function serviceArgs(service: TemporalService): string[] {
  return ['--config-file', SERVER_CONFIG, '--allow-no-auth', 'start', '--service', service];
}

export function uiServerArgs(): string[] {
  return ['--root', DEPLOY_DIR, '--config', '.', '--env', 'ui-server', 'start'];
}

/** `Name:Type` pairs of the workflows' search attributes, as deploy/temporal/create-namespace.sh takes them. */
export function searchAttributeList(): string {
  return ALL_SEARCH_ATTRIBUTES.map((a) => `${a.name}:${cliTypeName(a)}`).join(' ');
}

/** Schemas by deploy/temporal/setup-postgres.sh, the same script compose runs. */
export function setupSchemas(sqlTool: string, schemaDir: string, connection: Record<string, string>) {
  return runScript('setup-postgres.sh', { ...connection, SQL_TOOL: sqlTool, SCHEMA_DIR: schemaDir });
}

/** Namespace and search attributes registered and verified by deploy/temporal/create-namespace.sh. */
export function createNamespace(cli: string, address: string, namespace: string) {
  return runScript('create-namespace.sh', {
    TEMPORAL_CLI: cli,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    SEARCH_ATTRIBUTES: searchAttributeList(),
  });
}

/** Runs one of deploy/temporal's scripts; resolves with its last line, rejects with its whole output. */
function runScript(script: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [path.join(DEPLOY_DIR, script)], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(output.trim().split('\n').pop() ?? '');
      else reject(new Error(`deploy/temporal/${script} failed (exit ${code}):\n${output.trim()}`));
    });
  });
}
