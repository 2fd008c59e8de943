import type { Server } from 'node:http';
import { once } from 'node:events';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import { createApp } from '../../api/app.js';
import { PROBLEM_CODES } from '../../api/openapi/problem-codes.js';
import { expressPath } from '../../api/openapi/route-doc.js';
import { loadConfig } from '../../config/env.js';
import { expressRoutes, routeFor } from '../support/express-routes.js';

// The app is built for real; its Temporal connection is lazy and never used by these tests.
const config = loadConfig({ NODE_ENV: 'test', API_KEYS: 'test:' + '0'.repeat(64) + ':*' });
const connection = Connection.lazy({ address: '127.0.0.1:1' });
const app = createApp({ config, temporal: new Client({ connection }), logger: pino({ level: 'silent' }) });
let server: Server;
let base: string;
let document: any;

beforeAll(async () => {
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  document = await (await fetch(`${base}/openapi.json`)).json();
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await connection.close();
});

const operations = () =>
  Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );

test('the served document is valid OpenAPI 3.1', async () => {
  expect(document.openapi).toBe('3.1.0');
  const result = await new Validator().validate(structuredClone(document));
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
});

test('every Express route of the app has its documentation', () => {
  const documented = new Set(
    operations().map(({ path, method }) => routeFor(app, method, expressPath(path).replace(/:[^/]+/g, 'sample'))),
  );
  const undocumented = expressRoutes(app)
    .filter((entry) => !documented.has(entry.route))
    .map((entry) => entry.description);
  expect(undocumented).toEqual([]);
});

test('every documented operation is served by a route', () => {
  const unserved = operations()
    .filter(({ path, method }) => !routeFor(app, method, expressPath(path).replace(/:[^/]+/g, 'sample')))
    .map(({ path, method }) => `${method.toUpperCase()} ${path}`);
  expect(unserved).toEqual([]);
});

test('every error response is problem+json listing its codes, each with an example', () => {
  for (const { path, method, operation } of operations()) {
    for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
      // The HTTP server's own body-less refusals (below) are the one exception.
      if (Number(status) < 400 || status === '4XX') continue;
      const media = response.content?.['application/problem+json'];
      expect({ where: `${method} ${path} ${status}`, hasProblem: media !== undefined }).toEqual({
        where: `${method} ${path} ${status}`,
        hasProblem: true,
      });
      for (const [code, example] of Object.entries(media.examples as Record<string, any>)) {
        expect(PROBLEM_CODES[code as keyof typeof PROBLEM_CODES].status).toBe(Number(status));
        expect(example.value.status).toBe(Number(status));
      }
    }
  }
});

test('every operation has a 4xx; one that has none of its own documents the HTTP server’s refusals, which happen', async () => {
  for (const { path, method, operation } of operations()) {
    const statuses = Object.keys(operation.responses);
    const own = statuses.filter((status) => /^4\d\d$/.test(status));
    expect({ where: `${method} ${path}`, has4xx: own.length > 0 || statuses.includes('4XX') }).toEqual({
      where: `${method} ${path}`,
      has4xx: true,
    });
    if (own.length > 0) expect(statuses).not.toContain('4XX');
  }
  expect(document.paths['/healthz'].get.responses['4XX'].description).toMatch(/headers over 16 KiB \(431\)/);
  const refused = await fetch(`${base}/healthz`, { headers: { 'x-padding': 'x'.repeat(20 * 1024) } });
  expect({ status: refused.status, body: await refused.text() }).toEqual({ status: 431, body: '' });
});

test('every query parameter is typed, numbers and booleans as what they mean', () => {
  const query = operations().flatMap(({ path, operation }) =>
    (operation.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => ({ path, ...p })),
  );
  for (const parameter of query) expect(parameter.schema.type ?? parameter.schema.anyOf).toBeDefined();
  expect(query.find((p) => p.path === '/v1/cash-ins' && p.name === 'limit').schema).toEqual({
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 20,
  });
});

test('service routes require a bearer API key or OIDC token; the webhook requires its signature', () => {
  const byPath = Object.fromEntries(operations().map((o) => [`${o.method} ${o.path}`, o.operation]));
  expect(byPath['post /v1/cash-ins'].security).toEqual([{ apiKey: [] }, { oidc: [] }]);
  expect(byPath['post /v1/cash-ins'].responses['401'].content['application/problem+json'].examples).toHaveProperty(
    'UNAUTHENTICATED',
  );
  expect(byPath['post /webhooks/connectpsp'].security).toEqual([{ connectPspSignature: [] }]);
  expect(byPath['get /healthz'].security).toEqual([]);
  expect(document.components.securitySchemes.oidc).toMatchObject({
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
});

test('request schemas come from the validating zod schemas, with examples', () => {
  const create = document.paths['/v1/cash-ins'].post.requestBody.content['application/json'];
  expect(create.schema.required).toEqual(expect.arrayContaining(['externalReference', 'amount', 'payer']));
  expect(create.schema.additionalProperties).toBe(false);
  expect(create.schema.properties.externalReference.pattern).toBe('^[A-Za-z0-9._:-]{1,64}$');
  expect(create.examples.qrCode.value.amount).toBe('25.90');
  const list = document.paths['/v1/cash-ins'].get.parameters.map((p: any) => p.name);
  expect(list).toEqual(['status', 'limit', 'cursor']);
});

test('/docs is an HTML page whose assets are served from node_modules, not a CDN', async () => {
  const page = await fetch(`${base}/docs`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).not.toMatch(/https?:\/\//);
  for (const asset of ['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css', '/docs/init.js']) {
    expect(html).toContain(asset);
    const res = await fetch(base + asset);
    expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
  }
});
