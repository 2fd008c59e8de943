import { Writable } from 'node:stream';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import { cashInResponseSchema } from '../../api/schemas/cash-in-response.js';
import { REDACTED_PATHS } from '../../observability/logger.js';
import { createTracing } from '../../observability/tracing.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
const lines: Record<string, any>[] = [];
const spans = new InMemorySpanExporter();

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
  const tracing = createTracing(
    { TRACING_EXPORTER: 'none', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined },
    'test',
    spans,
  );
  stack = await startStack({}, { logger, tracing });
});
afterAll(async () => {
  await stack?.stop();
});

const payer = { name: 'Maria Silva', document: '529.982.247-25' };

async function settledCashIn(reference: string) {
  const created = await stack.api('POST', '/v1/cash-ins', { externalReference: reference, amount: '10.00', payer });
  expect(created.status).toBe(201);
  await stack.sandbox('POST', `/_sandbox/cash-in/${created.body.connectPsp.transactionId}/pay`);
  await stack.waitFor(`/v1/cash-ins/${reference}`, (b) => b.status === 'SETTLED');
  return created;
}

test('the cash-in answers match the documented response schema', async () => {
  const created = await settledCashIn(`obs-schema-${Date.now()}`);
  expect(cashInResponseSchema.safeParse(created.body).error?.issues ?? []).toEqual([]);
  const settled = await stack.api('GET', `/v1/cash-ins/${created.body.externalReference}`);
  expect(cashInResponseSchema.safeParse(settled.body).error?.issues ?? []).toEqual([]);
});

test('/metrics has latency by route template and webhook outcomes, and no reference in any label', async () => {
  const reference = `obs-metrics-${Date.now()}`;
  await settledCashIn(reference);
  await stack.api('GET', '/v1/cash-ins/does-not-exist');
  const res = await fetch(`${stack.apiUrl}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(text).toMatch(
    /pix_api_http_request_duration_seconds_count\{method="POST",route="\/v1\/cash-ins",status="201"\} \d+/,
  );
  expect(text).toMatch(/route="\/v1\/cash-ins\/:externalReference",status="200"/);
  expect(text).toMatch(/route="\/v1\/cash-ins\/:externalReference",status="404"/);
  expect(text).toMatch(/pix_api_webhook_events_total\{event_type="CASHIN_PAID",outcome="signalled"\} [1-9]/);
  expect(text).not.toContain(reference);
  expect(text).not.toContain('does-not-exist');
  expect(text).not.toMatch(/Maria|52998224725/);
});

test('a webhook with a bad signature is counted as refused under a fixed label', async () => {
  const res = await fetch(`${stack.apiUrl}/webhooks/connectpsp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-connect-signature': 'bad' },
    body: JSON.stringify({ eventType: 'anything-an-attacker-likes', eventAt: 'x', data: {} }),
  });
  expect(res.status).toBe(401);
  const text = await (await fetch(`${stack.apiUrl}/metrics`)).text();
  expect(text).toMatch(/pix_api_webhook_events_total\{event_type="unverified",outcome="invalid_signature"\} [1-9]/);
  expect(text).not.toContain('anything-an-attacker-likes');
});

test('payment log lines carry the request id, the workflow id and ConnectPSP ids, never the payer', async () => {
  const reference = `obs-logs-${Date.now()}`;
  const created = await stack.api(
    'POST',
    '/v1/cash-ins',
    { externalReference: reference, amount: '10.00', payer },
    {
      headers: { 'x-request-id': 'req-obs-1' },
    },
  );
  expect(created.headers.get('x-request-id')).toBe('req-obs-1');
  await stack.sandbox('POST', `/_sandbox/cash-in/${created.body.connectPsp.transactionId}/pay`);
  await stack.waitFor(`/v1/cash-ins/${reference}`, (b) => b.status === 'SETTLED');
  const transactionId = created.body.connectPsp.transactionId;
  const workflowId = `cash-in:${reference}`;

  const createdLine = lines.find((l) => l.msg === 'cash-in created' && l.externalReference === reference);
  expect(createdLine).toMatchObject({ requestId: 'req-obs-1', workflowId, transactionId });
  const access = lines.find((l) => l.msg === 'request completed' && l.requestId === 'req-obs-1');
  expect(access).toMatchObject({ method: 'POST', route: '/v1/cash-ins', status: 201 });
  const webhook = lines.find((l) => l.msg === 'webhook accepted' && l.externalReference === reference);
  expect(webhook).toMatchObject({ workflowId, transactionId, eventType: 'CASHIN_PAID', outcome: 'signalled' });
  expect(webhook?.requestId).toEqual(expect.any(String));
  const activity = lines.find(
    (l) => l.msg === 'activity completed' && l.activityType === 'createCashIn' && l.workflowId === workflowId,
  );
  expect(activity).toMatchObject({ transactionId, externalReference: reference });

  const mine = lines.filter((l) => JSON.stringify(l).includes(reference));
  expect(mine.length).toBeGreaterThanOrEqual(3);
  expect(JSON.stringify(mine)).not.toMatch(/Maria|52998224725|529\.982/);
});

test('/readyz is ready with Temporal and a ConnectPSP token, and /healthz is alive', async () => {
  expect(await (await fetch(`${stack.apiUrl}/healthz`)).json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${stack.apiUrl}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ready', checks: { temporal: 'ok', connectPsp: 'ok' } });
});

test('one trace spans the API request, the workflow, the activity and the ConnectPSP call', async () => {
  spans.reset();
  const reference = `obs-trace-${Date.now()}`;
  const res = await stack.api('POST', '/v1/cash-ins', { externalReference: reference, amount: '10.00', payer });
  expect(res.status).toBe(201);
  const deadline = Date.now() + 10_000;
  const find = (prefix: string) => spans.getFinishedSpans().find((s) => s.name.startsWith(prefix));
  while (Date.now() < deadline && !(find('POST /v1/cash-ins') && find('ConnectPSP POST /cash-in'))) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const request = find('POST /v1/cash-ins');
  const activity = find('RunActivity:createCashIn');
  const connectPsp = find('ConnectPSP POST /cash-in');
  expect(request).toBeDefined();
  expect(activity).toBeDefined();
  expect(connectPsp).toBeDefined();
  const traceId = request!.spanContext().traceId;
  expect(activity!.spanContext().traceId).toBe(traceId);
  expect(connectPsp!.spanContext().traceId).toBe(traceId);
  expect(connectPsp!.parentSpanId).toBe(activity!.spanContext().spanId);
});
