import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The end of `.ci/run`: adds up what its steps recorded in CI_RESULTS_DIR (`scripts/ci-results.js`) and prints it,
 * the last line being exactly `N passed, M failed`. Jest runs count their tests; each outside instrument (lint,
 * typecheck, fuzz, chaos, cluster chaos, test:upgrade) counts as one. Nothing a step did goes uncounted: an instrument
 * a step expected but that never recorded a pass counts as failed (it failed, or an earlier failure kept it from
 * running), and a step that exited non-zero with no failure recorded counts as one failed itself.
 * Exit status: 0 when nothing failed, 10 when something did (anything else means the summary itself broke).
 */
export interface CiRecord {
  kind: 'tests' | 'instrument' | 'step';
  name: string;
  step: string | null;
  at: number;
  passed?: number;
  failed?: number;
  interrupted?: boolean;
  status?: number;
  expects?: string[];
}

export function summarize(records: CiRecord[]): { lines: string[]; passed: number; failed: number } {
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  const ordered = [...records].sort((a, b) => a.at - b.at);
  for (const record of ordered) {
    if (record.kind === 'step') {
      const own = ordered.filter((r) => r.kind !== 'step' && r.step === record.name);
      const missing = (record.expects ?? []).filter(
        (name) => !own.some((r) => r.kind === 'instrument' && r.name === name && (r.passed ?? 0) > 0),
      );
      for (const name of missing) {
        failed++;
        lines.push(`  ${name}: FAILED (no pass recorded in "${record.name}": it failed, or did not run)`);
      }
      if (record.status !== 0 && missing.length === 0 && !own.some((r) => (r.failed ?? 0) > 0)) {
        failed++;
        lines.push(`  ${record.name}: FAILED (exited ${record.status}, no failed test recorded)`);
      }
      continue;
    }
    passed += record.passed ?? 0;
    failed += record.failed ?? 0;
    if (record.kind === 'instrument') {
      lines.push(`  ${record.name}: ${(record.failed ?? 0) > 0 ? 'FAILED' : 'passed'}`);
    } else {
      const interrupted = record.interrupted ? ' (interrupted)' : '';
      lines.push(`  ${record.name}: ${record.passed} passed, ${record.failed} failed${interrupted}`);
    }
  }
  return { lines, passed, failed };
}

function readRecords(dir: string): { records: CiRecord[]; unreadable: string[] } {
  const records: CiRecord[] = [];
  const unreadable: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    try {
      records.push(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CiRecord);
    } catch {
      unreadable.push(file);
    }
  }
  return { records, unreadable };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? process.env.CI_RESULTS_DIR;
  if (!dir) {
    console.error('usage: tsx scripts/ci-summary.ts [results dir]   (or set CI_RESULTS_DIR)');
    process.exit(2);
  }
  const { records, unreadable } = readRecords(dir);
  const { lines, passed, failed } = summarize(records);
  // A record that cannot be read hides what it held: it counts as a failure.
  for (const file of unreadable) lines.push(`  ${file}: FAILED (unreadable record)`);
  const totalFailed = failed + unreadable.length;
  console.log(['', 'CI summary:', ...lines].join('\n'));
  console.log(`${passed} passed, ${totalFailed} failed`);
  process.exit(totalFailed > 0 ? 10 : 0);
}
