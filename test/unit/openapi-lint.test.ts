import { z } from 'zod';
import { allRouteDocs } from '../../api/openapi/catalog.js';
import { buildOpenApiDocument, type OpenApiInfo } from '../../api/openapi/document.js';
import type { RouteDoc } from '../../api/openapi/route-doc.js';
import { API_TAGS } from '../../api/openapi/tags.js';
import { loadConfig } from '../../config/env.js';
import { lintOpenApiDocument } from '../../scripts/openapi-lint.js';
import { defaultServedOpenApiDocument } from '../../scripts/served-openapi.js';

const rules = (problems: { ruleId: string }[]) => problems.map((p) => p.ruleId).sort();

test('Redocly’s recommended ruleset finds no error and no warning in the served document', () => {
  expect(lintOpenApiDocument(defaultServedOpenApiDocument())).toEqual([]);
});

test('a warning is a failure: a document without its license or a tag description is reported', () => {
  const document = defaultServedOpenApiDocument();
  delete (document.info as { license?: unknown }).license;
  (document.tags as { description?: string }[])[0]!.description = undefined;
  expect(rules(lintOpenApiDocument(JSON.parse(JSON.stringify(document))))).toEqual(['info-license', 'tag-description']);
});

test('a route documented later, however little it can refuse, gets a 4xx and its tag’s description', () => {
  const route: RouteDoc = {
    method: 'get',
    path: '/later-sample',
    operationId: 'laterSample',
    summary: 'A public route that answers only 200',
    tags: ['Events'],
    security: 'public',
    responses: { 200: { description: 'OK', schema: z.object({ ok: z.boolean() }) } },
  };
  const { info, servers } = defaultServedOpenApiDocument() as unknown as { info: OpenApiInfo; servers: [] };
  const document = buildOpenApiDocument({ ...info, servers }, [...allRouteDocs(loadConfig({})), route]);
  const operation = document.paths['/later-sample']!.get as { responses: object };
  expect(Object.keys(operation.responses)).toEqual(['200', '500', '4XX']);
  expect(document.tags).toContainEqual({ name: 'Events', description: API_TAGS.Events });
  expect(lintOpenApiDocument(document)).toEqual([]);
});
