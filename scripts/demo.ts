import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import QRCode from 'qrcode';
import { createPixAgentClient } from '../clients/typescript/index.js';
import { loadConfig } from '../config/env.js';
import { readLocalApiKey } from './local-secrets.js';
import { PROJECT_ROOT } from './temporal-binaries.js';

/**
 * `npm run demo`: one cash-in through a running stack (npm start, or compose with the sandbox profile). It
 * creates the charge, shows its QR code, pays it through the sandbox, waits for SETTLED, refunds it, waits
 * for REFUNDED, and prints where each workflow is in the Temporal UI.
 */
export interface DemoOptions {
  apiUrl: string;
  /** The ConnectPSP sandbox (the demo pays through its test control). */
  sandboxUrl: string;
  temporalUiUrl: string;
  namespace: string;
  /** Sent as `Authorization: Bearer` when the API requires credentials. */
  apiKey?: string;
  /** @default console.log */
  out?: (line: string) => void;
  /** Longest wait for each state. @default 60000 */
  timeoutMs?: number;
}

export interface DemoResult {
  externalReference: string;
  transactionId: string;
  workflowLinks: string[];
  statuses: string[];
}

const STEPS = 5;

/** The answer's data, or an error naming the API's problem. */
function answered<T>(
  what: string,
  result: { data?: T; error?: { code?: string; detail?: string }; response: Response },
): T {
  if (result.data !== undefined) return result.data;
  throw new Error(
    `${what} answered ${result.response.status}: ${result.error?.code ?? ''} ${result.error?.detail ?? ''}`,
  );
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const out = options.out ?? ((line: string) => console.log(line));
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = Date.now();
  const step = (n: number, text: string) =>
    out(`[${n}/${STEPS}] ${text}  (+${((Date.now() - started) / 1000).toFixed(1)}s)`);
  // What a service writes: the typed client of clients/typescript, generated from our OpenAPI document.
  const client = createPixAgentClient({ baseUrl: options.apiUrl, apiKey: options.apiKey });
  const statuses: string[] = [];
  const follow = async (reference: string, target: string) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const cashIn = answered(
        'GET /v1/cash-ins/{externalReference}',
        await client.GET('/v1/cash-ins/{externalReference}', { params: { path: { externalReference: reference } } }),
      );
      if (statuses.at(-1) !== cashIn.status) {
        statuses.push(cashIn.status);
        out(`      status ${cashIn.status}`);
      }
      if (cashIn.status === target) return cashIn;
      if (Date.now() > deadline)
        throw new Error(`cash-in ${reference} did not reach ${target}; it is ${cashIn.status}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  const externalReference = `demo-${Date.now().toString(36)}`;
  step(1, `Creating cash-in ${externalReference} of R$ 12.34 ...`);
  const created = answered(
    'POST /v1/cash-ins',
    await client.POST('/v1/cash-ins', {
      body: {
        externalReference,
        amount: '12.34',
        payer: { name: 'Maria Silva', document: '529.982.247-25' },
        metadata: { source: 'demo' },
      },
    }),
  );
  // The create answers once ConnectPSP accepted the charge: its ids and the QR code are there.
  if (created.connectPsp === null || created.pix === null)
    throw new Error(`cash-in ${externalReference} has no QR code`);
  const { transactionId } = created.connectPsp;
  const { copyAndPaste } = created.pix;
  statuses.push(created.status);
  out(`      status ${created.status}, ConnectPSP transaction ${transactionId}`);
  out(await QRCode.toString(copyAndPaste, { type: 'terminal', small: true }));
  out(`      PIX copia e cola: ${copyAndPaste}`);

  step(2, 'Paying it through the sandbox ...');
  const paid = await fetch(`${options.sandboxUrl}/_sandbox/cash-in/${transactionId}/pay`, {
    method: 'POST',
  });
  if (!paid.ok) throw new Error(`the sandbox refused to pay: ${paid.status} ${await paid.text()}`);

  step(3, 'Following it to SETTLED ...');
  await follow(externalReference, 'SETTLED');

  step(4, 'Refunding it ...');
  answered(
    'POST /v1/cash-ins/{externalReference}/refund',
    await client.POST('/v1/cash-ins/{externalReference}/refund', {
      params: { path: { externalReference } },
      body: { reason: 'CUSTOMER_REQUEST', description: 'demo refund' },
    }),
  );
  const refunded = await follow(externalReference, 'REFUNDED');
  out(`      refund endToEndId ${refunded.payments[0]?.refundEndToEndId ?? '(pending)'}`);

  step(5, 'In the Temporal UI:');
  const ns = encodeURIComponent(options.namespace);
  const workflowId = `cash-in:${externalReference}`;
  const query = encodeURIComponent(`PaymentReference="${externalReference}"`);
  const workflowLinks = [
    `${options.temporalUiUrl}/namespaces/${ns}/workflows/${encodeURIComponent(workflowId)}`,
    `${options.temporalUiUrl}/namespaces/${ns}/workflows?query=${query}`,
  ];
  out(`      the cash-in workflow (latest run, the refund): ${workflowLinks[0]}`);
  out(`      every run of this payment (create → settle, then the refund): ${workflowLinks[1]}`);
  out(`Done in ${((Date.now() - started) / 1000).toFixed(1)}s: ${statuses.join(' → ')}`);
  return { externalReference, transactionId, workflowLinks, statuses };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const config = loadConfig();
  const { values } = parseArgs({
    options: {
      'api-url': { type: 'string' },
      'sandbox-url': { type: 'string' },
      'temporal-ui-url': { type: 'string' },
    },
  });
  try {
    await runDemo({
      apiUrl: values['api-url'] ?? `http://127.0.0.1:${config.API_PORT}`,
      sandboxUrl: values['sandbox-url'] ?? config.connectPspBaseUrl,
      temporalUiUrl: values['temporal-ui-url'] ?? config.temporalUiUrl,
      namespace: config.TEMPORAL_NAMESPACE,
      // The key `npm start` created, unless one is given.
      apiKey: process.env.DEMO_API_KEY ?? readLocalApiKey(path.resolve(PROJECT_ROOT, config.DATA_DIR)),
    });
  } catch (err) {
    console.error(`Demo failed: ${(err as Error).message}\nIs the stack running (npm start)?`);
    process.exit(1);
  }
}
