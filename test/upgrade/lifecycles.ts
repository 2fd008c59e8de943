import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The lifecycles the upgrade test parks in every waiting state under the last release, then drives to their ends
 * under this checkout, through the public API and the sandbox's test controls only.
 */

export interface Endpoints {
  apiUrl: string;
  sandboxUrl: string;
  apiKey: string;
}

export interface Answer {
  status: number;
  body: any;
}

/** JSON over HTTP to the API (with the key) and the sandbox; keeps every read of the API that answered 5xx. */
export class Http {
  readonly serverErrorReads: string[] = [];
  reads = 0;

  constructor(private readonly endpoints: Endpoints) {}

  api(method: string, path: string, body?: unknown): Promise<Answer> {
    return this.call(this.endpoints.apiUrl + path, method, body, true);
  }

  sandbox(method: string, path: string, body?: unknown): Promise<Answer> {
    return this.call(`${this.endpoints.sandboxUrl}/_sandbox${path}`, method, body, false);
  }

  private async call(url: string, method: string, body: unknown, auth: boolean): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch(url, {
          method,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(auth ? { authorization: `Bearer ${this.endpoints.apiKey}` } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          // Right after the upgrade a message waits out the stopped worker's sticky queue, on a dev server that is
          // catching up: a service would wait, or ask again, as long.
          signal: AbortSignal.timeout(90_000),
        });
        const text = await res.text();
        if (auth && method === 'GET') {
          this.reads++;
          if (res.status >= 500)
            this.serverErrorReads.push(`GET ${new URL(url).pathname}: ${res.status} ${text.slice(0, 200)}`);
        }
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: kept as text for the report
        }
        return { status: res.status, body: parsed };
      } catch (err) {
        // The stack is up while this is called: a refused connection is worth two more tries, then it is a finding.
        if (attempt >= 3) throw new Error(`${method} ${url}: ${(err as Error).message}`);
        await sleep(1000);
      }
    }
  }
}

type Family = 'cash-ins' | 'cash-outs';

export interface Lifecycle {
  /** What the lifecycle exercises, for the report. */
  name: string;
  family: Family;
  externalReference: string;
  transactionId?: string;
  /** The waiting state it is parked in before the upgrade. */
  waiting: { status: string; attention: boolean };
  /** Where it must end after the upgrade. */
  final: { status: string; attention: false };
  /** What the views showed: before the old stack stopped, right after the upgrade, at the end. */
  seen: { beforeStop?: string; afterUpgrade?: string; final?: string };
}

export type Lifecycles = Record<
  'awaiting' | 'manual' | 'settled' | 'expired' | 'processing' | 'completed' | 'parked',
  Lifecycle
>;

export function planLifecycles(runId: string): Lifecycles {
  const make = (key: string, name: string, family: Family, waiting: string, final: string, attention = false) => ({
    name,
    family,
    externalReference: `upgrade-${runId}-${key}`,
    waiting: { status: waiting, attention },
    final: { status: final, attention: false as const },
    seen: {},
  });
  return {
    awaiting: make('awaiting', 'cash-in awaiting payment → paid', 'cash-ins', 'AWAITING_PAYMENT', 'SETTLED'),
    manual: make('manual', 'cash-in paid, manual settlement → settled', 'cash-ins', 'PAID', 'SETTLED'),
    settled: make('settled', 'cash-in settled (run closed) → refunded', 'cash-ins', 'SETTLED', 'REFUNDED'),
    expired: make(
      'expired',
      'cash-in expired, late-payment window → late pay refunded',
      'cash-ins',
      'EXPIRED',
      'REFUNDED',
    ),
    processing: make('processing', 'payout processing → completed', 'cash-outs', 'PROCESSING', 'COMPLETED'),
    completed: make('completed', 'payout completed, return window → returned', 'cash-outs', 'COMPLETED', 'REFUNDED'),
    parked: make(
      'parked',
      'cash-in parked on a ConnectPSP fault → recovers',
      'cash-ins',
      'AWAITING_PAYMENT',
      'EXPIRED',
      true,
    ),
  };
}

const payer = { name: 'Maria Silva', document: '52998224725' };
const payee = {
  name: 'Joao Souza',
  document: '52998224725',
  destination: { type: 'PIX', pixKeyType: 'EMAIL', pixKey: 'joao@example.com' },
};
/** A ConnectPSP that no longer knows the charges it gave us: the lookups that decide an expiry park the lifecycle. */
export const LOOKUP_FAULT = { seed: 1, endpoints: { 'GET /cash-in/{id}': { notFoundRate: 1 } } };

function pathOf(lifecycle: Lifecycle): string {
  return `/v1/${lifecycle.family}/${encodeURIComponent(lifecycle.externalReference)}`;
}

export function describeView(view: any): string {
  if (view === undefined || typeof view !== 'object') return String(view);
  return `${view.status}${view.attention ? ` (attention ${view.attention.code})` : ''}`;
}

export async function read(http: Http, lifecycle: Lifecycle): Promise<any> {
  const res = await http.api('GET', pathOf(lifecycle));
  if (res.status !== 200)
    throw new Error(`GET ${pathOf(lifecycle)} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Reads the view until `test` holds; the error names the last view seen. */
export async function waitFor(
  http: Http,
  lifecycle: Lifecycle,
  what: string,
  test: (view: any) => boolean,
  until: number,
): Promise<any> {
  let last: any;
  for (;;) {
    last = await read(http, lifecycle);
    if (test(last)) return last;
    if (Date.now() > until) {
      throw new Error(
        `${lifecycle.name} (${lifecycle.externalReference}) never ${what}; last view: ${describeView(last)}`,
      );
    }
    await sleep(500);
  }
}

function expect2xx(res: Answer, what: string): void {
  if (res.status < 200 || res.status > 299) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

async function createCashIn(http: Http, lifecycle: Lifecycle, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await http.api('POST', '/v1/cash-ins', {
    externalReference: lifecycle.externalReference,
    amount: '25.90',
    payer,
    ...extra,
  });
  expect2xx(res, `create ${lifecycle.externalReference}`);
  lifecycle.transactionId = res.body.connectPsp?.transactionId;
  if (!lifecycle.transactionId) throw new Error(`create ${lifecycle.externalReference}: no ConnectPSP transaction id`);
  return res.body;
}

async function createCashOut(http: Http, lifecycle: Lifecycle): Promise<void> {
  const res = await http.api('POST', '/v1/cash-outs', {
    externalReference: lifecycle.externalReference,
    amount: '40.00',
    description: 'upgrade test payout',
    payee,
  });
  expect2xx(res, `create ${lifecycle.externalReference}`);
  const listed = await http.sandbox(
    'GET',
    `/transactions?externalReference=${encodeURIComponent(lifecycle.externalReference)}`,
  );
  lifecycle.transactionId = listed.body?.cashOuts?.[0]?.transactionId;
  if (!lifecycle.transactionId) throw new Error(`create ${lifecycle.externalReference}: not at ConnectPSP`);
}

async function control(http: Http, path: string, body: unknown = {}): Promise<void> {
  expect2xx(await http.sandbox('POST', path, body), `sandbox ${path}`);
}

/**
 * Under the last release: parks one lifecycle in each waiting state and checks each got there.
 *
 * The expired cash-in is paid at the sandbox with its end-to-end id withheld before its 1-minute deadline: ConnectPSP
 * shows it PAID without the settlement proof, so the workflow's check at the deadline finds nothing paid and declares
 * it EXPIRED, while ConnectPSP (which refuses to pay an expired charge) still holds a payment to complete later: that
 * late payment is what the upgraded stack must refund. The parked cash-in expires 25 s after it, once a fault makes
 * ConnectPSP answer 404 for the charges it gave us; its deadline check then parks it (attention).
 */
export async function parkInWaitingStates(http: Http, all: Lifecycles, log: (line: string) => void): Promise<void> {
  const began = Date.now();
  await createCashIn(http, all.expired, { expirationInMinutes: 1 });
  await control(http, `/cash-in/${all.expired.transactionId}/pay`, { withholdEndToEndId: true });

  await createCashIn(http, all.awaiting);
  await createCashIn(http, all.manual, { settlement: { mode: 'manual', windowMinutes: 1440 } });
  await control(http, `/cash-in/${all.manual.transactionId}/pay`);
  await createCashIn(http, all.settled);
  await control(http, `/cash-in/${all.settled.transactionId}/pay`);
  await createCashOut(http, all.processing);
  await createCashOut(http, all.completed);
  await control(http, `/cash-out/${all.completed.transactionId}/complete`);

  await sleep(Math.max(0, began + 25_000 - Date.now()));
  const parked = await createCashIn(http, all.parked, { expirationInMinutes: 1 });
  const parkedDeadline = Date.parse(parked.expiresAt);
  log('created 7 lifecycles; waiting for their states (the 1-minute expiries included)');

  const soon = Date.now() + 120_000;
  for (const key of ['awaiting', 'manual', 'settled', 'processing', 'completed'] as const) {
    const lifecycle = all[key];
    await waitFor(
      http,
      lifecycle,
      `reached ${lifecycle.waiting.status}`,
      (v) => v.status === lifecycle.waiting.status,
      soon,
    );
  }
  // The fault must not touch the expired one's own deadline check: it goes on once that one is EXPIRED.
  await waitFor(
    http,
    all.expired,
    'expired before the parked one',
    (v) => v.status === 'EXPIRED',
    parkedDeadline - 3000,
  );
  expect2xx(await http.sandbox('PUT', '/faults', LOOKUP_FAULT), 'sandbox PUT /faults');
  await waitFor(http, all.parked, 'showed attention', (v) => v.attention != null, parkedDeadline + 120_000);
}

/** Reads every lifecycle and checks it is in its waiting state; returns the problems found. */
export async function checkWaiting(http: Http, all: Lifecycles, at: 'beforeStop' | 'afterUpgrade'): Promise<string[]> {
  const problems: string[] = [];
  for (const lifecycle of Object.values(all)) {
    const view = await read(http, lifecycle);
    lifecycle.seen[at] = describeView(view);
    // The parked one may have recovered as the upgraded stack came up, before the test put the fault back.
    const recovered = at === 'afterUpgrade' && lifecycle.waiting.attention && view.status === lifecycle.final.status;
    if (view.status !== lifecycle.waiting.status && !recovered) {
      problems.push(`${lifecycle.name}: ${at} ${view.status}, expected ${lifecycle.waiting.status}`);
    }
    // After the upgrade the parked one may show its attention or have recovered already (faults are not journalled
    // by the sandbox, so the restart cleared the fault until the test put it back): only before the stop is it required.
    if (at === 'beforeStop' && lifecycle.waiting.attention && view.attention == null) {
      problems.push(`${lifecycle.name}: no attention before the stop`);
    }
  }
  return problems;
}

/**
 * Under this checkout: the action that ends each lifecycle, then waits for every final state. `nudge` runs every
 * 15 s while something is not there yet (the test uses it to trigger a reconciliation pass, which finds the late
 * payment whose webhook ConnectPSP never sends, and to retry the parked call at once).
 */
export async function driveToTheEnd(
  http: Http,
  all: Lifecycles,
  operator: { clearedFault: () => Promise<void>; nudge: () => Promise<void> },
  log: (line: string) => void,
): Promise<string[]> {
  await control(http, `/cash-in/${all.awaiting.transactionId}/pay`);
  expect2xx(await http.api('POST', `${pathOf(all.manual)}/settle`), 'settle');
  expect2xx(await http.api('POST', `${pathOf(all.settled)}/refund`, { reason: 'CUSTOMER_REQUEST' }), 'refund');
  // Paying again issues the withheld end-to-end id: the payment is complete now, long after the deadline.
  await control(http, `/cash-in/${all.expired.transactionId}/pay`);
  await control(http, `/cash-out/${all.processing.transactionId}/complete`);
  await control(http, `/cash-out/${all.completed.transactionId}/refund`);
  expect2xx(await http.sandbox('DELETE', '/faults'), 'sandbox DELETE /faults');
  await operator.clearedFault();
  log('acted on every lifecycle; waiting for their final states');

  const until = Date.now() + 240_000;
  let done = false;
  const nudging = (async () => {
    while (!done) {
      await operator.nudge().catch((err: unknown) => log(`nudge failed: ${(err as Error).message}`));
      for (let i = 0; i < 30 && !done; i++) await sleep(500);
    }
  })();
  const problems: string[] = [];
  try {
    await Promise.all(
      Object.values(all).map(async (lifecycle) => {
        try {
          const view = await waitFor(
            http,
            lifecycle,
            `reached ${lifecycle.final.status}`,
            (v) => v.status === lifecycle.final.status && v.attention == null,
            until,
          );
          lifecycle.seen.final = describeView(view);
        } catch (err) {
          lifecycle.seen.final =
            (await read(http, lifecycle)
              .then(describeView)
              .catch(() => '?')) + ' (timed out)';
          problems.push((err as Error).message);
        }
      }),
    );
  } finally {
    done = true;
    await nudging;
  }
  return problems;
}

/** Reads every view and both lists every few seconds while a stack runs, so any 5xx read is seen. */
export function sampleReads(http: Http, all: Lifecycles): { stop: () => Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const lifecycle of Object.values(all)) {
        if (lifecycle.transactionId) await http.api('GET', pathOf(lifecycle)).catch(() => undefined);
      }
      await http.api('GET', '/v1/cash-ins?limit=20').catch(() => undefined);
      await http.api('GET', '/v1/cash-outs?limit=20').catch(() => undefined);
      for (let i = 0; i < 6 && running; i++) await sleep(500);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}
