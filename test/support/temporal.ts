import { TestWorkflowEnvironment } from '@temporalio/testing';
import { INDEXED_VALUE_TYPES } from '../../scripts/dev-server-process.js';
import { ALL_SEARCH_ATTRIBUTES, cliTypeName } from '../../workflows/search-attributes.js';
import { startDevServer, type DevServerOptions } from '../../scripts/dev-server.js';
import { resolveTestServer } from '../../scripts/temporal-binaries.js';

/** A real Temporal dev server on a free port with an in-memory database, our search attributes registered. */
export function createTestEnv(
  options: Pick<DevServerOptions, 'dataConverter' | 'uiPort' | 'uiCodecEndpoint'> = {},
): Promise<TestWorkflowEnvironment> {
  return startDevServer(options);
}

/** The time-skipping test server, for workflows with long timers (expiry, settlement windows, refund limits). */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: resolveTestServer().executable },
  });
  // The test server has no flag for search attributes; it takes them through the operator API.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      ALL_SEARCH_ATTRIBUTES.map((key) => [key.name, INDEXED_VALUE_TYPES[cliTypeName(key)]]),
    ),
  });
  return env;
}
