import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../config/env.js';
import { paymentSearchAttributes } from '../../workflows/search-attributes.js';
import { TEST_API_KEY, TEST_API_KEYS_ENTRY } from '../support/credentials.js';
import { serveApi, unreachableTemporal } from '../support/api-server.js';
import { createTestEnv } from '../support/temporal.js';

/**
 * List cursors are checked by the API before Temporal is asked. The lifecycles listed here are started with
 * their search attributes on a task queue no worker polls: visibility lists them all the same.
 */
const config = loadConfig({ NODE_ENV: 'test', API_KEYS: TEST_API_KEYS_ENTRY });
let env: TestWorkflowEnvironment;
const closers: (() => unknown)[] = [];

async function serve(temporal: Client): Promise<string> {
  const { url, close } = await serveApi(config, temporal);
  closers.push(close);
  return url;
}

const get = async (base: string, path: string) => {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
};

beforeAll(async () => {
  env = await createTestEnv();
  for (const [kind, status, n] of [
    ['CASH_IN', 'AWAITING_PAYMENT', 3],
    ['CASH_OUT', 'PROCESSING', 3],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const reference = `${kind.toLowerCase()}-${i}`;
      await env.client.workflow.start('parked', {
        workflowId: `list-cursor-${reference}`,
        taskQueue: 'no-worker-polls-this',
        typedSearchAttributes: paymentSearchAttributes(kind, reference, status, 100 + i),
      });
    }
  }
});
afterAll(async () => {
  for (const close of closers) await close();
  await env?.teardown();
});

test('a malformed, tampered or truncated cursor is a 400 naming `cursor`, decided without Temporal', async () => {
  // This Temporal is unreachable: any call to it would end in a 503 after retries, not in a 400.
  const temporal = unreachableTemporal();
  const base = await serve(temporal.client);
  const real = (await get(await serve(env.client), '/v1/cash-ins?limit=1')).body.nextCursor as string;
  const [, payload = '', mac = ''] = real.split('.');
  const tampered = `v1.${payload}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
  for (const cursor of ['SP4', 'v1..', 'v1.e30.AAAAAAAAAAAAAAAAAAAAAA', tampered, real.slice(0, -1), `${real}x`]) {
    const res = await get(base, `/v1/cash-ins?limit=2&cursor=${encodeURIComponent(cursor)}`);
    expect({ cursor, status: res.status, type: res.type, code: res.body.code, fields: res.body.errors }).toEqual({
      cursor,
      status: 400,
      type: expect.stringContaining('application/problem+json'),
      code: 'VALIDATION_ERROR',
      fields: [{ field: 'cursor', message: expect.any(String) }],
    });
  }
  await temporal.close();
});

test('a bad status or limit is a 400 naming the field', async () => {
  const base = await serve(env.client);
  for (const [query, field] of [
    ['status=NOPE', 'status'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
  ] as const) {
    const res = await get(base, `/v1/cash-outs?${query}`);
    expect({ query, status: res.status, field: res.body.errors?.[0]?.field }).toEqual({ query, status: 400, field });
  }
});

test('a cursor pages through its own list only: another kind or status filter refuses it', async () => {
  const base = await serve(env.client);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${cursor}` : '';
    const page = await get(base, `/v1/cash-ins?limit=2${query}`);
    expect(page.status).toBe(200);
    seen.push(...page.body.items.map((item: { externalReference: string }) => item.externalReference));
    cursor = page.body.nextCursor;
  } while (cursor);
  expect(seen.sort()).toEqual(['cash_in-0', 'cash_in-1', 'cash_in-2']);

  const unfiltered = (await get(base, '/v1/cash-ins?limit=1')).body.nextCursor as string;
  const filtered = (await get(base, '/v1/cash-ins?limit=1&status=AWAITING_PAYMENT')).body.nextCursor as string;
  expect((await get(base, `/v1/cash-ins?limit=1&status=AWAITING_PAYMENT&cursor=${filtered}`)).status).toBe(200);
  for (const path of [
    `/v1/cash-outs?limit=1&cursor=${unfiltered}`,
    `/v1/cash-ins?limit=1&cursor=${filtered}`,
    `/v1/cash-ins?limit=1&status=PAID&cursor=${filtered}`,
  ]) {
    const res = await get(base, path);
    expect({ path, status: res.status, errors: res.body.errors }).toEqual({
      path,
      status: 400,
      errors: [{ field: 'cursor', message: expect.stringContaining('another list') }],
    });
  }
});
