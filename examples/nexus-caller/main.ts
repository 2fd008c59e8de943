/**
 * Runs the caller example against `npm start`'s dev server: a worker for `checkoutWithPix` in the namespace
 * `nexus-caller`, one checkout started, its QR code printed, its final view printed once the charge is paid
 * (`npm run demo` or the sandbox's controls pay it). `npx tsx examples/nexus-caller/main.ts [amount]`.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createDataConverter } from '../../codec/data-converter.js';
import { loadConfig } from '../../config/env.js';
import { ensureNamespace } from '../../scripts/nexus-endpoint.js';
import { NEXUS_CALLER_NAMESPACE, NEXUS_CALLER_TASK_QUEUE } from './names.js';
import { checkoutWithPix, payerQrCodeQuery } from './workflow.js';

const config = loadConfig();
const dataConverter = createDataConverter(config.PAYLOAD_KEYS);
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
await ensureNamespace(connection, NEXUS_CALLER_NAMESPACE);
const worker = await Worker.create({
  connection: await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }),
  namespace: NEXUS_CALLER_NAMESPACE,
  taskQueue: NEXUS_CALLER_TASK_QUEUE,
  workflowsPath: fileURLToPath(new URL('./workflow.ts', import.meta.url)),
  dataConverter,
});
const client = new Client({ connection, namespace: NEXUS_CALLER_NAMESPACE, dataConverter });
await worker.runUntil(async () => {
  const externalReference = `nexus-example-${randomUUID()}`;
  const handle = await client.workflow.start(checkoutWithPix, {
    workflowId: `checkout:${externalReference}`,
    taskQueue: NEXUS_CALLER_TASK_QUEUE,
    args: [
      {
        externalReference,
        amount: process.argv[2] ?? '12.34',
        payer: { name: 'Maria Silva', document: '12345678909' },
      },
    ],
  });
  let pix = await handle.query(payerQrCodeQuery);
  while (!pix) {
    await new Promise((r) => setTimeout(r, 200));
    pix = await handle.query(payerQrCodeQuery);
  }
  console.log(`Checkout ${handle.workflowId} in namespace ${NEXUS_CALLER_NAMESPACE}; PIX copy-and-paste:`);
  console.log(pix.copyAndPaste);
  console.log('Waiting for the payment ...');
  const view = await handle.result();
  console.log(`Cash-in ${view.externalReference} ended ${view.status}, R$ ${(view.amountCentavos / 100).toFixed(2)}`);
});
await connection.close();
