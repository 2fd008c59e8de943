import { createHash } from 'node:crypto';

/** A response kept for replay: the exact status, content type and bytes first sent. */
export interface StoredResponse {
  status: number;
  contentType: string;
  body: string;
}

interface Entry {
  fingerprint: string;
  response: StoredResponse;
  expiresAtMs: number;
}

/**
 * `X-Idempotency-Key` memory. Keys are scoped per application, method and path; a key seen again with the same body
 * replays the stored response, with a different body it is rejected by the caller.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private lastSweepMs = 0;

  constructor(private readonly ttlMs: number) {}

  static scope(applicationToken: string, method: string, path: string, key: string): string {
    return `${applicationToken}\n${method}\n${path}\n${key}`;
  }

  /** Same body means the same JSON value: key order and whitespace do not matter. */
  static fingerprint(body: unknown): string {
    return createHash('sha256').update(canonicalJson(body)).digest('base64');
  }

  get(scope: string, nowMs: number): Entry | undefined {
    const entry = this.entries.get(scope);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      this.entries.delete(scope);
      return undefined;
    }
    return entry;
  }

  put(scope: string, fingerprint: string, response: StoredResponse, nowMs: number): void {
    this.entries.set(scope, { fingerprint, response, expiresAtMs: nowMs + this.ttlMs });
    // Sweeping at most once a minute keeps memory bounded without a per-request scan.
    if (nowMs - this.lastSweepMs > 60_000) {
      this.lastSweepMs = nowMs;
      for (const [key, entry] of this.entries) if (entry.expiresAtMs <= nowMs) this.entries.delete(key);
    }
  }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
