import { Pool, errors as undiciErrors } from 'undici';
import { invalidResponseError, networkError, timeoutError } from './errors.js';
import type { ExchangeEvent } from './logger.js';

/**
 * HTTP to ConnectPSP: one keep-alive pool per client, bounded connect and response times, and cancellation
 * through an AbortSignal (the activity's cancellation signal). It speaks JSON and knows nothing of tokens or
 * of the contract; every failure leaves here already classified by `errors.ts`.
 */

export interface TransportOptions {
  /** Origin (and optional path prefix) of the ConnectPSP API, e.g. `https://api.connectpsp.com`. */
  baseUrl: string;
  /**
   * Longest wait for a TCP (and TLS) connection.
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * Longest wait for the response headers once the request is sent, and longest pause while its body streams.
   * @default 15000
   */
  responseTimeoutMs?: number;
  /**
   * Most connections kept open to ConnectPSP at once.
   * @default 32
   */
  connections?: number;
  /**
   * How long an idle connection stays in the pool (the server's `Keep-Alive` hint wins when shorter).
   * @default 30000
   */
  keepAliveTimeoutMs?: number;
  /** Called after every exchange, successful or not. */
  onExchange?: (event: ExchangeEvent) => void;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path and query below the base URL, starting with `/`. */
  path: string;
  /** Route template used in logs and errors, e.g. `POST /cash-in/{id}/refund`; ids are not repeated there. */
  operation: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

const DEFAULTS = { connectTimeoutMs: 5_000, responseTimeoutMs: 15_000, connections: 32, keepAliveTimeoutMs: 30_000 };

export class Transport {
  readonly #pool: Pool;
  readonly #prefix: string;
  readonly #responseTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #onExchange: ((event: ExchangeEvent) => void) | undefined;

  constructor(options: TransportOptions) {
    const url = new URL(options.baseUrl);
    this.#prefix = url.pathname.replace(/\/+$/, '');
    this.#responseTimeoutMs = options.responseTimeoutMs ?? DEFAULTS.responseTimeoutMs;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
    this.#onExchange = options.onExchange;
    this.#pool = new Pool(url.origin, {
      connections: options.connections ?? DEFAULTS.connections,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? DEFAULTS.keepAliveTimeoutMs,
      connect: { timeout: this.#connectTimeoutMs },
      headersTimeout: this.#responseTimeoutMs,
      bodyTimeout: this.#responseTimeoutMs,
    });
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const started = performance.now();
    const { operation } = request;
    const report = (status: number | undefined, errorCode?: string) =>
      this.#onExchange?.({ operation, status, durationMs: performance.now() - started, errorCode });

    let status: number;
    let text: string;
    try {
      request.signal?.throwIfAborted();
      const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      const response = await this.#pool.request({
        method: request.method,
        path: this.#prefix + request.path,
        headers: { ...headers, ...request.headers },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        // undici's connect, headers and body timeouts bound the wait; the caller's signal only cancels.
        signal: request.signal,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      if (request.signal?.aborted) {
        report(undefined, 'CANCELLED');
        // The caller's reason (for an activity, its CancelledFailure) is what it expects to see.
        throw request.signal.reason;
      }
      const failure = this.#classify(operation, error);
      report(undefined, failure.code);
      throw failure;
    }

    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        if (status >= 200 && status < 300) {
          report(status, 'CONNECTPSP_INVALID_RESPONSE');
          throw invalidResponseError(operation, status, 'body is not JSON');
        }
        // A proxy's HTML error page: the status alone classifies it.
        body = undefined;
      }
    }
    report(status);
    return { status, body };
  }

  #classify(operation: string, error: unknown) {
    if (error instanceof undiciErrors.ConnectTimeoutError) {
      return timeoutError(operation, 'connection', this.#connectTimeoutMs, error);
    }
    if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
      return timeoutError(operation, 'response', this.#responseTimeoutMs, error);
    }
    return networkError(operation, error);
  }

  /** Closes pooled connections once in-flight requests finish. */
  async close(): Promise<void> {
    await this.#pool.close();
  }
}
