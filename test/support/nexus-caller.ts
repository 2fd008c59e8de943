import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { NEXUS_CALLER_NAMESPACE, NEXUS_CALLER_TASK_QUEUE } from '../../examples/nexus-caller/names.js';
import { ensureNamespace, ensureNexusEndpoint } from '../../scripts/nexus-endpoint.js';
import { testDataConverter } from './credentials.js';
import type { Stack } from './stack.js';

export interface NexusCaller {
  /** A client of the caller's namespace. */
  client: Client;
  stop(): Promise<void>;
}

/**
 * Another service's side of Nexus on the stack's dev server: the `pix-payments` endpoint as `npm start` creates it,
 * the caller's own namespace, and a worker there running the example's checkout and `callPixPayments`.
 */
export async function startNexusCaller(stack: Stack): Promise<NexusCaller> {
  const { env, config } = stack;
  await ensureNamespace(env.connection, NEXUS_CALLER_NAMESPACE);
  await ensureNexusEndpoint(env.connection, {
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
  });
  // Callers decode our results with the same payload codec as our worker (see docs/NEXUS.md).
  const dataConverter = testDataConverter();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: NEXUS_CALLER_NAMESPACE,
    taskQueue: NEXUS_CALLER_TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('../workflows/nexus-calls.ts', import.meta.url)),
    dataConverter,
  });
  const running = worker.run();
  const client = new Client({ connection: env.connection, namespace: NEXUS_CALLER_NAMESPACE, dataConverter });
  return {
    client,
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}
