import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../../observability/logger.js';
import type { ApiMetrics } from '../../observability/api-metrics.js';

/** A caller's own request id is kept when it looks like an id; anything else is replaced, never logged. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id`, or a new UUID), echoes it in the response, and puts a
 * child logger carrying it in `res.locals` for the handlers. When the response is done, one access line is
 * logged and the latency is observed under the route *template* (`/v1/cash-ins/:externalReference`).
 */
export function requestContext(logger: Logger, metrics: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const header = req.get('x-request-id');
    const requestId = header !== undefined && REQUEST_ID.test(header) ? header : randomUUID();
    const started = process.hrtime.bigint();
    res.setHeader('X-Request-Id', requestId);
    const log = logger.child({ requestId });
    res.locals.logger = log;
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplate(req);
      const status = String(res.statusCode);
      metrics.httpDuration.observe({ method: req.method, route, status }, seconds);
      log.info(
        { method: req.method, route, status: res.statusCode, durationMs: Math.round(seconds * 1000) },
        'request completed',
      );
    });
    next();
  };
}

/** The handler's logger, carrying the request id. */
export function requestLogger(res: Response): Logger {
  return res.locals.logger as Logger;
}

/**
 * The matched route's full template (`/v1/cash-ins/:externalReference`), or `unmatched`: a 404 path is the
 * caller's text and must not become a label. Looked up by route object, because once an error has left a
 * mounted router Express has already restored `req.baseUrl` and the mount path is gone from the request.
 */
export function routeTemplate(req: Request): string {
  if (req.route === undefined) return 'unmatched';
  let templates = TEMPLATES.get(req.app);
  if (templates === undefined) {
    templates = collectTemplates((req.app as unknown as { router: { stack: Layer[] } }).router.stack, '');
    TEMPLATES.set(req.app, templates);
  }
  return templates.get(req.route) ?? 'unmatched';
}

/** What router@2 keeps of each layer: the path it was mounted at, and its route or nested router. */
interface Layer {
  rawPath?: unknown;
  route?: { path: string };
  handle: { stack?: Layer[] };
}

const TEMPLATES = new WeakMap<object, Map<unknown, string>>();

function collectTemplates(stack: Layer[], prefix: string, into = new Map<unknown, string>()): Map<unknown, string> {
  for (const layer of stack) {
    if (layer.route) {
      into.set(layer.route, (prefix + layer.route.path).replace(/(.)\/$/, '$1'));
    } else if (layer.handle.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      collectTemplates(layer.handle.stack, prefix + mount, into);
    }
  }
  return into;
}
