import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import type { NativeConnection } from '@temporalio/worker';
import { PIX_PAYMENTS_ENDPOINT } from '../nexus/pix-payments-service.js';

/** Where the `pix-payments` endpoint sends its operations: the namespace and task queue our worker polls. */
export interface NexusEndpointTarget {
  namespace: string;
  taskQueue: string;
}

type Services = Pick<Connection | NativeConnection, 'operatorService' | 'workflowService'>;

/**
 * Creates the `pix-payments` Nexus endpoint, pointed at our worker, or leaves it as it is when it already points
 * there; one pointed elsewhere (a changed task queue) is re-pointed. What `temporal operator nexus endpoint create`
 * does, made idempotent so that every `npm start` and test may call it.
 */
export async function ensureNexusEndpoint(
  connection: Services,
  target: NexusEndpointTarget,
  name = PIX_PAYMENTS_ENDPOINT,
): Promise<void> {
  const { operatorService } = connection;
  const spec = {
    name,
    target: { worker: { namespace: target.namespace, taskQueue: target.taskQueue } },
    // Shown by the Web UI's Nexus page, for whoever looks for what the endpoint offers.
    description: { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(DESCRIPTION)) },
  };
  const { endpoints } = await operatorService.listNexusEndpoints({ name, pageSize: 1 });
  const existing = endpoints?.find((e) => e.spec?.name === name);
  if (!existing) {
    await operatorService.createNexusEndpoint({ spec });
    return;
  }
  const worker = existing.spec?.target?.worker;
  if (worker?.namespace === target.namespace && worker.taskQueue === target.taskQueue) return;
  await operatorService.updateNexusEndpoint({ id: existing.id, version: existing.version, spec });
}

/**
 * Registers a namespace (a caller's, on the dev server) unless it exists, and returns once the frontend serves it:
 * a namespace just registered is unknown to the frontend's cache for a few seconds.
 */
export async function ensureNamespace(connection: Services, namespace: string, timeoutMs = 30_000): Promise<void> {
  const { workflowService } = connection;
  try {
    await workflowService.describeNamespace({ namespace });
  } catch (err) {
    if ((err as { code?: number }).code !== GRPC_NOT_FOUND) throw err;
    await workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  }
  for (const deadline = Date.now() + timeoutMs; ;) {
    try {
      await workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
      return;
    } catch (err) {
      if ((err as { code?: number }).code !== GRPC_NOT_FOUND || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

const GRPC_NOT_FOUND = 5;

const DESCRIPTION = [
  'PIX payments through ConnectPSP (pix-agent): `createCashIn`, `cashIn`, `createCashOut`, `refundCashIn`,',
  '`settleCashIn`. Contract: `nexus/pix-payments-service.ts`; guide: `docs/NEXUS.md`.',
].join(' ');
