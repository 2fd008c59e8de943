import { rebalanceWorkflowId } from '../../workflows/rebalance/workflow.js';
import { recordHistory } from '../support/histories.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let counter = 0;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const requestId = (name: string) => `${name}-${Date.now().toString(36)}-${++counter}`;
const centavos = (amount: string) => Math.round(Number(amount) * 100);

async function balance() {
  const res = await stack.api('GET', '/v1/wallet/balance');
  expect(res.status).toBe(200);
  return res.body;
}

test('the balance is the consolidated and per-bank wallet, amounts as decimal strings', async () => {
  const wallet = await balance();
  expect(wallet).toMatchObject({
    currency: 'BRL',
    referenceDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    consolidated: {
      total: expect.stringMatching(/^\d+\.\d{2}$/),
      transactional: expect.stringMatching(/^\d+\.\d{2}$/),
      proprietary: expect.stringMatching(/^\d+\.\d{2}$/),
    },
  });
  const { total, transactional, proprietary } = wallet.consolidated;
  expect(centavos(total)).toBe(centavos(transactional) + centavos(proprietary));
  expect(wallet.banks).toHaveLength(1);
  expect(wallet.banks[0]).toEqual({
    ispb: '13935893',
    bank: 'CELCOIN IP S.A.',
    transactional,
    proprietary,
  });
});

test('a rebalance up tops the transactional account up from the proprietary one', async () => {
  const before = await balance();
  const target = (centavos(before.consolidated.transactional) + 1_000_00) / 100;
  const res = await stack.api('POST', '/v1/wallet/rebalance', { targetAmount: target, requestId: requestId('up') });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ status: 'COMPLETED', targetAmount: target.toFixed(2) });
  const after = await balance();
  expect(after.consolidated.transactional).toBe(target.toFixed(2));
  expect(centavos(after.consolidated.proprietary)).toBe(centavos(before.consolidated.proprietary) - 1_000_00);
  expect(after.consolidated.total).toBe(before.consolidated.total);
});

test('a rebalance down sweeps the excess back to the proprietary account', async () => {
  const before = await balance();
  const target = (centavos(before.consolidated.transactional) - 2_500_50) / 100;
  const id = requestId('down');
  const res = await stack.api('POST', '/v1/wallet/rebalance', {
    targetAmount: String(target.toFixed(2)),
    requestId: id,
  });
  expect(res.status).toBe(200);
  const after = await balance();
  expect(after.consolidated.transactional).toBe(target.toFixed(2));
  expect(centavos(after.consolidated.proprietary)).toBe(centavos(before.consolidated.proprietary) + 2_500_50);
  await recordHistory(stack.env.client, rebalanceWorkflowId(id), 'rebalance-completed');
});

test('the same requestId again answers with the first result and moves no money', async () => {
  const before = await balance();
  const body = { targetAmount: '123456.78', requestId: requestId('again') };
  const first = await stack.api('POST', '/v1/wallet/rebalance', body);
  expect(first.status).toBe(200);
  expect(first.headers.get('idempotent-replayed')).toBeNull();
  // Money moves elsewhere meanwhile: replaying the first rebalance would undo it.
  await stack.api('POST', '/v1/wallet/rebalance', { targetAmount: '200000.00', requestId: requestId('between') });
  const again = await stack.api('POST', '/v1/wallet/rebalance', body);
  expect(again.status).toBe(200);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(again.body).toEqual(first.body);
  const after = await balance();
  expect(after.consolidated.transactional).toBe('200000.00');
  expect(after.consolidated.total).toBe(before.consolidated.total);

  const conflicting = await stack.api('POST', '/v1/wallet/rebalance', { ...body, targetAmount: '1.00' });
  expect(conflicting.status).toBe(409);
  expect(conflicting.body.code).toBe('REQUEST_ID_CONFLICT');
});

test('a top-up larger than the proprietary account is a 422 problem with the ConnectPSP code, also when repeated', async () => {
  const before = await balance();
  const target = (centavos(before.consolidated.total) + 1_00) / 100;
  const body = { targetAmount: target, requestId: requestId('too-much') };
  const res = await stack.api('POST', '/v1/wallet/rebalance', body);
  expect(res.status).toBe(422);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ code: 'INSUFFICIENT_FUNDS', source: 'connectpsp' });
  const again = await stack.api('POST', '/v1/wallet/rebalance', body);
  expect(again.status).toBe(422);
  expect(await balance()).toMatchObject({ consolidated: before.consolidated });
  await recordHistory(stack.env.client, rebalanceWorkflowId(body.requestId), 'rebalance-refused');
});

test('bad rebalance input is a 400 problem naming each field', async () => {
  const res = await stack.api('POST', '/v1/wallet/rebalance', { targetAmount: '-5', requestId: 'bad id!', extra: 1 });
  expect(res.status).toBe(400);
  expect(res.body.code).toBe('VALIDATION_ERROR');
  const fields = res.body.errors.map((e: { field: string }) => e.field);
  expect(fields).toEqual(expect.arrayContaining(['targetAmount', 'requestId']));
  expect(res.body.errors.some((e: { message: string }) => e.message.includes('extra'))).toBe(true);

  const missing = await stack.api('POST', '/v1/wallet/rebalance', {});
  expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['requestId', 'targetAmount']);
});

test('a rebalance to zero sweeps the whole transactional balance', async () => {
  const before = await balance();
  const res = await stack.api('POST', '/v1/wallet/rebalance', { targetAmount: 0, requestId: requestId('zero') });
  expect(res.status).toBe(200);
  const after = await balance();
  expect(after.consolidated.transactional).toBe('0.00');
  expect(after.consolidated.proprietary).toBe(before.consolidated.total);
});
