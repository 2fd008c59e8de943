/**
 * Runs the caller example against `npm start`'s stack: a worker for `checkoutWithPix` in the namespace
 * `nexus-caller`, one checkout started, its QR code printed, and its final view printed once the charge is paid.
 * `npx tsx examples/nexus-caller/main.ts [amount] [--pay]`: with `--pay`, the local sandbox pays it, as a payer would.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createDataConverter } from '../../codec/data-converter.js';
import { loadConfig } from '../../config/env.js';
import { LOCAL_API_KEY_FILE, LOCAL_PAYLOAD_KEYS_FILE, readLocalApiKey } from '../../scripts/local-secrets.js';
import { ensureNamespace } from '../../scripts/nexus-endpoint.js';
import { PROJECT_ROOT } from '../../scripts/temporal-binaries.js';
import { NEXUS_CALLER_NAMESPACE, NEXUS_CALLER_TASK_QUEUE } from './names.js';
import { checkoutWithPix, payerQrCodeQuery } from './workflow.js';

const args = process.argv.slice(2);
const dataDir = path.resolve(PROJECT_ROOT, loadConfig().DATA_DIR);
// Our results come encrypted with our payload key: the caller decodes them with it (see docs/NEXUS.md). Under
// `npm start` that key is in DATA_DIR.
const localKeys = path.join(dataDir, LOCAL_PAYLOAD_KEYS_FILE);
const config = loadConfig({
  ...(existsSync(localKeys) ? { PAYLOAD_KEYS_FILE: localKeys } : {}),
  ...process.env,
});
const dataConverter = createDataConverter(config.PAYLOAD_KEYS, { compress: config.PAYLOAD_COMPRESSION });
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
        amount: args.find((a) => !a.startsWith('--')) ?? '12.34',
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
  if (args.includes('--pay')) await payInSandbox(externalReference);
  const view = await handle.result();
  console.log(`Cash-in ${view.externalReference} ended ${view.status}, R$ ${(view.amountCentavos / 100).toFixed(2)}`);
});
await connection.close();

/** What a payer's bank does: pays the charge at the sandbox, which then posts ConnectPSP's webhook to our API. */
async function payInSandbox(externalReference: string): Promise<void> {
  const apiKey = process.env.DEMO_API_KEY ?? readLocalApiKey(dataDir);
  if (!apiKey) throw new Error(`--pay needs the API key: DEMO_API_KEY or ${path.join(dataDir, LOCAL_API_KEY_FILE)}`);
  const apiUrl = `http://127.0.0.1:${config.API_PORT}`;
  const cashIn = await fetch(`${apiUrl}/v1/cash-ins/${encodeURIComponent(externalReference)}`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  const { connectPsp } = (await cashIn.json()) as { connectPsp: { transactionId: string } };
  const paid = await fetch(`${config.connectPspBaseUrl}/_sandbox/cash-in/${connectPsp.transactionId}/pay`, {
    method: 'POST',
  });
  if (!paid.ok) throw new Error(`the sandbox did not pay: ${paid.status} ${await paid.text()}`);
}
