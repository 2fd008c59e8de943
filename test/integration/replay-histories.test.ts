import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../worker/create-worker.js';
import { loadHistories } from '../support/histories.js';

// Every recorded lifecycle must replay on today's workflow code without a non-determinism error.
test('recorded cash-in histories replay on the current workflow code', async () => {
  const histories = loadHistories('cash-in');
  expect(histories.length).toBeGreaterThanOrEqual(5);
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
});
