// Where `.ci/run` collects what each of its steps proved, for `scripts/ci-summary.ts` to add up into its last line.
// Does nothing unless CI_RESULTS_DIR is set (only `.ci/run` sets it). Plain JavaScript: jest loads its reporters
// untransformed, and npm's post-script hooks should cost a bare `node` start.
//
//   jest reporter (jest.config.js): one record per jest run, with its test counts
//   node scripts/ci-results.js instrument <name> <passed|failed>   one outside instrument (lint, fuzz, ...)
//   node scripts/ci-results.js step <name> <exit status> [expected instrument ...]   one .ci/run step
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Writes one record (one file each, so concurrent writers never interleave); tagged with the current step. */
export function writeCiRecord(record) {
  const dir = process.env.CI_RESULTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const at = Date.now();
  const file = path.join(dir, `${at}-${randomUUID()}.json`);
  writeFileSync(file, JSON.stringify({ ...record, step: record.step ?? process.env.CI_STEP ?? null, at }) + '\n');
}

/** Jest reporter: the run's passed and failed tests; a suite that could not run at all counts as one failed. */
export default class CiResultsReporter {
  onRunComplete(_contexts, results) {
    // Named after the projects whose tests ran (each result carries its project's displayName).
    const projects = [...new Set(results.testResults.map((r) => r.displayName?.name).filter(Boolean))];
    writeCiRecord({
      kind: 'tests',
      name: `jest ${projects.length > 0 ? projects.join('+') : '(no tests)'}`,
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      interrupted: results.wasInterrupted,
    });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [kind, name, outcome, ...expects] = process.argv.slice(2);
  if (kind === 'instrument' && name && (outcome === 'passed' || outcome === 'failed')) {
    writeCiRecord({ kind, name, passed: outcome === 'passed' ? 1 : 0, failed: outcome === 'failed' ? 1 : 0 });
  } else if (kind === 'step' && name && /^\d+$/.test(outcome ?? '')) {
    writeCiRecord({ kind, name, step: name, status: Number(outcome), expects });
  } else {
    console.error('usage: ci-results.js instrument <name> <passed|failed> | step <name> <status> [expects ...]');
    process.exit(2);
  }
}
