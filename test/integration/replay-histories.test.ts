import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../worker/create-worker.js';
import { testDataConverter } from '../support/credentials.js';
import { loadHistories } from '../support/histories.js';

// Every recorded lifecycle must replay on today's workflow code without a non-determinism error. The data
// converter decrypts histories recorded with the test payload keys and passes older, unencrypted ones through.
test.each([
  ['cash-in', 5],
  ['cash-out', 9],
  ['rebalance', 2],
])('every %s history recorded at a release replays on the current workflow code', async (prefix, atLeast) => {
  const histories = loadHistories(prefix);
  expect(histories.length).toBeGreaterThanOrEqual(atLeast);
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowsPath: WORKFLOWS_PATH, dataConverter: testDataConverter() },
    histories,
  )) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
});
