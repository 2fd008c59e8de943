/** Every scope a credential can hold. `*` in an API key's configuration grants all of them. */
export const SCOPES = [
  'cash-ins:read',
  'cash-ins:write',
  'cash-outs:read',
  'cash-outs:write',
  'wallet:read',
  'wallet:write',
  /** The callback events sent to the service's callbackUrl: list and read them (`:read`), redeliver (`:write`). */
  'events:read',
  'events:write',
  /** Operators reading decrypted payloads in the Temporal Web UI or CLI through the codec endpoint. */
  'payloads:decode',
  /** The Web UI encoding what an operator types (signal or update arguments) before sending it to Temporal. */
  'payloads:encode',
] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/**
 * The scope of every `/v1` route, by its first path segment: reading (GET, HEAD) needs `:read`, anything else
 * (create, settle, refund, rebalance) needs `:write`. A new resource must be added here; until it is, every
 * request to it is refused with 403, so no route is ever reachable by accident.
 */
export const V1_RESOURCE_SCOPES: Readonly<Record<string, { read: Scope; write: Scope }>> = {
  'cash-ins': { read: 'cash-ins:read', write: 'cash-ins:write' },
  'cash-outs': { read: 'cash-outs:read', write: 'cash-outs:write' },
  wallet: { read: 'wallet:read', write: 'wallet:write' },
  events: { read: 'events:read', write: 'events:write' },
};

/** The scope a `/v1` request needs; `path` is relative to `/v1`. Undefined means no scope grants it. */
export function scopeForV1Request(method: string, path: string): Scope | undefined {
  const resource = path.split('/').find((segment) => segment !== '');
  const scopes =
    resource === undefined
      ? undefined
      : Object.hasOwn(V1_RESOURCE_SCOPES, resource)
        ? V1_RESOURCE_SCOPES[resource]
        : undefined;
  if (scopes === undefined) return undefined;
  return method === 'GET' || method === 'HEAD' ? scopes.read : scopes.write;
}
