import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { OpenApiDocument } from '../api/openapi/document.js';
import { defaultServedOpenApiDocument } from './served-openapi.js';
import { PROJECT_ROOT } from './temporal-binaries.js';

export interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  /** JSON pointer of the first location, e.g. `#/paths/~1healthz/get/responses`. */
  pointer: string;
}

/**
 * `npm run openapi:lint`: Redocly CLI with `redocly.yaml` (the recommended ruleset) over the document the API
 * serves. Redocly exits 0 on warnings; here any problem, warning or error, fails.
 */
export function lintOpenApiDocument(document: OpenApiDocument): LintProblem[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'openapi-lint-'));
  try {
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const redocly = path.join(PROJECT_ROOT, 'node_modules/.bin/redocly');
    const config = path.join(PROJECT_ROOT, 'redocly.yaml');
    const run = spawnSync(redocly, ['lint', file, '--config', config, '--format=json'], {
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    const start = run.stdout.indexOf('{');
    if (start < 0) throw new Error(`redocly lint printed no report (exit ${run.status}): ${run.stderr}`);
    const report = JSON.parse(run.stdout.slice(start)) as {
      problems: { ruleId: string; severity: 'error' | 'warn'; message: string; location: { pointer: string }[] }[];
    };
    return report.problems.map(({ ruleId, severity, message, location }) => ({
      ruleId,
      severity,
      message,
      pointer: location[0]?.pointer ?? '',
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const problems = lintOpenApiDocument(defaultServedOpenApiDocument());
  for (const p of problems) console.log(`${p.severity.padEnd(5)} ${p.ruleId}  ${p.pointer}  ${p.message}`);
  console.log(`Redocly (recommended): ${problems.length} problem(s) in the served OpenAPI document`);
  process.exit(problems.length === 0 ? 0 : 1);
}
