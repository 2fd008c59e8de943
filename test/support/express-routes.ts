import type { Express } from 'express';

/** The parts of router@2's Layer and Route these helpers read. */
interface Layer {
  name: string;
  /** The path the layer was mounted at, as written (`'/v1/cash-ins'`); undefined for `app.use(fn)`. */
  rawPath?: unknown;
  route?: Route;
  handle: { stack?: Layer[] };
  /** The matched prefix, or false; it stores nothing on the layer. */
  match(path: string): { path: string } | false;
}
interface Route {
  path: string;
  methods: Record<string, boolean>;
}

export interface RouteEntry {
  method: string;
  route: Route;
  /** e.g. `POST /v1/cash-ins/:externalReference/settle`. */
  description: string;
}

function rootStack(app: Express): Layer[] {
  return (app as unknown as { router: { stack: Layer[] } }).router.stack;
}

/** Every method of every route in the app, at any depth of mounted routers. */
export function expressRoutes(app: Express): RouteEntry[] {
  const entries: RouteEntry[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) {
          const path = (prefix + layer.route.path).replace(/(.)\/$/, '$1');
          entries.push({ method, route: layer.route, description: `${method.toUpperCase()} ${path}` });
        }
      } else if (layer.handle.stack) {
        walk(
          layer.handle.stack,
          prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''),
        );
      }
    }
  };
  walk(rootStack(app), '');
  return entries;
}

/** The route Express would dispatch `method path` to, found with the app's own matchers. */
export function routeFor(app: Express, method: string, path: string): Route | undefined {
  const find = (stack: Layer[], rest: string): Route | undefined => {
    for (const layer of stack) {
      const matched = layer.match(rest);
      if (!matched) continue;
      if (layer.route) {
        if (layer.route.methods[method]) return layer.route;
      } else if (layer.handle.stack) {
        const inner = rest.slice(matched.path.length) || '/';
        const found = find(layer.handle.stack, inner);
        if (found) return found;
      }
    }
    return undefined;
  };
  return find(rootStack(app), path);
}
