import type { OpenApiDocument } from '../../api/openapi/document.js';
import { createPixAgentClient } from '../../clients/typescript/index.js';
import { loadConfig } from '../../config/env.js';
import { checkedInClientSchema, generateClientSchema } from '../../scripts/client-generate.js';
import { serveApi, unreachableTemporal } from '../support/api-server.js';
import { TEST_API_KEY, TEST_API_KEYS_ENTRY } from '../support/credentials.js';

// The app is built for real; Temporal is never reached: these requests stop at validation.
const config = loadConfig({ NODE_ENV: 'test', API_KEYS: TEST_API_KEYS_ENTRY });
const temporal = unreachableTemporal();
let api: Awaited<ReturnType<typeof serveApi>>;

beforeAll(async () => {
  api = await serveApi(config, temporal.client);
});
afterAll(async () => {
  api.close();
  await temporal.close();
});

test('the checked-in client types are what the served /openapi.json generates (npm run client:generate)', async () => {
  const served = (await (await fetch(`${api.url}/openapi.json`)).json()) as OpenApiDocument;
  expect(await generateClientSchema(served)).toBe(checkedInClientSchema());
});

test('the client sends its key and reads typed answers and problems', async () => {
  const client = createPixAgentClient({ baseUrl: api.url, apiKey: TEST_API_KEY });
  const health = await client.GET('/healthz');
  expect(health.data).toEqual({ status: 'ok' });

  // What the types forbid, sent anyway, is refused by the API naming the field.
  const wrong = await client.GET('/v1/cash-ins', { params: { query: { limit: 'abc' as unknown as number } } });
  expect(wrong.response.status).toBe(400);
  expect(wrong.error?.errors).toEqual([{ field: 'limit', message: 'must be an integer from 1 to 100' }]);

  const stranger = createPixAgentClient({ baseUrl: api.url, apiKey: 'pixk_not-a-key' });
  const refused = await stranger.GET('/v1/cash-ins', { params: { query: { limit: 5 } } });
  expect({ status: refused.response.status, code: refused.error?.code }).toEqual({
    status: 401,
    code: 'UNAUTHENTICATED',
  });
});
