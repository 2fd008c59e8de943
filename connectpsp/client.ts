import type { z } from 'zod';
import type { Config } from '../config/env.js';
import { errorFromResponse, invalidResponseError, isTokenRejection, type ConnectPspError } from './errors.js';
import { silentLogger, type ConnectPspLogger, type ExchangeEvent } from './logger.js';
import { redact } from './redact.js';
import {
  AuthTokenResponseSchema,
  BalanceResponseSchema,
  CashInSchema,
  CashOutSchema,
  ConnectPspHeader,
  CreateCashInResponseSchema,
  CreateCashOutResponseSchema,
  RebalanceResponseSchema,
  RefundCashInResponseSchema,
  type AuthTokenRequest,
  type BalanceQuery,
  type BalanceResponse,
  type CashIn,
  type CashOut,
  type CreateCashInRequest,
  type CreateCashInResponse,
  type CreateCashOutRequest,
  type CreateCashOutResponse,
  type RebalanceRequest,
  type RebalanceResponse,
  type RefundCashInRequest,
  type RefundCashInResponse,
} from './schemas/index.js';
import { digitalSignature } from './signing.js';
import { TokenCache, type AccessToken, type IssuedToken } from './tokens.js';
import { Transport, type TransportOptions } from './transport.js';

/**
 * The typed ConnectPSP client: one method per endpoint of the contract, bodies typed by the shared zod schemas
 * and answers validated by them (unknown extra fields pass, a missing required field is a
 * `CONNECTPSP_INVALID_RESPONSE` error). It owns the headers every call needs: the Bearer JWT from the token
 * cache, `ApplicationToken`, `DigitalSignature` (from the very JWT sent) where the contract requires it, and
 * `X-Idempotency-Key` on writes. A 401 about the JWT triggers one re-authentication and one retry.
 */

export interface ConnectPspCredentials {
  clientId: string;
  clientSecret: string;
  /** The fixed `ApplicationToken` GUID of the integration. */
  applicationToken: string;
  /** HMAC key of `DigitalSignature` (and of webhook signatures). */
  cryptoToken: string;
}

export interface ConnectPspClientOptions {
  /** e.g. `https://api.connectpsp.com`, or the sandbox's URL. */
  baseUrl: string;
  credentials: ConnectPspCredentials;
  /** Pool size and timeouts; see {@link TransportOptions} for the defaults. */
  transport?: Omit<TransportOptions, 'baseUrl' | 'onExchange'>;
  /** Refresh-ahead and expiry margins of the token cache. */
  tokens?: { refreshAheadMs?: number; expiryMarginMs?: number };
  /** Receives redacted, bodiless records of each exchange. @default silent */
  logger?: ConnectPspLogger;
  /** Called after every HTTP exchange (metrics, tests). */
  onExchange?: (event: ExchangeEvent) => void;
}

export interface CallOptions {
  /** Aborts the call (an activity passes its cancellation signal); the rejection is the signal's reason. */
  signal?: AbortSignal;
}

export interface WriteOptions extends CallOptions {
  /** Sent as `X-Idempotency-Key`; the same key replays ConnectPSP's first answer instead of acting twice. */
  idempotencyKey: string;
}

interface Call<S extends z.ZodType> {
  method: 'GET' | 'POST';
  path: string;
  /** Route template for logs and errors. */
  operation: string;
  response: S;
  body?: unknown;
  /** Whether the contract requires `DigitalSignature`. */
  signed?: boolean;
  idempotencyKey?: string;
}

export class ConnectPspClient {
  readonly #transport: Transport;
  readonly #tokens: TokenCache;
  readonly #credentials: ConnectPspCredentials;
  readonly #logger: ConnectPspLogger;

  constructor(options: ConnectPspClientOptions) {
    this.#credentials = options.credentials;
    this.#logger = options.logger ?? silentLogger;
    const onExchange = options.onExchange;
    this.#transport = new Transport({
      ...options.transport,
      baseUrl: options.baseUrl,
      onExchange: (event) => {
        this.#logger.debug({ ...event }, 'ConnectPSP exchange');
        onExchange?.(event);
      },
    });
    const cryptoToken = options.credentials.cryptoToken;
    this.#tokens = new TokenCache({
      ...options.tokens,
      issue: () => this.#issueToken(),
      sign: (jwt) => digitalSignature(jwt, cryptoToken),
      onBackgroundRefreshError: (error) =>
        this.#logger.warn({ err: describe(error) }, 'ConnectPSP background token refresh failed'),
    });
  }

  /** A client for the ConnectPSP configured in the environment (the sandbox by default). */
  static fromConfig(
    config: Pick<
      Config,
      | 'connectPspBaseUrl'
      | 'CONNECTPSP_CLIENT_ID'
      | 'CONNECTPSP_CLIENT_SECRET'
      | 'CONNECTPSP_APPLICATION_TOKEN'
      | 'CONNECTPSP_CRYPTO_TOKEN'
    >,
    options: Omit<ConnectPspClientOptions, 'baseUrl' | 'credentials'> = {},
  ): ConnectPspClient {
    return new ConnectPspClient({
      ...options,
      baseUrl: config.connectPspBaseUrl,
      credentials: {
        clientId: config.CONNECTPSP_CLIENT_ID,
        clientSecret: config.CONNECTPSP_CLIENT_SECRET,
        applicationToken: config.CONNECTPSP_APPLICATION_TOKEN,
        cryptoToken: config.CONNECTPSP_CRYPTO_TOKEN,
      },
    });
  }

  /** `POST /cash-in`: a PIX charge (QR code) or, with `openFinance`, a payment intent with a `paymentUrl`. */
  createCashIn(request: CreateCashInRequest, options: WriteOptions): Promise<CreateCashInResponse> {
    return this.#call(
      {
        method: 'POST',
        path: '/cash-in',
        operation: 'POST /cash-in',
        body: request,
        response: CreateCashInResponseSchema,
        idempotencyKey: options.idempotencyKey,
      },
      options,
    );
  }

  /** `GET /cash-in/{id}` by TxId, internalCode or endToEndId. */
  getCashIn(id: string, options: CallOptions = {}): Promise<CashIn> {
    return this.#call(
      { method: 'GET', path: `/cash-in/${pathId(id)}`, operation: 'GET /cash-in/{id}', response: CashInSchema },
      options,
    );
  }

  /** `POST /cash-in/{id}/refund`: full devolution of a PAID cash-in; the answer carries the `D…` endToEndId. */
  refundCashIn(id: string, request: RefundCashInRequest, options: WriteOptions): Promise<RefundCashInResponse> {
    return this.#call(
      {
        method: 'POST',
        path: `/cash-in/${pathId(id)}/refund`,
        operation: 'POST /cash-in/{id}/refund',
        body: request,
        response: RefundCashInResponseSchema,
        signed: true,
        idempotencyKey: options.idempotencyKey,
      },
      options,
    );
  }

  /** `POST /cash-out`: a PIX payment to a key or bank account; accepted (PROCESSING), settled later. */
  createCashOut(request: CreateCashOutRequest, options: WriteOptions): Promise<CreateCashOutResponse> {
    return this.#call(
      {
        method: 'POST',
        path: '/cash-out',
        operation: 'POST /cash-out',
        body: request,
        response: CreateCashOutResponseSchema,
        signed: true,
        idempotencyKey: options.idempotencyKey,
      },
      options,
    );
  }

  /** `GET /cash-out/{id}` by internalCode, transactionId or endToEndId. */
  getCashOut(id: string, options: CallOptions = {}): Promise<CashOut> {
    return this.#call(
      { method: 'GET', path: `/cash-out/${pathId(id)}`, operation: 'GET /cash-out/{id}', response: CashOutSchema },
      options,
    );
  }

  /** `GET /account/balance`: the consolidated and per-bank balances now (`date` is announced, not served). */
  getBalance(query: BalanceQuery = {}, options: CallOptions = {}): Promise<BalanceResponse> {
    const search = query.date === undefined ? '' : `?date=${encodeURIComponent(query.date)}`;
    return this.#call(
      {
        method: 'GET',
        path: `/account/balance${search}`,
        operation: 'GET /account/balance',
        response: BalanceResponseSchema,
      },
      options,
    );
  }

  /**
   * `POST /account/rebalance`: move funds between the proprietary and transactional accounts so that the
   * transactional balance equals `targetAmount`. The contract lists no idempotency header here; the key is
   * sent anyway (unknown headers are ignored) because a rebalance is a write like the others.
   */
  rebalance(request: RebalanceRequest, options: WriteOptions): Promise<RebalanceResponse> {
    return this.#call(
      {
        method: 'POST',
        path: '/account/rebalance',
        operation: 'POST /account/rebalance',
        body: request,
        response: RebalanceResponseSchema,
        signed: true,
        idempotencyKey: options.idempotencyKey,
      },
      options,
    );
  }

  /**
   * Makes sure an access token is at hand: the cached one, or a new one from `POST /auth/token`. Readiness
   * probes call it: it proves ConnectPSP answers and accepts our credentials, at most one token request per hour.
   */
  async authenticate(options: CallOptions = {}): Promise<void> {
    await this.#tokens.get(options.signal);
  }

  /** Closes the connection pool once in-flight calls finish. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  async #call<S extends z.ZodType>(call: Call<S>, options: CallOptions): Promise<z.infer<S>> {
    const token = await this.#tokens.get(options.signal);
    try {
      return await this.#attempt(call, token, options.signal);
    } catch (error) {
      if (!isTokenRejection(error)) throw error;
      // The JWT expired (or was revoked) before our own clock said so: re-authenticate once, retry once.
      this.#logger.warn(
        { operation: call.operation, code: error.code },
        'ConnectPSP refused the token; re-authenticating',
      );
      this.#tokens.invalidate(token);
      const fresh = await this.#tokens.get(options.signal);
      return await this.#attempt(call, fresh, options.signal);
    }
  }

  async #attempt<S extends z.ZodType>(call: Call<S>, token: AccessToken, signal?: AbortSignal): Promise<z.infer<S>> {
    const headers: Record<string, string> = {
      [ConnectPspHeader.AUTHORIZATION]: `Bearer ${token.accessToken}`,
      [ConnectPspHeader.APPLICATION_TOKEN]: this.#credentials.applicationToken,
    };
    if (call.signed === true) headers[ConnectPspHeader.DIGITAL_SIGNATURE] = token.digitalSignature;
    if (call.idempotencyKey !== undefined) headers[ConnectPspHeader.IDEMPOTENCY_KEY] = call.idempotencyKey;
    const response = await this.#transport.send({
      method: call.method,
      path: call.path,
      operation: call.operation,
      headers,
      body: call.body,
      signal,
    });
    return this.#parse(call.operation, call.response, response.status, response.body);
  }

  async #issueToken(): Promise<IssuedToken> {
    const operation = 'POST /auth/token';
    const body: AuthTokenRequest = {
      clientId: this.#credentials.clientId,
      clientSecret: this.#credentials.clientSecret,
    };
    const response = await this.#transport.send({ method: 'POST', path: '/auth/token', operation, body });
    const token = this.#parse(operation, AuthTokenResponseSchema, response.status, response.body);
    return { accessToken: token.accessToken, expiresIn: token.expiresIn };
  }

  #parse<S extends z.ZodType>(operation: string, schema: S, status: number, body: unknown): z.infer<S> {
    if (status < 200 || status >= 300) throw this.#failed(errorFromResponse(status, body, operation));
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      // Paths and messages only: zod messages do not quote the offending values, which may be personal data.
      const issues = parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
        .join('; ');
      throw this.#failed(invalidResponseError(operation, status, issues));
    }
    return parsed.data;
  }

  #failed(error: ConnectPspError): ConnectPspError {
    this.#logger.warn(
      {
        operation: error.operation,
        status: error.status,
        code: error.code,
        kind: error.kind,
        problem: redact(error.problem),
      },
      'ConnectPSP call failed',
    );
    return error;
  }
}

/** Ids go in the path; encoding keeps a hostile or malformed id from changing the route. */
function pathId(id: string): string {
  if (id === '') throw new TypeError('A ConnectPSP transaction id must not be empty');
  return encodeURIComponent(id);
}

function describe(error: unknown): Record<string, unknown> {
  if (error instanceof Error)
    return { name: error.name, message: error.message, code: (error as { code?: unknown }).code };
  return { value: String(error) };
}
