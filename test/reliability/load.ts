import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_API_KEY } from '../support/credentials.js';
import type { Prng } from './prng.js';

export const LIFECYCLE_KINDS = [
  'cash-in-auto',
  'cash-in-manual',
  'cash-in-refund',
  'cash-in-expire',
  'cash-in-late',
  'cash-out-complete',
  'cash-out-fail',
  'cash-out-return',
] as const;
export type LifecycleKind = (typeof LIFECYCLE_KINDS)[number];

/** One payment the load drove, with what was done to it at ConnectPSP (the audit's expectations follow from it). */
export interface Lifecycle {
  kind: LifecycleKind;
  externalReference: string;
  amountCentavos: number;
  transactionId?: string;
  /** Sandbox controls that succeeded, in order ("pay", "complete", …), and API calls that were accepted. */
  actions: string[];
  /** Why the driver gave up (the audit reports it). */
  driverError?: string;
}

export interface Endpoints {
  apiUrl: string;
  sandboxUrl: string;
  callbackUrl: string;
}

const payer = { name: 'Maria Silva', document: '529.982.247-25' };
const payee = {
  name: 'Joao Souza',
  document: '529.982.247-25',
  destination: { type: 'PIX', pixKeyType: 'EMAIL', pixKey: 'joao@example.com' },
};

/** JSON over HTTP, retried while the answer is a network error or a 5xx (a part may be down); bounded. */
export async function call(
  url: string,
  method: string,
  body?: unknown,
  { attempts = 60, auth = false }: { attempts?: number; auth?: boolean } = {},
): Promise<{ status: number; body: any }> {
  let last = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const res = await fetch(url, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(auth ? { authorization: `Bearer ${TEST_API_KEY}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      if (res.status < 500) return { status: res.status, body: text ? JSON.parse(text) : undefined };
      last = `${res.status} ${text.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(500 + attempt * 100);
  }
  throw new Error(`${method} ${url} kept failing: ${last}`);
}

/** Drives one lifecycle to the point where only ConnectPSP's webhooks and our timers remain. */
export async function drive(kind: LifecycleKind, reference: string, prng: Prng, at: Endpoints): Promise<Lifecycle> {
  const amountCentavos = 100 + Math.floor(prng() * 10_000);
  const amount = (amountCentavos / 100).toFixed(2);
  const lifecycle: Lifecycle = { kind, externalReference: reference, amountCentavos, actions: [] };
  const api = (method: string, path: string, body?: unknown) => call(at.apiUrl + path, method, body, { auth: true });
  const control = async (path: string, action: string, body: unknown = {}) => {
    const res = await call(`${at.sandboxUrl}/_sandbox${path}`, 'POST', body);
    if (res.status === 200) lifecycle.actions.push(action);
    return res.status;
  };
  const waitStatus = async (path: string, statuses: string[], timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const res = await api('GET', path);
      if (res.status === 200 && statuses.includes(res.body.status)) return res.body.status as string;
      await sleep(500);
    }
    throw new Error(`${path} never reached ${statuses.join('|')}`);
  };
  try {
    if (kind.startsWith('cash-in')) {
      const expirationInMinutes = kind === 'cash-in-expire' || kind === 'cash-in-late' ? 1 : 2;
      const created = await api('POST', '/v1/cash-ins', {
        externalReference: reference,
        amount,
        payer,
        expirationInMinutes,
        callbackUrl: at.callbackUrl,
        ...(kind === 'cash-in-manual' ? { settlement: { mode: 'manual', windowMinutes: 3 } } : {}),
      });
      if (created.status !== 201 && created.status !== 200) throw new Error(`create: ${created.status}`);
      lifecycle.actions.push('create');
      lifecycle.transactionId = created.body.connectPsp?.transactionId;
      const txid = await sandboxTransactionId(at.sandboxUrl, 'cashIns', reference);
      lifecycle.transactionId = txid;
      if (kind === 'cash-in-expire') return lifecycle;
      // A late payment lands just before the deadline, so its webhook (delayed, dropped) may arrive after it.
      if (kind === 'cash-in-late') await sleep(50_000 + prng() * 8_000);
      if ((await control(`/cash-in/${txid}/pay`, 'pay')) !== 200) return lifecycle;
      const path = `/v1/cash-ins/${encodeURIComponent(reference)}`;
      if (kind === 'cash-in-manual') {
        await waitStatus(path, ['PAID', 'SETTLED', 'REFUNDING', 'REFUNDED'], 240_000);
        const settled = await api('POST', `${path}/settle`);
        if (settled.status === 200) lifecycle.actions.push('settle');
      } else if (kind === 'cash-in-refund') {
        await waitStatus(path, ['SETTLED'], 240_000);
        const refund = await api('POST', `${path}/refund`, { reason: 'CUSTOMER_REQUEST' });
        if (refund.status === 202) lifecycle.actions.push('refund');
      }
    } else {
      const created = await api('POST', '/v1/cash-outs', {
        externalReference: reference,
        amount,
        payee,
        callbackUrl: at.callbackUrl,
      });
      if (created.status !== 202 && created.status !== 200) throw new Error(`create: ${created.status}`);
      lifecycle.actions.push('create');
      const txid = await sandboxTransactionId(at.sandboxUrl, 'cashOuts', reference);
      lifecycle.transactionId = txid;
      await sleep(prng() * 3_000);
      if (kind === 'cash-out-fail') {
        await control(`/cash-out/${txid}/fail`, 'fail');
        return lifecycle;
      }
      if ((await control(`/cash-out/${txid}/complete`, 'complete')) !== 200) return lifecycle;
      if (kind === 'cash-out-return') {
        await waitStatus(`/v1/cash-outs/${encodeURIComponent(reference)}`, ['COMPLETED', 'REFUNDED'], 240_000);
        await control(`/cash-out/${txid}/refund`, 'return');
      }
    }
  } catch (err) {
    lifecycle.driverError = (err as Error).message;
  }
  return lifecycle;
}

async function sandboxTransactionId(
  sandboxUrl: string,
  list: 'cashIns' | 'cashOuts',
  reference: string,
): Promise<string> {
  const res = await call(
    `${sandboxUrl}/_sandbox/transactions?externalReference=${encodeURIComponent(reference)}`,
    'GET',
  );
  const found = (res.body?.[list] ?? []) as { transactionId: string }[];
  if (found.length === 0) throw new Error(`no ${list} transaction for ${reference}`);
  return found[0]!.transactionId;
}
