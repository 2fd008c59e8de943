import fc from 'fast-check';
import { CASH_IN_STATUSES } from '../../api/schemas/cash-in.js';
import { CASH_OUT_STATUSES } from '../../api/schemas/cash-out.js';
import { webhookSignature } from '../../connectpsp/signing.js';
import { TEST_API_KEY } from '../support/credentials.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * Property-based bad input: for every /v1 route and the webhook endpoint, at least 1,000 malformed or hostile
 * requests (wrong types, huge values, deep nesting, unicode tricks, wrong signatures, truncated bodies). Every
 * answer is a 4xx problem+json, the server keeps answering, and neither ConnectPSP's ledger nor Temporal changes.
 * Seeded, so a failure reproduces; set HOSTILE_SEED to explore other inputs.
 */

const RUNS = 1_000;
const SEED = Number(process.env.HOSTILE_SEED ?? 20261127);

let stack: Stack;
let existingReference: string;
let before: Snapshot;

interface HostileRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

interface Snapshot {
  transactions: string;
  webhooks: number;
  workflows: number;
}

beforeAll(async () => {
  stack = await startStack({ RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000' });
  // One real cash-in, so settle and refund also meet an existing lifecycle (and must leave it alone).
  existingReference = 'hostile-existing-1';
  const created = await stack.api('POST', '/v1/cash-ins', {
    externalReference: existingReference,
    amount: '10.00',
    payer: { name: 'Maria Silva', document: '529.982.247-25' },
  });
  expect(created.status).toBe(201);
  before = await snapshot();
});

afterAll(async () => {
  await stack?.stop();
});

async function snapshot(): Promise<Snapshot> {
  const transactions = await stack.sandbox('GET', '/_sandbox/transactions');
  const webhooks = await stack.sandbox('GET', '/_sandbox/webhooks');
  const workflows = await stack.env.client.workflow.count();
  return {
    transactions: JSON.stringify(transactions.body),
    webhooks: (webhooks.body as { deliveries: unknown[] }).deliveries.length,
    workflows: workflows.count,
  };
}

async function send(request: HostileRequest): Promise<{ status: number; contentType: string; body: string }> {
  const res = await fetch(stack.apiUrl + request.path, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** Sends every generated request and checks the answer is a 4xx problem with the documented fields. */
async function assertAllRefused(arbitrary: fc.Arbitrary<HostileRequest>, seed: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (request) => {
      const res = await send(request);
      const where = `${request.method} ${request.path.slice(0, 120)} → ${res.status} ${res.body.slice(0, 300)}`;
      if (res.status < 400 || res.status >= 500) throw new Error(`not a 4xx: ${where}`);
      if (!res.contentType.startsWith('application/problem+json')) throw new Error(`not problem+json: ${where}`);
      const problem = JSON.parse(res.body) as Record<string, unknown>;
      for (const field of ['type', 'title', 'status', 'code']) {
        if (!(field in problem)) throw new Error(`problem without ${field}: ${where}`);
      }
      if (problem.status !== res.status) throw new Error(`problem status differs: ${where}`);
    }),
    {
      numRuns: RUNS,
      seed,
      endOnFailure: true,
      // The default report prints the whole counterexample, which can be 60 kB of padding.
      asyncReporter: async (details) => {
        if (!details.failed) return;
        const cause =
          details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        throw new Error(`seed ${details.seed}, path ${details.counterexamplePath}: ${cause.slice(0, 600)}`);
      },
    },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile building blocks

const unicodeTricks = fc.constantFrom(
  '\u0000',
  '\u202e', // right-to-left override
  '\u200b', // zero-width space
  '\ufeff', // BOM
  '\ud800', // lone surrogate
  '\udfff',
  'e\u0301', // combining accent
  '\uff21', // fullwidth A
  '𝔸',
  '😀',
  '../../etc/passwd',
  '%00',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
);

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  unicodeTricks,
  fc.array(unicodeTricks, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('')),
  fc.nat({ max: 40_000 }).map((n) => 'A'.repeat(n)),
);

const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(-1, 0, -0, 0.001, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 12.345, 1e-7),
);

/** A JSON value of any shape, with hostile leaves. */
const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Raw bodies that are not the JSON they claim to be. */
const brokenJsonText = fc.oneof(
  fc.nat({ max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.nat({ max: 20_000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  fc.nat({ max: 20_000 }).map((depth) => '['.repeat(depth)),
  fc.constantFrom('', '{', '{"a":', 'nul', 'NaN', 'Infinity', '{"a":1,}', "{'a':1}", '\ufeff{}', '{"a":"\\x00"}'),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.nat({ max: 60_000 }).map((n) => JSON.stringify({ pad: 'x'.repeat(n) })),
);

const hostileContentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/problem+json',
  '*/*',
  '',
);

const auth = { authorization: `Bearer ${TEST_API_KEY}` };

/** Authorization headers that must all be refused (printable ASCII: fetch refuses anything else). */
const badAuthorization = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    `Bearer ${TEST_API_KEY}x`,
    `Bearer ${TEST_API_KEY.slice(0, -1)}`,
    `Basic ${Buffer.from('a:b').toString('base64')}`,
    `bearer  ${TEST_API_KEY} extra`,
    'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    'Bearer eyJhbGciOiJIUzI1NiJ9.e30.' + 'A'.repeat(43),
  ),
  fc
    .string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 4000 })
    .map((s) => `Bearer ${s}`),
);

/** A request whose credentials are bad, whatever else it carries: always 401. */
function withBadAuthorization(method: string, path: fc.Arbitrary<string>): fc.Arbitrary<HostileRequest> {
  return fc
    .record({ path, authorization: badAuthorization, value: hostileValue })
    .map(({ path, authorization, value }) => ({
      method,
      path,
      headers: { ...(authorization === undefined ? {} : { authorization }), 'content-type': 'application/json' },
      body: method === 'GET' ? undefined : JSON.stringify(value),
    }));
}

/** A JSON body (or what claims to be one) sent with good credentials. */
function withBody(
  method: string,
  path: fc.Arbitrary<string>,
  body: fc.Arbitrary<string>,
): fc.Arbitrary<HostileRequest> {
  return fc
    .record({
      path,
      body,
      contentType: fc.oneof({ weight: 4, arbitrary: fc.constant('application/json') }, hostileContentType),
    })
    .map(({ path, body, contentType }) => ({
      method,
      path,
      headers: { ...auth, ...(contentType ? { 'content-type': contentType } : {}) },
      body,
    }));
}

/** Drops a suffix of a JSON text, so it no longer parses or loses its end. */
const truncated = (text: fc.Arbitrary<string>) =>
  text.chain((t) => fc.nat({ max: Math.max(0, t.length - 1) }).map((n) => t.slice(0, n)));

/** Sets `path` in a copy of `base` (creating objects along the way). */
function setIn(base: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
  return copy;
}

function deleteIn(base: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  const copy = structuredClone(base);
  let node: Record<string, unknown> | undefined = copy;
  for (const key of path.slice(0, -1)) node = node?.[key] as Record<string, unknown> | undefined;
  if (node) delete node[path[path.length - 1]!];
  return copy;
}

/**
 * Bodies close to a valid one, but each carries at least one change that no valid body has: a required field of
 * the wrong type or missing, an invalid value from `invalid`, or a key the strict schema does not know.
 */
function nearValid(
  valid: Record<string, unknown>,
  required: readonly (readonly string[])[],
  invalid: readonly [readonly string[], fc.Arbitrary<unknown>][],
): fc.Arbitrary<string> {
  const known = new Set(Object.keys(valid));
  const breakers: fc.Arbitrary<(b: Record<string, unknown>) => Record<string, unknown>>[] = [
    fc.constantFrom(...required).map((path) => (b: Record<string, unknown>) => deleteIn(b, path)),
    fc
      .tuple(
        fc.constantFrom(...required),
        fc.oneof(fc.constant(null), fc.boolean(), fc.array(hostileValue), fc.dictionary(fc.string(), hostileValue)),
      )
      .map(
        ([path, value]) =>
          (b: Record<string, unknown>) =>
            setIn(b, path, value),
      ),
    fc
      .tuple(
        hostileString.filter((k) => !known.has(k)),
        hostileValue,
      )
      .map(([key, value]) => (b: Record<string, unknown>) => ({ ...b, [key]: value })),
    fc.constant((b: Record<string, unknown>) =>
      JSON.parse(`{"__proto__":{"admin":true},${JSON.stringify(b).slice(1)}`),
    ),
    ...invalid.map(([path, value]) => value.map((v) => (b: Record<string, unknown>) => setIn(b, path, v))),
  ];
  return fc.array(fc.oneof(...breakers), { minLength: 1, maxLength: 3 }).map((changes) => {
    const body = changes.reduce((b, change) => change(b), valid);
    return JSON.stringify(body);
  });
}

/** Percent-encodes UTF-16 code units one by one, so lone surrogates go out as their (invalid) UTF-8 bytes. */
const encodePathSegment = (text: string): string =>
  Array.from(text, (ch) => {
    try {
      return encodeURIComponent(ch);
    } catch {
      return Array.from(Buffer.from(ch, 'utf8'), (b) => '%' + b.toString(16).padStart(2, '0')).join('');
    }
  }).join('');

/** Kept under Node's 16 kB header limit, which answers 431 before any of our code runs. */
const hostileReference = fc.oneof(
  hostileString
    .filter((s) => s.length > 0 && s.length < 2_000 && !/^[A-Za-z0-9._:-]{1,64}$/.test(s))
    .map(encodePathSegment),
  fc.constantFrom('%', '%E0%A4%A', '%ZZ', '..%2F..%2Fadmin', '%C0%AE%C0%AE', 'a%00b', '%F0%9F%98'),
  fc.nat({ max: 3000 }).map((n) => 'r'.repeat(65 + n)),
);
/** Well-formed references no lifecycle has: they reach Temporal and must come back 404. */
const unknownReference = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/).map((s) => `nx-${s}`.slice(0, 64));
const anyReference = fc.oneof(hostileReference, unknownReference);

const invalidAmount = fc.oneof(
  fc.constantFrom(0, -1, 0.001, 1e308, -0, '1.234', '1e3', ' 10', '10,00', '', 'NaN', '0.00', '-5', '99999999999999'),
  hostileString,
  fc.double({ noNaN: true }).filter((d) => d <= 0 || !Number.isFinite(d) || Math.round(d * 100) / 100 !== d),
);
const invalidReference = hostileString.filter((s) => !/^[A-Za-z0-9._:-]{1,64}$/.test(s));

const validCashIn = {
  externalReference: 'hostile-ref',
  amount: '10.00',
  payer: { name: 'Maria Silva', document: '529.982.247-25' },
};
const cashInBodies = fc.oneof(
  {
    weight: 5,
    arbitrary: nearValid(
      validCashIn,
      [['externalReference'], ['amount'], ['payer'], ['payer', 'name'], ['payer', 'document']],
      [
        [['externalReference'], invalidReference],
        [['amount'], invalidAmount],
        [['expirationInMinutes'], fc.oneof(fc.constantFrom(0, -1, 1.5, 43201, '10', 1e308), hostileString)],
        [
          ['payer', 'document'],
          fc.oneof(hostileString, fc.constantFrom('000.000.000-00', '12345678900', '1'.repeat(14))),
        ],
        [['payer', 'name'], fc.constantFrom('', '   ', '\u0000', '\u202eevil', 'x'.repeat(141))],
        [['settlement', 'mode'], hostileString.filter((s) => s !== 'auto' && s !== 'manual')],
        [
          ['callbackUrl'],
          fc.constantFrom('javascript:alert(1)', 'ftp://x', 'file:///etc/passwd', 'http://', 'x'.repeat(3000)),
        ],
        [
          ['metadata'],
          fc.oneof(
            fc.constant([]),
            fc.dictionary(fc.constant('bad key!'), fc.string()),
            fc.constant(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']))),
          ),
        ],
      ],
    ),
  },
  { weight: 1, arbitrary: hostileValue.map((v) => JSON.stringify(v)).filter((t) => t !== undefined) },
  { weight: 1, arbitrary: brokenJsonText },
  { weight: 1, arbitrary: truncated(fc.constant(JSON.stringify(validCashIn))) },
);

const validCashOut = {
  externalReference: 'hostile-out',
  amount: '1.00',
  payee: {
    name: 'Joao Souza',
    document: '529.982.247-25',
    destination: { type: 'PIX', pixKeyType: 'EMAIL', pixKey: 'joao@example.com' },
  },
};
const cashOutBodies = fc.oneof(
  {
    weight: 5,
    arbitrary: nearValid(
      validCashOut,
      [
        ['externalReference'],
        ['amount'],
        ['payee'],
        ['payee', 'name'],
        ['payee', 'document'],
        ['payee', 'destination'],
        ['payee', 'destination', 'type'],
      ],
      [
        [['externalReference'], invalidReference],
        [['amount'], invalidAmount],
        [['payee', 'destination', 'type'], hostileString.filter((s) => s !== 'PIX' && s !== 'BANK_ACCOUNT')],
        [['payee', 'destination', 'pixKeyType'], hostileString],
        [['payee', 'destination', 'pixKey'], fc.constantFrom('', 'not-an-email', 'x'.repeat(101), '\u202e@x.com')],
        [['payee', 'destination', 'bankAccount'], hostileValue],
        [['description'], fc.constantFrom('\u0000', 'x'.repeat(141), '\u202e')],
      ],
    ),
  },
  { weight: 1, arbitrary: hostileValue.map((v) => JSON.stringify(v)).filter((t) => t !== undefined) },
  { weight: 1, arbitrary: brokenJsonText },
  { weight: 1, arbitrary: truncated(fc.constant(JSON.stringify(validCashOut))) },
);

const validRefund = { reason: 'CUSTOMER_REQUEST', description: 'x' };
const refundBodies = fc.oneof(
  nearValid(
    validRefund,
    [['reason']],
    [
      [['reason'], hostileString],
      [['description'], fc.oneof(fc.constant('x'.repeat(501)), hostileNumber, fc.array(hostileValue))],
    ],
  ),
  brokenJsonText,
  hostileValue.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => JSON.stringify(v)),
);

const rebalanceBodies = fc.oneof(
  nearValid(
    { targetAmount: '10.00', requestId: 'hostile-rebalance' },
    [['targetAmount'], ['requestId']],
    [
      [['targetAmount'], invalidAmount.filter((a) => a !== 0 && a !== '0.00')],
      [['requestId'], invalidReference],
    ],
  ),
  brokenJsonText,
  truncated(fc.constant(JSON.stringify({ targetAmount: '10.00', requestId: 'hostile-rebalance' }))),
);

/** Query strings the list routes must refuse: each has at least one value outside the schema. */
function listQueries(statuses: readonly string[]): fc.Arbitrary<string> {
  const badStatus = hostileString.filter((s) => !statuses.includes(s));
  const badLimit = fc.oneof(
    fc.constantFrom('0', '-1', '101', '1.5', 'abc', '1e400', '', ' ', '0x1000', 'Infinity'),
    fc.integer({ min: 101 }).map(String),
  );
  const param = (name: string, value: fc.Arbitrary<string>) =>
    value.filter((v) => v.length < 1_000).map((v) => `${name}=${encodePathSegment(v)}`);
  const broken = fc.oneof(
    param('status', badStatus),
    param('limit', badLimit),
    fc.nat({ max: 500 }).map((n) => `cursor=${'c'.repeat(4097 + n)}`),
    hostileString
      .filter((k) => k.length < 2_000 && !['status', 'limit', 'cursor', ''].includes(k))
      .map((k) => `${encodePathSegment(k)}=1`),
    fc.constantFrom('status=PAID&status=SETTLED', 'limit=1&limit=2', 'status[]=PAID', 'status[a]=1'),
  );
  const extra = fc.oneof(param('status', fc.constantFrom(...statuses)), param('limit', fc.constantFrom('1', '50')));
  return fc
    .tuple(fc.array(broken, { minLength: 1, maxLength: 3 }), fc.array(extra, { maxLength: 2 }))
    .chain(([b, e]) => fc.shuffledSubarray([...b, ...e], { minLength: b.length + e.length }))
    .map((parts) => '?' + parts.join('&'));
}

// ---------------------------------------------------------------------------------------------------------------

const routes: [string, () => fc.Arbitrary<HostileRequest>][] = [
  [
    'POST /v1/cash-ins',
    () =>
      fc.oneof(
        withBody('POST', fc.constant('/v1/cash-ins'), cashInBodies),
        withBadAuthorization('POST', fc.constant('/v1/cash-ins')),
      ),
  ],
  [
    'GET /v1/cash-ins',
    () =>
      fc.oneof(
        {
          weight: 4,
          arbitrary: listQueries(CASH_IN_STATUSES).map((q) => ({
            method: 'GET',
            path: `/v1/cash-ins${q}`,
            headers: auth,
          })),
        },
        withBadAuthorization('GET', fc.constant('/v1/cash-ins')),
      ),
  ],
  [
    'GET /v1/cash-ins/{externalReference}',
    () =>
      fc.oneof(
        {
          weight: 4,
          arbitrary: anyReference.map((r) => ({ method: 'GET', path: `/v1/cash-ins/${r}`, headers: auth })),
        },
        withBadAuthorization('GET', fc.constant(`/v1/cash-ins/${'hostile-existing-1'}`)),
      ),
  ],
  [
    'POST /v1/cash-ins/{externalReference}/settle',
    () =>
      fc.oneof(
        {
          weight: 3,
          arbitrary: withBody(
            'POST',
            anyReference.map((r) => `/v1/cash-ins/${r}/settle`),
            hostileValue.map((v) => JSON.stringify(v ?? null)),
          ),
        },
        // The existing cash-in is auto-settled and unpaid: settling it is a conflict, whatever the body.
        withBody(
          'POST',
          fc.constant('/v1/cash-ins/hostile-existing-1/settle'),
          fc.oneof(
            brokenJsonText,
            hostileValue.map((v) => JSON.stringify(v ?? null)),
          ),
        ),
        withBadAuthorization('POST', fc.constant('/v1/cash-ins/hostile-existing-1/settle')),
      ),
  ],
  [
    'POST /v1/cash-ins/{externalReference}/refund',
    () =>
      fc.oneof(
        { weight: 3, arbitrary: withBody('POST', fc.constant('/v1/cash-ins/hostile-existing-1/refund'), refundBodies) },
        withBody(
          'POST',
          anyReference.map((r) => `/v1/cash-ins/${r}/refund`),
          refundBodies,
        ),
        withBadAuthorization('POST', fc.constant('/v1/cash-ins/hostile-existing-1/refund')),
      ),
  ],
  [
    'POST /v1/cash-outs',
    () =>
      fc.oneof(
        withBody('POST', fc.constant('/v1/cash-outs'), cashOutBodies),
        withBadAuthorization('POST', fc.constant('/v1/cash-outs')),
      ),
  ],
  [
    'GET /v1/cash-outs',
    () =>
      fc.oneof(
        {
          weight: 4,
          arbitrary: listQueries(CASH_OUT_STATUSES).map((q) => ({
            method: 'GET',
            path: `/v1/cash-outs${q}`,
            headers: auth,
          })),
        },
        withBadAuthorization('GET', fc.constant('/v1/cash-outs')),
      ),
  ],
  [
    'GET /v1/cash-outs/{externalReference}',
    () =>
      fc.oneof(
        {
          weight: 4,
          arbitrary: anyReference.map((r) => ({ method: 'GET', path: `/v1/cash-outs/${r}`, headers: auth })),
        },
        withBadAuthorization('GET', fc.constant('/v1/cash-outs/x')),
      ),
  ],
  ['GET /v1/wallet/balance', () => withBadAuthorization('GET', fc.constant('/v1/wallet/balance'))],
  [
    'POST /v1/wallet/rebalance',
    () =>
      fc.oneof(
        { weight: 3, arbitrary: withBody('POST', fc.constant('/v1/wallet/rebalance'), rebalanceBodies) },
        withBadAuthorization('POST', fc.constant('/v1/wallet/rebalance')),
      ),
  ],
  [
    'unknown /v1 routes and methods',
    () =>
      fc.oneof(
        fc
          .tuple(
            fc.constantFrom('PUT', 'PATCH', 'DELETE'),
            fc.constantFrom('/v1/cash-ins', '/v1/cash-outs', '/v1/cash-ins/hostile-existing-1', '/v1/wallet/balance'),
          )
          .map(([method, path]) => ({
            method,
            path,
            headers: { ...auth, 'content-type': 'application/json' },
            body: '{}',
          })),
        hostileReference.map((r) => ({ method: 'GET', path: `/v1/${r}`, headers: auth })),
      ),
  ],
];

/** A CASHIN_PAID event for the existing cash-in's shape, as ConnectPSP would send it. */
const sampleEvent = {
  eventType: 'CASHIN_PAID',
  eventAt: '2026-11-27T10:00:00.000Z',
  data: { externalReference: 'hostile-existing-1', transactionId: 'tx-1', status: 'PAID' },
};
const KNOWN_EVENTS = ['CASHIN_PAID', 'CASHIN_REFUNDED', 'CASHOUT_COMPLETED', 'CASHOUT_FAILED', 'CASHOUT_REFUNDED'];

/** Bodies that a correct signature must not make acceptable: no envelope, or a known event without its data. */
const unacceptableEvent = fc.oneof(
  brokenJsonText,
  hostileValue.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => JSON.stringify(v)),
  nearValid(
    sampleEvent,
    [['eventType'], ['eventAt'], ['data']],
    [[['eventAt'], hostileValue.filter((v) => typeof v !== 'string')]],
  ).filter((text) => {
    const parsed = JSON.parse(text) as { eventType?: unknown };
    return (
      typeof parsed.eventType !== 'string' ||
      parsed.eventType === '' ||
      KNOWN_EVENTS.includes(parsed.eventType) ||
      !('eventAt' in parsed)
    );
  }),
  fc
    .tuple(
      fc.constantFrom(...KNOWN_EVENTS),
      hostileValue.filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v)),
    )
    .map(([eventType, data]) => JSON.stringify({ eventType, eventAt: sampleEvent.eventAt, data })),
);

function webhookRequests(cryptoToken: string): fc.Arbitrary<HostileRequest> {
  const valid = JSON.stringify(sampleEvent);
  const headers = (signature: string | undefined) => ({
    'content-type': 'application/json',
    'x-event-id': 'hostile',
    ...(signature === undefined ? {} : { 'x-connect-signature': signature }),
  });
  return fc.oneof(
    // Wrong signatures on a well-formed event.
    fc
      .oneof(
        fc.constant(undefined),
        fc.constant(''),
        fc.constant(webhookSignature(valid, cryptoToken).toUpperCase()),
        fc.constant(webhookSignature(valid, 'not-the-crypto-token')),
        fc.constant(webhookSignature(valid + ' ', cryptoToken)),
        fc.stringMatching(/^[0-9a-f]{64}$/),
        fc.string({ maxLength: 200, unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }),
      )
      .map((signature) => ({ method: 'POST', path: '/webhooks/connectpsp', headers: headers(signature), body: valid })),
    // Signed, then truncated or altered in transit.
    fc.tuple(fc.nat({ max: valid.length - 1 }), fc.boolean()).map(([cut, flip]) => ({
      method: 'POST',
      path: '/webhooks/connectpsp',
      headers: headers(webhookSignature(valid, cryptoToken)),
      body: flip ? valid.replace('PAID', 'PAID ') : valid.slice(0, cut),
    })),
    // Hostile bodies, wrongly signed: refused before being read.
    fc
      .tuple(
        fc.oneof(
          brokenJsonText,
          hostileValue.map((v) => JSON.stringify(v ?? null)),
        ),
        fc.stringMatching(/^[0-9a-f]{64}$/),
      )
      .map(([body, signature]) => ({
        method: 'POST',
        path: '/webhooks/connectpsp',
        headers: headers(signature),
        body,
      })),
    // Hostile bodies, correctly signed: read, and refused as no event we accept.
    {
      weight: 2,
      arbitrary: unacceptableEvent.map((body) => ({
        method: 'POST',
        path: '/webhooks/connectpsp',
        headers: headers(webhookSignature(body, cryptoToken)),
        body,
      })),
    },
  );
}

describe('hostile input', () => {
  test.each(routes.map(([name, arbitrary], index) => [name, arbitrary, index] as const))(
    '%s answers 1,000 malformed or hostile requests with a 4xx problem',
    async (_name, arbitrary, index) => {
      await assertAllRefused(arbitrary(), SEED + index);
    },
  );

  test('POST /webhooks/connectpsp answers 1,000 wrongly signed, truncated or malformed events with a 4xx problem', async () => {
    await assertAllRefused(webhookRequests(stack.config.CONNECTPSP_CRYPTO_TOKEN), SEED + 100);
  });

  test('after all of it the server still answers, and neither ConnectPSP nor Temporal changed', async () => {
    const health = await fetch(`${stack.apiUrl}/healthz`);
    expect(health.status).toBe(200);
    const existing = await stack.api('GET', '/v1/cash-ins/hostile-existing-1');
    expect(existing.status).toBe(200);
    expect(existing.body.status).toBe('AWAITING_PAYMENT');
    expect(await snapshot()).toEqual(before);
  });
});
