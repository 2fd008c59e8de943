import { createHash, randomBytes } from 'node:crypto';
import { isScope, SCOPES, type Scope } from './scopes.js';

/**
 * Static API keys for small deployments. Only the SHA-256 of each key is configured (`API_KEYS`), so the
 * environment, a leaked config dump or a process listing never holds a usable credential.
 */
export interface ApiKeyEntry {
  /** Who holds the key; appears in logs and rate limiting, never the key itself. */
  name: string;
  /** Lowercase hex SHA-256 of the key. */
  sha256: string;
  scopes: ReadonlySet<Scope>;
}

/** The prefix makes a leaked key easy to recognise by secret scanners. */
const KEY_PREFIX = 'pixk_';

export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The `API_KEYS` line for a key: `name:sha256:scopes`. */
export function apiKeyEntryLine(name: string, key: string, scopes: readonly string[] = ['*']): string {
  return `${name}:${hashApiKey(key)}:${scopes.join(',')}`;
}

/**
 * Parses `API_KEYS`: entries separated by `;`, each `name:sha256hex:scope,scope` (`*` for every scope), e.g.
 * `billing:9f86…08:cash-ins:read,cash-ins:write`. Throws naming the faulty entry.
 */
export function parseApiKeys(value: string): ApiKeyEntry[] {
  const entries: ApiKeyEntry[] = [];
  for (const [index, raw] of value.split(';').entries()) {
    const entry = raw.trim();
    if (entry === '') continue;
    const match = /^([A-Za-z0-9._-]{1,64}):([0-9a-fA-F]{64}):(.+)$/.exec(entry);
    if (!match) throw new Error(`entry ${index + 1} must be <name>:<sha256 hex of the key>:<scope>[,<scope>...]`);
    const [, name, sha256, scopeList] = match as unknown as [string, string, string, string];
    const requested = scopeList.split(',').map((s) => s.trim());
    const unknown = requested.filter((s) => s !== '*' && !isScope(s));
    if (unknown.length > 0) {
      throw new Error(`key ${name} has unknown scope(s) ${unknown.join(', ')}; known: *, ${SCOPES.join(', ')}`);
    }
    if (entries.some((e) => e.name === name)) throw new Error(`key name ${name} appears twice`);
    const scopes = new Set<Scope>(requested.includes('*') ? SCOPES : (requested as Scope[]));
    entries.push({ name, sha256: sha256.toLowerCase(), scopes });
  }
  return entries;
}
