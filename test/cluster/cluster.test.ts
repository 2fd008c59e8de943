import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Cluster, startScratchCluster } from '../../scripts/cluster/stack.js';
import { DYNAMIC_CONFIG } from '../../scripts/cluster/temporal.js';
import { ensureClusterTools } from '../../scripts/cluster/tools.js';
import { call } from '../reliability/load.js';
import { chaosAppEnv } from '../reliability/processes.js';

/**
 * The cluster shape end to end (`npm run test:cluster`): PostgreSQL, the four Temporal services as separate
 * processes, two workers and two APIs. Payments cross replicas, and parts are killed under them.
 */
const payer = { name: 'Maria Silva', document: '529.982.247-25' };
let cluster: Cluster & { dataDir: string };
const unexpectedExits: string[] = [];
let sandboxUrl: string;
/** The parts' last lines, printed when a test fails. */
const output: string[] = [];

beforeAll(async () => {
  cluster = await startScratchCluster({
    replicas: 2,
    namespace: 'default',
    sandboxEntry: 'test/reliability/sandbox-main.ts',
    appEnv: {},
    env: ({ apiPorts, sandboxPort }) => chaosAppEnv({ apiPort: apiPorts[0]!, sandboxPort, seed: 13 }),
    codecEndpoint: '',
    log: () => {},
    output: (line) => {
      output.push(line.slice(0, 300));
      if (output.length > 400) output.splice(0, 200);
    },
  });
  cluster.onUnexpectedExit((part, code) => unexpectedExits.push(`${part} (code ${code})`));
  sandboxUrl = `http://127.0.0.1:${cluster.options.sandbox!.port}`;
}, 600_000);

afterAll(async () => {
  await cluster?.stop();
}, 120_000);

afterEach(() => {
  const state = expect.getState();
  if (state.assertionCalls > state.numPassingAsserts) console.log(output.slice(-60).join('\n'));
  // A part that died by itself (not one the test killed) is a failure of the shape.
  expect(unexpectedExits).toEqual([]);
});

const api = (replica: number, method: string, path: string, body?: unknown) =>
  call(cluster.apiUrl(replica) + path, method, body, { auth: true });

async function createCashIn(replica: number, reference: string, manual = false): Promise<void> {
  const res = await api(replica, 'POST', '/v1/cash-ins', {
    externalReference: reference,
    amount: '10.00',
    payer,
    expirationInMinutes: 30,
    ...(manual ? { settlement: { mode: 'manual', windowMinutes: 30 } } : {}),
  });
  // 201, or 200 when a create that outlasted CREATE_WAIT_SECONDS (503, retried by `call`) is attached to.
  const created = res.status === 201 || res.status === 200;
  expect({ reference, created, problem: created ? undefined : res.body }).toEqual({
    reference,
    created: true,
    problem: undefined,
  });
}

async function sandboxCashIns(reference: string): Promise<{ transactionId: string; status: string }[]> {
  const res = await call(`${sandboxUrl}/_sandbox/transactions?externalReference=${reference}`, 'GET');
  return res.body.cashIns;
}

async function pay(reference: string): Promise<void> {
  const [tx] = await sandboxCashIns(reference);
  const res = await call(`${sandboxUrl}/_sandbox/cash-in/${tx!.transactionId}/pay`, 'POST', {});
  expect(res.status).toBe(200);
}

async function statusOf(replica: number, reference: string): Promise<string | undefined> {
  const res = await api(replica, 'GET', `/v1/cash-ins/${reference}`);
  return res.status === 200 ? (res.body.status as string) : undefined;
}

/** Polls through `replica` until the cash-in reaches `status`; returns what it last saw. */
async function reaches(replica: number, reference: string, status: string, timeoutMs = 180_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen: string | undefined;
  while (Date.now() < deadline) {
    seen = await statusOf(replica, reference);
    if (seen === status) return seen;
    await sleep(500);
  }
  return seen ?? 'unknown';
}

/** Each reference ends in `status` (read through the other replica) with exactly one transaction at ConnectPSP. */
async function expectEach(references: string[], status: string): Promise<void> {
  const outcomes = await Promise.all(
    references.map(async (reference, i) => ({
      reference,
      status: await reaches((i + 1) % 2, reference, status),
      atConnectPsp: (await sandboxCashIns(reference)).length,
    })),
  );
  expect(outcomes).toEqual(references.map((reference) => ({ reference, status, atConnectPsp: 1 })));
}

const run = `${Date.now().toString(36)}`;

test('the dynamic config is valid for the server version the cluster runs', () => {
  const validate = spawnSync(ensureClusterTools().temporalServer, ['validate-dynamic-config', DYNAMIC_CONFIG], {
    encoding: 'utf8',
  });
  expect(validate.status).toBe(0);
  expect(`${validate.stdout}${validate.stderr}`).not.toMatch(/warning|error|unregistered/i);
});

test('cash-ins created on one API settle and refund through the other', async () => {
  const references = [0, 1, 2, 3].map((i) => `cl-${run}-cross-${i}`);
  for (const [i, reference] of references.entries()) await createCashIn(i % 2, reference);
  for (const reference of references) await pay(reference);
  await expectEach(references, 'SETTLED');
  for (const [i, reference] of references.entries()) {
    const refund = await api((i + 1) % 2, 'POST', `/v1/cash-ins/${reference}/refund`, { reason: 'CUSTOMER_REQUEST' });
    expect({ reference, status: refund.status }).toEqual({ reference, status: 202 });
  }
  const refunded = await Promise.all(references.map((reference, i) => reaches(i % 2, reference, 'REFUNDED')));
  expect(refunded).toEqual(references.map(() => 'REFUNDED'));

  const manual = `cl-${run}-manual`;
  await createCashIn(0, manual, true);
  await pay(manual);
  expect(await reaches(1, manual, 'PAID')).toBe('PAID');
  expect((await api(1, 'POST', `/v1/cash-ins/${manual}/settle`)).status).toBe(200);
  expect(await reaches(0, manual, 'SETTLED')).toBe('SETTLED');
}, 600_000);

test('a worker replica SIGKILLed while cash-ins are being created: each settles once, on the other', async () => {
  const references = [0, 1, 2, 3, 4, 5].map((i) => `cl-${run}-worker-kill-${i}`);
  const creating = Promise.all(references.map((reference, i) => createCashIn(i % 2, reference)));
  await sleep(300);
  await cluster.kill('worker-1');
  await creating;
  for (const reference of references) await pay(reference);
  await expectEach(references, 'SETTLED');
  await cluster.start('worker-1');
}, 600_000);

test('the history service restarted while payments arrive: every cash-in settles', async () => {
  const references = [0, 1, 2].map((i) => `cl-${run}-history-${i}`);
  for (const [i, reference] of references.entries()) await createCashIn(i % 2, reference);
  await cluster.kill('temporal-history');
  // ConnectPSP's webhooks fail against the APIs meanwhile and are retried by the sandbox.
  for (const reference of references) await pay(reference);
  await sleep(2_000);
  await cluster.start('temporal-history');
  await expectEach(references, 'SETTLED');
}, 600_000);

test('PostgreSQL restarted: what was in flight settles, and new cash-ins work', async () => {
  const before = [0, 1].map((i) => `cl-${run}-pg-before-${i}`);
  for (const [i, reference] of before.entries()) await createCashIn(i % 2, reference);
  // A fast shutdown (SIGINT), as a restart by an operator or a failover does: clients are cut off.
  await cluster.restart('postgresql', 'SIGINT');
  for (const reference of before) await pay(reference);
  await expectEach(before, 'SETTLED');
  const after = `cl-${run}-pg-after`;
  await createCashIn(1, after);
  await pay(after);
  await expectEach([after], 'SETTLED');
}, 600_000);
