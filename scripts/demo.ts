import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import QRCode from 'qrcode';
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

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const out = options.out ?? ((line: string) => console.log(line));
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = Date.now();
  const step = (n: number, text: string) =>
    out(`[${n}/${STEPS}] ${text}  (+${((Date.now() - started) / 1000).toFixed(1)}s)`);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(options.apiUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // The demo reads a few known fields of our own answers; the API's schemas are the contract.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const json = (await res.json()) as Record<string, any>;
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${json.code ?? ''} ${json.detail ?? ''}`);
    return json;
  };
  const statuses: string[] = [];
  const follow = async (reference: string, target: string) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const cashIn = await api('GET', `/v1/cash-ins/${encodeURIComponent(reference)}`);
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
  const created = await api('POST', '/v1/cash-ins', {
    externalReference,
    amount: '12.34',
    payer: { name: 'Maria Silva', document: '529.982.247-25' },
    metadata: { source: 'demo' },
  });
  statuses.push(created.status);
  out(`      status ${created.status}, ConnectPSP transaction ${created.connectPsp.transactionId}`);
  out(await QRCode.toString(created.pix.copyAndPaste, { type: 'terminal', small: true }));
  out(`      PIX copia e cola: ${created.pix.copyAndPaste}`);

  step(2, 'Paying it through the sandbox ...');
  const paid = await fetch(`${options.sandboxUrl}/_sandbox/cash-in/${created.connectPsp.transactionId}/pay`, {
    method: 'POST',
  });
  if (!paid.ok) throw new Error(`the sandbox refused to pay: ${paid.status} ${await paid.text()}`);

  step(3, 'Following it to SETTLED ...');
  await follow(externalReference, 'SETTLED');

  step(4, 'Refunding it ...');
  await api('POST', `/v1/cash-ins/${encodeURIComponent(externalReference)}/refund`, {
    reason: 'CUSTOMER_REQUEST',
    description: 'demo refund',
  });
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
  return { externalReference, transactionId: created.connectPsp.transactionId, workflowLinks, statuses };
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
