import { createPixAgentClient } from '../../clients/typescript/index.js';
import { runDemo } from '../../scripts/demo.js';
import { TEST_API_KEY } from '../support/credentials.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

test('the demo creates, shows the QR code, pays, settles and refunds a cash-in, with Temporal UI links', async () => {
  const output: string[] = [];
  const result = await runDemo({
    apiUrl: stack.apiUrl,
    sandboxUrl: stack.sandboxUrl,
    temporalUiUrl: 'http://127.0.0.1:8233',
    namespace: stack.config.TEMPORAL_NAMESPACE,
    apiKey: TEST_API_KEY,
    out: (line) => output.push(line),
  });
  const text = output.join('\n');
  expect(result.statuses).toEqual(expect.arrayContaining(['AWAITING_PAYMENT', 'SETTLED', 'REFUNDED']));
  expect(result.statuses.at(-1)).toBe('REFUNDED');
  for (const n of [1, 2, 3, 4, 5]) expect(text).toContain(`[${n}/5]`);
  // The terminal QR code is drawn with block characters.
  expect(text).toMatch(/[█▀▄]{10}/);
  expect(result.workflowLinks[0]).toBe(
    `http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(`cash-in:${result.externalReference}`)}`,
  );
  for (const link of result.workflowLinks) expect(text).toContain(link);
  const final = await stack.api('GET', `/v1/cash-ins/${result.externalReference}`);
  expect(final.body.payments[0].disposition).toBe('REFUNDED');
});

test('a service lists cash-ins with the typed client and a numeric limit', async () => {
  const client = createPixAgentClient({ baseUrl: stack.apiUrl, apiKey: TEST_API_KEY });
  const created = await stack.api('POST', '/v1/cash-ins', {
    externalReference: `typed-list-${Date.now().toString(36)}`,
    amount: '1.00',
    payer: { name: 'Maria Silva', document: '529.982.247-25' },
  });
  expect(created.status).toBe(201);
  const { data, error, response } = await client.GET('/v1/cash-ins', { params: { query: { limit: 1 } } });
  expect({ status: response.status, error }).toEqual({ status: 200, error: undefined });
  expect(data?.items).toHaveLength(1);
  expect(new URL(response.url).search).toBe('?limit=1');
});
