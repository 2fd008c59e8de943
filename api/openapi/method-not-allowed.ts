import type { RequestHandler } from 'express';
import { sendProblem } from '../errors.js';
import { Problem } from '../problem.js';
import type { RouteDoc } from './route-doc.js';

/**
 * A request no route took, on a path the API does serve with other methods: 405 with `Allow` (RFC 9110 15.5.6)
 * instead of a 404 that would say the path does not exist. The paths and methods come from the route docs, the
 * same catalogue the OpenAPI document is built from. Any other path falls through to the 404.
 */
export function methodNotAllowed(routes: RouteDoc[]): RequestHandler {
  const byPath = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const route of routes) {
    const entry = byPath.get(route.path) ?? { pattern: pathPattern(route.path), methods: new Set<string>() };
    entry.methods.add(route.method.toUpperCase());
    // Express answers HEAD with the GET route.
    if (route.method === 'get') entry.methods.add('HEAD');
    byPath.set(route.path, entry);
  }
  return (req, res, next) => {
    const entry = [...byPath.values()].find(({ pattern }) => pattern.test(req.path));
    if (!entry || entry.methods.has(req.method)) return next();
    const allow = [...entry.methods].sort().join(', ');
    sendProblem(
      res.set('Allow', allow),
      new Problem(405, 'METHOD_NOT_ALLOWED', 'Method not allowed', `${req.method} is not allowed here; use ${allow}`),
    );
  };
}

/** `/v1/cash-ins/{externalReference}` → a regex that takes one path segment for each `{param}`. */
function pathPattern(template: string): RegExp {
  const source = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${source}/?$`);
}
