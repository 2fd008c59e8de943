import { temporal } from '@temporalio/proto';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA_KEY } from '../../codec/aes-gcm-codec.js';
import { apiKeyEntryLine } from '../../api/auth/api-keys.js';
import { TEST_API_KEYS_ENTRY } from '../support/credentials.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
const READER_KEY = 'pixk_test-cash-ins-reader-0123456789abcdefghijklmnop';
const WALLET_KEY = 'pixk_test-wallet-only-0123456789abcdefghijklmnopqrs';

beforeAll(async () => {
  stack = await startStack({
    API_KEYS: [
      TEST_API_KEYS_ENTRY,
      apiKeyEntryLine('reader', READER_KEY, ['cash-ins:read']),
      apiKeyEntryLine('nothing', WALLET_KEY, ['payloads:encode']),
    ].join(';'),
    CODEC_ANONYMOUS_REDACTED: 'true',
  });
});
afterAll(async () => {
  await stack?.stop();
});

const payer = { name: 'Joana Encrypted Pereira', document: '390.533.447-05' };
const documentDigits = payer.document.replace(/\D/g, '');

/** The history exactly as Temporal stores and serves it, to the UI, the CLI and anyone with database access. */
async function rawHistory(workflowId: string) {
  const response = await stack.env.connection.workflowService.getWorkflowExecutionHistory({
    namespace: stack.config.TEMPORAL_NAMESPACE,
    execution: { workflowId },
  });
  const bytes = Buffer.from(
    temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse.encode(response).finish(),
  );
  return { events: response.history?.events ?? [], bytes };
}

async function settledCashIn(): Promise<string> {
  const externalReference = `enc-${Date.now().toString(36)}`;
  const created = await stack.api('POST', '/v1/cash-ins', { externalReference, amount: '12.34', payer });
  expect(created.status).toBe(201);
  await stack.sandbox('POST', `/_sandbox/cash-in/${created.body.connectPsp.transactionId}/pay`);
  await stack.waitFor(`/v1/cash-ins/${externalReference}`, (b) => b.status === 'SETTLED');
  return `cash-in:${externalReference}`;
}

const toJson = (p: temporal.api.common.v1.IPayload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

test("a settled cash-in's history in Temporal holds no payer name or document in clear text", async () => {
  const workflowId = await settledCashIn();
  const { events, bytes } = await rawHistory(workflowId);
  expect(bytes.includes(payer.name)).toBe(false);
  expect(bytes.includes('Joana')).toBe(false);
  expect(bytes.includes(documentDigits)).toBe(false);
  expect(bytes.includes(payer.document)).toBe(false);

  const input = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  expect(Buffer.from(input?.metadata?.encoding ?? []).toString()).toBe(ENCRYPTED_ENCODING);
  expect(Buffer.from(input?.metadata?.[KEY_ID_METADATA_KEY] ?? []).toString()).toBe('test-2026');
  // The API still answers in clear to its caller: encryption is between us and Temporal only.
  const view = await stack.api('GET', `/v1/cash-ins/${workflowId.slice('cash-in:'.length)}`);
  expect(view.status).toBe(200);
});

test('the codec endpoint decrypts history payloads for an authorised caller only', async () => {
  const workflowId = await settledCashIn();
  const { events } = await rawHistory(workflowId);
  const input = events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads!.map(toJson);

  // No token and no Web UI origin: refused even with the embedded UI's anonymous mode on.
  const anonymous = await stack.api('POST', '/codec/decode', { payloads: input }, { token: null });
  expect(anonymous.status).toBe(401);
  expect(JSON.stringify(anonymous.body)).not.toContain('Joana');
  const wrongKey = await stack.api('POST', '/codec/decode', { payloads: input }, { token: 'pixk_guess' });
  expect(wrongKey.status).toBe(401);

  const decoded = await stack.api(
    'POST',
    '/codec/decode',
    { payloads: input },
    { headers: { 'x-namespace': 'default' } },
  );
  expect(decoded.status).toBe(200);
  const [payload] = decoded.body.payloads;
  expect(Buffer.from(payload.metadata.encoding, 'base64').toString()).toBe('json/plain');
  const workflowInput = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
  expect(workflowInput.payer).toEqual({ name: payer.name, document: documentDigits });
});

test('encode then decode through the codec endpoint gives back the payload, as the Web UI does for signals', async () => {
  const plain = {
    metadata: { encoding: Buffer.from('json/plain').toString('base64') },
    data: Buffer.from('{"a":1}').toString('base64'),
  };
  const encoded = await stack.api('POST', '/codec/encode', { payloads: [plain] });
  expect(encoded.status).toBe(200);
  expect(Buffer.from(encoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
  const decoded = await stack.api('POST', '/codec/decode', encoded.body);
  expect(decoded.body.payloads).toEqual([plain]);
});

test('an empty proto-JSON request ({}), as the Temporal CLI sends for no payloads, decodes to no payloads', async () => {
  const res = await stack.api('POST', '/codec/decode', {});
  expect([res.status, res.body]).toEqual([200, { payloads: [] }]);
});

test('the codec endpoint answers the Web UI origin with CORS, and other origins without', async () => {
  const uiOrigin = `http://127.0.0.1:${stack.config.TEMPORAL_UI_PORT}`;
  const preflight = await fetch(`${stack.apiUrl}/codec/decode`, {
    method: 'OPTIONS',
    headers: {
      origin: uiOrigin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,x-namespace',
    },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe(uiOrigin);
  expect(preflight.headers.get('access-control-allow-headers')).toContain('X-Namespace');
  expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');

  const foreign = await fetch(`${stack.apiUrl}/codec/decode`, {
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
  });
  expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
});

/** The decoded workflow input of a settled cash-in, as `token` (or the anonymous embedded UI) receives it. */
async function decodedInput(options: { token?: string | null; headers?: Record<string, string> }) {
  const { events } = await rawHistory(await settledCashIn());
  const input = events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads!.map(toJson);
  const res = await stack.api('POST', '/codec/decode', { payloads: input }, options);
  const payload = res.body?.payloads?.[0];
  return { status: res.status, text: payload ? Buffer.from(payload.data, 'base64').toString('utf8') : '' };
}

test('a caller who may read payments but lacks payloads:decode gets the payloads with personal data masked', async () => {
  const { status, text } = await decodedInput({ token: READER_KEY });
  expect(status).toBe(200);
  const input = JSON.parse(text);
  expect(input.payer).toEqual({ name: '[REDACTED]', document: '[REDACTED]' });
  expect(input.amountCentavos).toBe(1234);
  expect(input.externalReference).toMatch(/^enc-/);
  expect(text).not.toContain('Joana');
  expect(text).not.toContain(documentDigits);

  const neither = await decodedInput({ token: WALLET_KEY });
  expect(neither.status).toBe(403);
});

test('the embedded Web UI (no token, its origin, from loopback) gets the masked decode when enabled', async () => {
  const origin = `http://127.0.0.1:${stack.config.TEMPORAL_UI_PORT}`;
  const { status, text } = await decodedInput({ token: null, headers: { origin } });
  expect(status).toBe(200);
  expect(JSON.parse(text).payer.name).toBe('[REDACTED]');
  expect(text).not.toContain('Joana');
  const foreign = await decodedInput({ token: null, headers: { origin: 'https://evil.example' } });
  expect(foreign.status).toBe(401);
});
