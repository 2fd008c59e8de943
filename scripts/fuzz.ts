import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { TEST_API_KEY } from '../test/support/credentials.js';
import { startStack } from '../test/support/stack.js';
import { ensureSchemathesis } from './schemathesis.js';

/**
 * `npm run fuzz`: schemathesis against the whole embedded stack (Temporal dev server, sandbox, worker, API on
 * free ports, in memory), every check, the stateful phase included, with a fixed seed and example budget so a
 * run is repeatable and takes a few minutes. Exits non-zero on any failure or error. Every check tuned in
 * `schemathesis.toml` is named, with its reason, in docs/RELIABILITY.md "Contract fuzzing".
 */
const SEED = process.env.FUZZ_SEED ?? '20261201';
const MAX_EXAMPLES = process.env.FUZZ_MAX_EXAMPLES ?? '30';
const CONFIG = path.join(import.meta.dirname, 'fuzz.schemathesis.toml');

// The worker's warnings (callbacks to example hosts that do not resolve, retried) would bury the report.
Runtime.install({ logger: new DefaultLogger('ERROR') });
const schemathesis = ensureSchemathesis();
const reportDir = mkdtempSync(path.join(tmpdir(), 'pix-fuzz-'));
const stack = await startStack({ RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000' });
let exitCode = 1;
try {
  const started = Date.now();
  exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn(
      schemathesis,
      [
        '--config-file',
        CONFIG,
        'run',
        `${stack.apiUrl}/openapi.json`,
        '--url',
        stack.apiUrl,
        '--checks',
        'all',
        '--phases',
        'examples,coverage,fuzzing,stateful',
        '--include-path-regex',
        '^/(v1|webhooks)/',
        '--header',
        `Authorization: Bearer ${TEST_API_KEY}`,
        '--seed',
        SEED,
        '--max-examples',
        MAX_EXAMPLES,
        '--workers',
        '1',
        '--generation-database',
        'none',
        '--report-dir',
        reportDir,
        '--no-color',
      ],
      {
        stdio: 'inherit',
        // schemathesis keeps a cache in its working directory: the temporary one, not the work tree.
        cwd: reportDir,
        env: {
          ...process.env,
          PYTHONUNBUFFERED: '1',
          // fuzz_hooks.py signs the generated webhooks as ConnectPSP would.
          PYTHONPATH: import.meta.dirname,
          SCHEMATHESIS_HOOKS: 'fuzz_hooks',
          FUZZ_CONNECTPSP_CRYPTO_TOKEN: stack.config.CONNECTPSP_CRYPTO_TOKEN,
        },
      },
    );
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  console.log(`fuzz: schemathesis exited ${exitCode} after ${Math.round((Date.now() - started) / 1000)} s`);
} finally {
  await stack.stop();
  rmSync(reportDir, { recursive: true, force: true });
}
process.exit(exitCode);
