import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SANDBOX_CREDENTIALS } from '../../config/env.js';
import { digitalSignature } from '../../connectpsp/signing.js';
import { createSandbox } from '../../sandbox/app.js';
import type { RunningSandbox, SandboxApplication, SandboxOptions } from '../../sandbox/app.js';

/** Shared by the sandbox integration tests: a thin raw-HTTP client, so the tests see exactly what goes on the wire. */

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

export interface CallOptions {
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  /** `none`: no auth headers; `bearer`: JWT + ApplicationToken; `signed`: also DigitalSignature. */
  auth?: 'none' | 'bearer' | 'signed';
  idempotencyKey?: string;
}

export class SandboxClient {
  private token: string | undefined;

  constructor(
    readonly baseUrl: string,
    readonly credentials: SandboxApplication = SANDBOX_CREDENTIALS,
  ) {}

  async accessToken(): Promise<string> {
    this.token ??= await this.freshToken();
    return this.token;
  }

  async freshToken(): Promise<string> {
    const { clientId, clientSecret } = this.credentials;
    const result = await this.call('POST', '/auth/token', { auth: 'none', body: { clientId, clientSecret } });
    if (result.status !== 200) throw new Error(`token request failed: ${result.status} ${result.text}`);
    this.token = String(result.json.accessToken);
    return this.token;
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...options.headers };
    const auth = options.auth ?? 'bearer';
    if (auth !== 'none') {
      const jwt = await this.accessToken();
      headers.Authorization ??= `Bearer ${jwt}`;
      headers.ApplicationToken ??= this.credentials.applicationToken;
      if (auth === 'signed') headers.DigitalSignature ??= digitalSignature(jwt, this.credentials.cryptoToken);
    }
    if (options.idempotencyKey !== undefined) headers['X-Idempotency-Key'] = options.idempotencyKey;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['Content-Type'] ??= 'application/json';
    const response = await fetch(this.baseUrl + path, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      json = {};
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  control(method: string, path: string, body?: unknown): Promise<HttpResult> {
    return this.call(method, `/_sandbox${path}`, { auth: 'none', body });
  }
}

export async function startSandbox(
  options: SandboxOptions = {},
): Promise<{ sandbox: RunningSandbox; client: SandboxClient }> {
  const sandbox = await createSandbox({ host: '127.0.0.1', port: 0, ...options });
  return { sandbox, client: new SandboxClient(sandbox.url, options.applications?.[0]) };
}

let references = 0;
/** A fresh externalReference per call, so tests sharing a sandbox do not collide. */
export function reference(prefix = 'order'): string {
  references += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${references}`;
}

export function cashInBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: 150.5,
    externalReference: reference(),
    payer: { name: 'Test User', document: '12345678909' },
    ...overrides,
  };
}

export function pixCashOutBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: 50,
    externalReference: reference('withdrawal'),
    description: 'User withdrawal',
    payee: {
      name: 'Maria Silva',
      document: '12345678909',
      destination: { type: 'PIX', pixKeyType: 'CPF', pixKey: '12345678909' },
    },
    ...overrides,
  };
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  receivedAtMs: number;
}

type Respond = (index: number) => number | { status: number; delayMs: number };

/** A webhook receiver on a free loopback port; `respond` picks the status (and an optional delay) per request. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  url = '';
  private waiters: Array<() => void> = [];
  private readonly server: Server;

  private constructor(respond: Respond) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const index = this.received.length;
        this.received.push({ headers: req.headers, rawBody: Buffer.concat(chunks), receivedAtMs: Date.now() });
        for (const wake of this.waiters.splice(0)) wake();
        const answer = respond(index);
        const { status, delayMs } = typeof answer === 'number' ? { status: answer, delayMs: 0 } : answer;
        setTimeout(() => res.writeHead(status).end(), delayMs);
      });
    });
  }

  static async start(respond: Respond = () => 200): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(respond);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.server.address() as AddressInfo;
    receiver.url = `http://127.0.0.1:${port}/webhooks/connectpsp`;
    return receiver;
  }

  /** Resolves once `count` requests have arrived, or rejects after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 5000): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} webhooks, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
