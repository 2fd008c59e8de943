import { TestWorkflowEnvironment } from '@temporalio/testing';
import { startDevServer } from '../../scripts/dev-server.js';
import { resolveTestServer } from '../../scripts/temporal-binaries.js';

/** A real Temporal dev server on a free port with an in-memory database, our search attributes registered. */
export function createTestEnv(): Promise<TestWorkflowEnvironment> {
  return startDevServer();
}

/** The time-skipping test server, for workflows with long timers (expiry, settlement windows, refund limits). */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: resolveTestServer().executable } });
}
