import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `bench/run.ts --quick` as `npm run bench` would, and resolves with its exit code and output. */
function runQuickBench(out: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // About 40 s of figures, then the payouts' return window (1 minute from their creation) runs out.
    const timer = setTimeout(() => child.kill('SIGTERM'), 200_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// Checks only that the harness works end to end: no figure is compared with a target here.
test('the quick bench runs every figure against its baseline and writes the results', async () => {
  const out = path.join(dir, 'results.json');
  const { code, output } = await runQuickBench(out);
  expect({ code, tail: code === 0 ? '' : output.slice(-3000) }).toEqual({ code: 0, tail: '' });
  const results = JSON.parse(readFileSync(out, 'utf8'));
  const { lifecycle, createLatency, webhookAck, temporalCost, payoutCost, parkedMemory, sandboxHeadroom } =
    results.figures;

  expect(results.profile).toBe('quick');
  expect(results.machine.loadAverage1m5m15m.start).toHaveLength(3);
  expect(results.versions.temporalCli).toEqual(expect.any(String));
  expect(lifecycle.api.lifecycles).toBe(lifecycle.raw.lifecycles);
  expect(lifecycle.api.lifecycles).toBeGreaterThan(0);
  expect(Number.isFinite(lifecycle.ratio)).toBe(true);
  expect(lifecycle.api.cpuMsPerLifecycle).toEqual(
    expect.objectContaining({ temporal: expect.any(Number), api: expect.any(Number), worker: expect.any(Number) }),
  );
  for (const figure of [createLatency, ...webhookAck]) {
    expect(figure.api.samples).toBe(figure.raw.samples);
    expect(figure.api.samples).toBeGreaterThan(0);
    expect(Number.isFinite(figure.ratioP99)).toBe(true);
  }
  expect(temporalCost.eventsByType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED).toBe(1);
  expect(temporalCost.historyEvents).toBeGreaterThan(0);
  expect(temporalCost.billableActions).toBeGreaterThan(0);
  expect(temporalCost.stateTransitions).toBeGreaterThan(0);
  // History bytes as the server counts them, and the floor: the smallest workflow of the same shape.
  expect(temporalCost.historySizeBytes).toBeGreaterThan(0);
  expect(temporalCost.floor.eventsByType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED).toBe(1);
  expect(temporalCost.floor.historySizeBytes).toBeGreaterThan(0);
  expect(temporalCost.floor.historySizeBytes).toBeLessThan(temporalCost.historySizeBytes);
  expect(temporalCost.floor.historyEvents).toBeGreaterThan(0);
  // The same cash-in with a callbackUrl: its three events reached the bench's receiver, its record was read.
  expect(temporalCost.withCallback.callbacksReceived).toBe(3);
  expect(temporalCost.withCallback.childWorkflows).toHaveLength(1);
  expect(temporalCost.withCallback.billableActions).toBeGreaterThan(temporalCost.billableActions);
  expect(lifecycle.floor.lifecycles).toBe(lifecycle.api.lifecycles);
  expect(lifecycle.floor.lifecyclesPerSecond).toBeGreaterThan(0);
  expect(lifecycle.floor.cpuMsPerLifecycle.total).toBeGreaterThan(0);
  expect(Number.isFinite(lifecycle.ratioToFloor.api.lifecyclesPerSecond)).toBe(true);
  expect(Number.isFinite(lifecycle.ratioToFloor.api.cpuMsPerLifecycle)).toBe(true);
  // Completed payouts, read in their return window and again once their runs completed.
  expect(payoutCost.open.runStatuses).toEqual(['RUNNING']);
  expect(payoutCost.closed.runStatuses).toEqual(['COMPLETED']);
  expect(payoutCost.closed.samples).toBeGreaterThan(0);
  expect(payoutCost.closed.eventsByType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED).toBe(1);
  expect(payoutCost.open.historySizeBytes).toBeGreaterThan(0);
  expect(payoutCost.closed.historySizeBytes).toBeGreaterThan(payoutCost.open.historySizeBytes);
  expect(parkedMemory.parked).toBeGreaterThan(0);
  expect(Number.isFinite(parkedMemory.mibPerParkedCashIn)).toBe(true);
  expect(sandboxHeadroom.requests).toBeGreaterThan(0);
  // The table for docs/PERFORMANCE.md is printed.
  expect(output).toContain('| Figure | Ours (API) | Baseline (raw Temporal) |');
  expect(output).toContain('| History bytes per cash-in (server count), vs the floor |');
  expect(output).toContain('| Lifecycles/s, vs the floor (smallest workflow of the same shape) |');
}, 240_000);
