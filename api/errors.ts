import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../observability/logger.js';
import { Problem, unavailable } from './problem.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function sendProblem(res: Parameters<RequestHandler>[1], problem: Problem): void {
  res.status(problem.body.status).set(problem.headers).type(PROBLEM_CONTENT_TYPE).json(problem.body);
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, new Problem(404, 'ROUTE_NOT_FOUND', 'Not found', `No route for ${req.method} ${req.path}`));
};

/** Maps everything thrown to problem+json; never leaks a stack trace, never answers 500 for a client's mistake. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof Problem) return sendProblem(res, err);
    if (isTemporalUnavailable(err)) {
      logger.warn({ method: req.method, path: req.path }, 'Temporal unreachable');
      return sendProblem(res, unavailable('Temporal is unreachable; retry shortly'));
    }
    const status = httpStatusOf(err);
    if (status === 400) {
      return sendProblem(res, new Problem(400, 'MALFORMED_REQUEST', 'Malformed request', 'The body is not valid JSON'));
    }
    if (status === 413) {
      return sendProblem(res, new Problem(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', 'The body is too large'));
    }
    if (status !== undefined) {
      return sendProblem(res, new Problem(status, 'BAD_REQUEST', 'Bad request', 'The request cannot be processed'));
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    sendProblem(res, new Problem(500, 'INTERNAL_ERROR', 'Internal error', 'An unexpected error occurred'));
  };
}

/** body-parser and friends mark client errors with `status`/`statusCode` and `expose`. */
function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { status?: unknown; statusCode?: unknown; expose?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  return status !== undefined && status >= 400 && status < 500 && e.expose !== false ? status : undefined;
}

/** gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4) from the Temporal client, or a failed connection. */
function isTemporalUnavailable(err: unknown): boolean {
  for (let e: unknown = err; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (code === 14 || code === 4) return true;
    if (
      (e as { name?: unknown }).name === 'ServiceError' &&
      /UNAVAILABLE|DEADLINE/.test(String((e as Error).message))
    ) {
      return true;
    }
  }
  return false;
}
