import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './temporal-binaries.js';

/**
 * The API fuzzer (schemathesis, from PyPI) in its own venv under `.tools/`, at the versions locked in
 * `schemathesis-requirements.txt`. Installed by `npm ci` (postinstall) and again by `npm run fuzz` when missing;
 * a stamp holding the lock file's text makes the check instant once installed.
 */
const VENV = path.join(PROJECT_ROOT, '.tools', 'schemathesis');
const REQUIREMENTS = path.join(PROJECT_ROOT, 'scripts', 'schemathesis-requirements.txt');
const STAMP = path.join(VENV, 'installed-requirements.txt');
export const SCHEMATHESIS_BIN = path.join(VENV, 'bin', 'schemathesis');

function isInstalled(): boolean {
  return existsSync(SCHEMATHESIS_BIN) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === readRequirements();
}

const readRequirements = () => readFileSync(REQUIREMENTS, 'utf8');

function run(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'pipe'],
    env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_ROOT_USER_ACTION: 'ignore' },
  });
  if (result.error) return result.error.message;
  if (result.status !== 0) return result.stderr.toString().trim() || `exit ${result.status}`;
  return undefined;
}

/** Installs when needed; returns the executable, or throws saying what is missing and how to get it. */
export function ensureSchemathesis(log: (line: string) => void = console.log): string {
  if (isInstalled()) return SCHEMATHESIS_BIN;
  log('Installing schemathesis (scripts/schemathesis-requirements.txt) into .tools/schemathesis ...');
  const venvProblem = run('python3', ['-m', 'venv', '--clear', VENV]);
  if (venvProblem) {
    throw new Error(
      `Cannot create the schemathesis venv: ${venvProblem}\n` +
        'It needs python3 (3.9 or newer) with its venv module: on Debian/Ubuntu `apt-get install python3-venv`.',
    );
  }
  const pipProblem = run(path.join(VENV, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '-r', REQUIREMENTS]);
  if (pipProblem) throw new Error(`Cannot install schemathesis from PyPI: ${pipProblem}`);
  writeFileSync(STAMP, readRequirements());
  return SCHEMATHESIS_BIN;
}
