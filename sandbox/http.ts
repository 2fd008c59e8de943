import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { ConnectPspHeader, PROBLEM_CONTENT_TYPE, ProblemCode } from '../connectpsp/schemas/index.js';
import { verifyDigitalSignature } from '../connectpsp/signing.js';
import type { ApplicationState } from './application.js';
import type { SandboxContext } from './context.js';
import type { Endpoint } from './faults.js';
import { IdempotencyStore } from './idempotency.js';
import type { StateJournal } from './journal.js';
import { notFound, ProblemError, validationProblem } from './problem.js';
import type { StoredResponse } from './records.js';

/** What `sendOnceWritten` reads from `res.app.locals`. */
export interface SandboxLocals {
  journal?: StateJournal;
}

/** What a handler answers: a status and a JSON body. */
export interface Outcome {
  status: number;
  body: unknown;
}

interface Locals {
  app?: ApplicationState;
  loseResponse?: boolean;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const INJECTED_CODES: Record<number, string> = {
  500: ProblemCode.INTERNAL_ERROR,
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

function locals(res: Response): Locals {
  return res.locals as Locals;
}

/** Application that {@link authenticate} admitted. */
export function applicationOf(res: Response): ApplicationState {
  const app = locals(res).app;
  if (app === undefined) throw new Error('route is missing the authenticate middleware');
  return app;
}

/** Body parsing placed after authentication, so a bad token is reported before a bad body. */
export const jsonBody = express.json({ limit: '64kb' });

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw validationProblem(result.error);
  return result.data;
}

/**
 * Sends a response once the journal has written what came before it, unless the lost-response fault picked this
 * request: then the work is already done and the connection is dropped without a byte, as when a response is lost on
 * the network.
 */
export function sendOnceWritten(res: Response, response: StoredResponse): void {
  const journal = (res.app.locals as SandboxLocals).journal;
  // A change is answered only once it is on disk, so a sandbox killed right after has not lost what it answered.
  if (journal === undefined) send(res, response);
  else journal.afterWritten(() => send(res, response));
}

function send(res: Response, response: StoredResponse): void {
  if (locals(res).loseResponse === true) {
    res.socket?.destroy();
    return;
  }
  res.status(response.status).setHeader('Content-Type', response.contentType);
  res.end(response.body);
}

function problemResponse(problem: ProblemError): StoredResponse {
  return { status: problem.status, contentType: PROBLEM_CONTENT_TYPE, body: JSON.stringify(problem.toBody()) };
}

/** Applies the configured latency, 5xx and lost-response faults of one endpoint. */
export function injectFaults(ctx: SandboxContext, endpoint: Endpoint): RequestHandler {
  return (req, res, next) => {
    const faults = ctx.faults.forRequest(endpoint);
    const proceed = (): void => {
      if (faults.errorStatus !== undefined) {
        const code = INJECTED_CODES[faults.errorStatus] ?? ProblemCode.INTERNAL_ERROR;
        const problem = new ProblemError(faults.errorStatus, code, 'Injected fault: the request was not processed.');
        sendOnceWritten(res, problemResponse(problem));
        return;
      }
      if (faults.notFound) {
        sendOnceWritten(res, problemResponse(notFound(String(req.params.id))));
        return;
      }
      locals(res).loseResponse = faults.loseResponse;
      next();
    };
    // Synchronous unless latency is injected: this runs on every request of the throughput benchmark.
    if (faults.latencyMs > 0) setTimeout(proceed, faults.latencyMs);
    else proceed();
  };
}

/**
 * Bearer JWT (401 INVALID_TOKEN / TOKEN_EXPIRED), then ApplicationToken of the token's own integration
 * (401 INVALID_APPLICATION_TOKEN), then, on signed endpoints, DigitalSignature of that JWT (422 INVALID_SIGNATURE).
 */
export function authenticate(ctx: SandboxContext, { signed }: { signed: boolean }): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer +(\S+)$/i.exec(req.get(ConnectPspHeader.AUTHORIZATION) ?? '');
    const jwt = match?.[1];
    if (jwt === undefined) {
      throw new ProblemError(
        401,
        ProblemCode.INVALID_TOKEN,
        'The Authorization header must be "Bearer <accessToken>".',
      );
    }
    const claims = ctx.tokens.verifyKnown(jwt) ?? (await ctx.tokens.verify(jwt));
    const app = ctx.applications.get(req.get(ConnectPspHeader.APPLICATION_TOKEN) ?? '');
    if (app === undefined || app.credentials.clientId !== claims.clientId) {
      throw new ProblemError(
        401,
        ProblemCode.INVALID_APPLICATION_TOKEN,
        'The ApplicationToken header is missing or does not identify the integration of this access token.',
      );
    }
    if (
      signed &&
      !verifyDigitalSignature(jwt, req.get(ConnectPspHeader.DIGITAL_SIGNATURE), app.credentials.cryptoToken)
    ) {
      throw new ProblemError(
        422,
        ProblemCode.INVALID_SIGNATURE,
        'The DigitalSignature header is missing or is not the HMAC-SHA256 of the access token with the CryptoToken.',
      );
    }
    locals(res).app = app;
    next();
  };
}

/**
 * Runs a synchronous handler. With `idempotent` and an `X-Idempotency-Key`, the first response (success or business
 * error, not a 400 or a 5xx) is kept per application, method and path, and replayed byte for byte; the same key with
 * another body is a 422 IDEMPOTENCY_KEY_REUSED. The handler being synchronous, two concurrent retries cannot both
 * run it.
 */
export function respond(
  ctx: SandboxContext,
  handler: (req: Request, res: Response) => Outcome,
  { idempotent = false }: { idempotent?: boolean } = {},
): RequestHandler {
  return (req, res) => {
    const key = idempotent ? req.get(ConnectPspHeader.IDEMPOTENCY_KEY) : undefined;
    if (key === undefined || key === '') {
      sendOnceWritten(res, execute(req, res, handler).response);
      return;
    }
    const now = ctx.clock.now();
    const scope = IdempotencyStore.scope(applicationOf(res).credentials.applicationToken, req.method, req.path, key);
    const fingerprint = IdempotencyStore.fingerprint(req.body);
    const stored = ctx.idempotency.get(scope, now);
    if (stored !== undefined) {
      if (stored.fingerprint !== fingerprint) {
        throw new ProblemError(
          422,
          ProblemCode.IDEMPOTENCY_KEY_REUSED,
          'This X-Idempotency-Key was already used with a different request body.',
        );
      }
      sendOnceWritten(res, stored.response);
      return;
    }
    const { response, storable } = execute(req, res, handler);
    if (storable) ctx.idempotency.put(scope, fingerprint, response, now);
    sendOnceWritten(res, response);
  };
}

function execute(
  req: Request,
  res: Response,
  handler: (req: Request, res: Response) => Outcome,
): { response: StoredResponse; storable: boolean } {
  try {
    const { status, body } = handler(req, res);
    return { response: { status, contentType: JSON_CONTENT_TYPE, body: JSON.stringify(body) }, storable: true };
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
    return { response: problemResponse(error), storable: error.status !== 400 && error.status < 500 };
  }
}

/** Constant-time comparison of onboarding secrets. */
export function secretEquals(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export const notFoundRoute: RequestHandler = (req, res) => {
  sendOnceWritten(
    res,
    problemResponse(new ProblemError(404, ProblemCode.NOT_FOUND, `No route for ${req.method} ${req.path}.`)),
  );
};

/** Turns thrown problems, body-parser failures and bugs into problem+json. */
export const problemHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  if (res.headersSent) {
    res.socket?.destroy();
    return;
  }
  if (error instanceof ProblemError) {
    sendOnceWritten(res, problemResponse(error));
    return;
  }
  const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
  if (type === 'entity.parse.failed') {
    sendOnceWritten(
      res,
      problemResponse(new ProblemError(400, ProblemCode.VALIDATION_ERROR, 'The request body is not valid JSON.')),
    );
    return;
  }
  // Other body-parser refusals (too large, unsupported charset or encoding) carry a 4xx `status`.
  if (typeof type === 'string' && typeof status === 'number' && status >= 400 && status < 500) {
    const detail = `The request body cannot be read (${type}).`;
    sendOnceWritten(res, problemResponse(new ProblemError(400, ProblemCode.VALIDATION_ERROR, detail)));
    return;
  }
  // A sandbox bug: say so on stderr (the error, never the request), and answer like a PSP's unexpected failure.
  console.error('ConnectPSP sandbox: unexpected error', error);
  sendOnceWritten(res, problemResponse(new ProblemError(500, ProblemCode.INTERNAL_ERROR, 'Unexpected sandbox error.')));
};
