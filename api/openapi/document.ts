import { z } from 'zod';
import { PROBLEM_CODES, type ProblemCodeName } from './problem-codes.js';
import type { ResponseDoc, RouteDoc } from './route-doc.js';
import { API_TAGS } from './tags.js';

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
  /** Base URLs the document advertises. */
  servers: { url: string; description?: string }[];
  license: { name: string; identifier?: string; url?: string };
}

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

/** Every route that touches Temporal can meet it unreachable; every route can fail unexpectedly. */
const ALWAYS: ProblemCodeName[] = ['INTERNAL_ERROR'];
const SERVICE: ProblemCodeName[] = ['UNAUTHENTICATED', 'INSUFFICIENT_SCOPE', 'RATE_LIMITED', 'TEMPORARILY_UNAVAILABLE'];
const WITH_BODY: ProblemCodeName[] = ['MALFORMED_REQUEST', 'PAYLOAD_TOO_LARGE'];

/**
 * What Node's HTTP server answers, to any route and before any of ours runs, with an empty body. An operation with
 * no 4xx of its own documents it, so every operation has one (Redocly's `operation-4xx-response`); the others leave
 * it out, so a generated client's error type stays the problem object (a body-less error would widen it to `''`).
 */
const HTTP_SERVER_REFUSAL = {
  description:
    'Refused by the HTTP server before the route runs, with no body: malformed HTTP (400), the request not ' +
    'received in time (408), headers over 16 KiB (431).',
};

const problemSchema = {
  type: 'object',
  description: 'RFC 7807 problem details; `code` is the stable machine code to branch on.',
  required: ['type', 'title', 'status', 'code', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri', description: 'A URI naming the problem type' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', description: 'Machine code, e.g. VALIDATION_ERROR' },
    detail: { type: 'string', description: 'Human explanation of this occurrence' },
    errors: {
      type: 'array',
      description: 'For VALIDATION_ERROR: every offending field',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string', examples: ['payer.document'] }, message: { type: 'string' } },
      },
    },
    currentStatus: { type: 'string', description: 'For conflicts: the payment’s current state' },
    source: { type: 'string', enum: ['connectpsp'], description: 'Set when ConnectPSP refused the operation' },
  },
  additionalProperties: true,
};

/** OpenAPI 3.1 (JSON Schema 2020-12) from route docs; schemas come from zod, never written twice. */
export function buildOpenApiDocument(info: OpenApiInfo, routes: RouteDoc[]): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    (paths[route.path] ??= {})[route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description, license: info.license },
    servers: info.servers,
    tags: tagsOf(routes),
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A service API key, sent as `Authorization: Bearer <key>`.',
        },
        oidc: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An access token (JWT) from the configured OpenID Connect issuer, as `Authorization: Bearer`.',
        },
        connectPspSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Connect-Signature',
          description: 'HMAC-SHA256 of the raw body keyed with the ConnectPSP CryptoToken.',
        },
      },
    },
  };
}

function operation(route: RouteDoc): Record<string, unknown> {
  const parameters = [
    ...parametersOf(route.params, 'path'),
    ...parametersOf(route.query, 'query'),
    ...parametersOf(route.headers, 'header'),
  ];
  const codes = new Set<ProblemCodeName>([
    ...(route.errors ?? []),
    ...ALWAYS,
    ...(route.security === 'service' ? SERVICE : []),
    ...(route.body ? WITH_BODY : []),
  ]);
  if (route.security === 'connectpsp') codes.add('INVALID_SIGNATURE');
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.responses)) responses[status] = successResponse(response);
  for (const [status, names] of groupByStatus([...codes])) responses[String(status)] = problemResponse(names);
  if (!Object.keys(responses).some((status) => status.startsWith('4'))) responses['4XX'] = HTTP_SERVER_REFUSAL;
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: route.tags,
    security:
      route.security === 'service'
        ? [{ apiKey: [] }, { oidc: [] }]
        : route.security === 'connectpsp'
          ? [{ connectPspSignature: [] }]
          : [],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              [route.body.contentType ?? 'application/json']: {
                schema: jsonSchema(route.body.schema, 'input'),
                ...(route.body.examples ? { examples: route.body.examples } : {}),
              },
            },
          },
        }
      : {}),
    responses,
  };
}

function parametersOf(schema: z.ZodObject | undefined, where: 'path' | 'query' | 'header') {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as { description?: string };
    return {
      name,
      in: where,
      required: where === 'path' || (object.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function successResponse(response: ResponseDoc): Record<string, unknown> {
  return {
    description: response.description,
    ...(response.headers ? { headers: response.headers } : {}),
    ...(response.schema
      ? {
          content: {
            [response.contentType ?? 'application/json']: {
              schema: jsonSchema(response.schema, 'output'),
              ...(response.example === undefined ? {} : { example: response.example }),
            },
          },
        }
      : {}),
  };
}

function groupByStatus(codes: ProblemCodeName[]): Map<number, ProblemCodeName[]> {
  const byStatus = new Map<number, ProblemCodeName[]>();
  for (const code of codes.sort()) {
    const status = PROBLEM_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

function problemResponse(names: ProblemCodeName[]): Record<string, unknown> {
  // ConnectPSP's own codes pass through: the code of such a response is any string, not an enum.
  const codes = names.filter((name) => name !== 'CONNECTPSP_REFUSAL');
  const codeSchema = codes.length === names.length ? { type: 'string', enum: codes } : { type: 'string' };
  const examples: Record<string, unknown> = {};
  for (const name of names) {
    const entry = PROBLEM_CODES[name];
    const code = name === 'CONNECTPSP_REFUSAL' ? 'INSUFFICIENT_BALANCE' : name;
    examples[name] = {
      summary: entry.description,
      value: {
        type: `https://pix-agent.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
        title: entry.title,
        status: entry.status,
        code,
        detail: entry.description,
        ...(name === 'VALIDATION_ERROR'
          ? { errors: [{ field: 'amount', message: 'must be a BRL amount with at most 2 decimal places' }] }
          : {}),
      },
    };
  }
  return {
    description: names.map((name) => `\`${name}\`: ${PROBLEM_CODES[name].description}`).join('\n\n'),
    content: {
      'application/problem+json': {
        schema: { allOf: [{ $ref: '#/components/schemas/Problem' }, { properties: { code: codeSchema } }] },
        examples,
      },
    },
  };
}

function tagsOf(routes: RouteDoc[]) {
  return [...new Set(routes.flatMap((r) => r.tags))].map((name) => ({ name, description: API_TAGS[name] }));
}

/** JSON Schema 2020-12 of a zod schema as a request sends it (`input`) or a response carries it (`output`). */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return rest;
}
