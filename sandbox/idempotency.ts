import { createHash } from 'node:crypto';
import type { StateJournal } from './journal.js';
import type { IdempotencyEntry, StoredResponse } from './records.js';

/**
 * `X-Idempotency-Key` memory. Keys are scoped per application, method and path; a key seen again with the same body
 * replays the stored response, with a different body it is rejected by the caller.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, IdempotencyEntry>();
  private lastSweepMs = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly journal?: StateJournal,
  ) {}

  static scope(applicationToken: string, method: string, path: string, key: string): string {
    return `${applicationToken}\n${method}\n${path}\n${key}`;
  }

  /** Same body means the same JSON value: key order and whitespace do not matter. */
  static fingerprint(body: unknown): string {
    return createHash('sha256').update(canonicalJson(body)).digest('base64');
  }

  get(scope: string, nowMs: number): IdempotencyEntry | undefined {
    const entry = this.entries.get(scope);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      this.entries.delete(scope);
      return undefined;
    }
    return entry;
  }

  put(scope: string, fingerprint: string, response: StoredResponse, nowMs: number): void {
    const entry = { fingerprint, response, expiresAtMs: nowMs + this.ttlMs };
    this.entries.set(scope, entry);
    this.journal?.append({ t: 'idempotency', scope, entry });
    // Sweeping at most once a minute keeps memory bounded without a per-request scan.
    if (nowMs - this.lastSweepMs > 60_000) {
      this.lastSweepMs = nowMs;
      for (const [key, entry] of this.entries) if (entry.expiresAtMs <= nowMs) this.entries.delete(key);
    }
  }

  restore(scope: string, entry: IdempotencyEntry): void {
    this.entries.set(scope, entry);
  }

  /** Keys still remembered at `nowMs`, for the journal's compaction. */
  *live(nowMs: number): Iterable<[string, IdempotencyEntry]> {
    for (const item of this.entries) if (item[1].expiresAtMs > nowMs) yield item;
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
