import { summarize, type CiRecord } from '../../scripts/ci-summary.js';

let at = 0;
const tests = (name: string, passed: number, failed: number, step: string): CiRecord => ({
  kind: 'tests',
  name,
  step,
  at: at++,
  passed,
  failed,
});
const instrument = (name: string, ok: boolean, step: string): CiRecord => ({
  kind: 'instrument',
  name,
  step,
  at: at++,
  passed: ok ? 1 : 0,
  failed: ok ? 0 : 1,
});
const step = (name: string, status: number, expects: string[] = []): CiRecord => ({
  kind: 'step',
  name,
  step: name,
  at: at++,
  status,
  expects,
});

test('jest counts add up with one per outside instrument', () => {
  const result = summarize([
    instrument('fuzz', true, 'fuzz'),
    step('fuzz', 0),
    instrument('lint', true, 'npm test'),
    instrument('typecheck', true, 'npm test'),
    tests('jest unit', 120, 0, 'npm test'),
    tests('jest integration', 80, 2, 'npm test'),
    step('npm test', 1, ['lint', 'typecheck']),
  ]);
  expect([result.passed, result.failed]).toEqual([203, 2]);
});

test('an expected instrument that recorded no pass counts as failed, and so does the step that never ran it', () => {
  const result = summarize([step('npm test', 1, ['lint', 'typecheck'])]);
  expect([result.passed, result.failed]).toEqual([0, 2]);
  expect(result.lines.join('\n')).toMatch(/lint: FAILED/);
});

test('a step that exited non-zero with no failure recorded counts as one failed', () => {
  const result = summarize([tests('jest cluster', 5, 0, 'test:cluster'), step('test:cluster', 1)]);
  expect([result.passed, result.failed]).toEqual([5, 1]);
});

test('a failure already recorded is not counted twice for its step', () => {
  const result = summarize([instrument('test:upgrade', false, 'test:upgrade'), step('test:upgrade', 1)]);
  expect([result.passed, result.failed]).toEqual([0, 1]);
});
