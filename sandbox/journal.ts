import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, write, writeFileSync } from 'node:fs';
import type { CashInRecord, CashOutRecord, IdempotencyEntry, PendingDelivery } from './records.js';

/** Bumped when a line's shape changes incompatibly; an older file is refused rather than misread. */
const FORMAT_VERSION = 1;

/** One line of the journal. A later line about the same thing replaces an earlier one. */
export type JournalEntry =
  | { t: 'version'; v: number }
  | { t: 'cashIn'; app: string; record: CashInRecord }
  | { t: 'cashOut'; app: string; record: CashOutRecord }
  | { t: 'balances'; app: string; transactional: number; proprietary: number }
  | { t: 'idempotency'; scope: string; entry: IdempotencyEntry }
  | { t: 'clock'; offsetMs: number }
  | { t: 'webhook'; pending: PendingDelivery }
  | { t: 'webhookDone'; deliveryId: string };

/**
 * The sandbox's state on disk: an append-only file of JSON lines, one per change, written in batches (group
 * commit). A response that follows a change waits until the batch holding it is written, so a killed sandbox has
 * lost nothing it answered; the cost is one write per event-loop turn, not one per request. Nothing is fsynced
 * while running (a machine crash may lose what the OS had not written back); {@link close} fsyncs.
 */
export class StateJournal {
  private batch: string[] = [];
  private batchWaiters: Array<() => void> = [];
  private inFlightWaiters: Array<() => void> | undefined;
  private flushScheduled = false;

  private fd = -1;

  private constructor(
    private readonly file: string,
    /** What the file held when opened, in order; empty for a new file. */
    readonly restored: JournalEntry[],
  ) {}

  /** Reads the file, if any (a torn last line, from a crash mid-write, is ignored). Appends wait for {@link compact}. */
  static open(file: string): StateJournal {
    return new StateJournal(file, existsSync(file) ? parse(file) : []);
  }

  /**
   * Replaces the file with `snapshot`, the state rebuilt from {@link restored}, atomically (temp file, fsync,
   * rename), then appends to it. Compacting at every start keeps the file about the size of the live state.
   */
  compact(snapshot: JournalEntry[]): void {
    const temp = `${this.file}.tmp`;
    const lines = [{ t: 'version', v: FORMAT_VERSION } satisfies JournalEntry, ...snapshot];
    writeFileSync(temp, lines.map((entry) => JSON.stringify(entry) + '\n').join(''), { mode: 0o600 });
    const tempFd = openSync(temp, 'r');
    fsyncSync(tempFd);
    closeSync(tempFd);
    renameSync(temp, this.file);
    this.fd = openSync(this.file, 'a', 0o600);
    this.restored.length = 0;
    if (this.batch.length > 0) this.flush();
  }

  append(entry: JournalEntry): void {
    this.batch.push(JSON.stringify(entry) + '\n');
    if (!this.flushScheduled && this.inFlightWaiters === undefined) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Runs `then` once every change appended so far is written; at once when nothing is outstanding. */
  afterWritten(then: () => void): void {
    if (this.batch.length > 0) this.batchWaiters.push(then);
    else if (this.inFlightWaiters !== undefined) this.inFlightWaiters.push(then);
    else then();
  }

  /** Writes what is outstanding, fsyncs and closes the file. */
  async close(): Promise<void> {
    while (this.inFlightWaiters !== undefined || this.batch.length > 0) {
      await new Promise<void>((resolve) => this.afterWritten(resolve));
    }
    if (this.fd < 0) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.batch.length === 0 || this.fd < 0) return;
    const data = Buffer.from(this.batch.join(''));
    const waiters = this.batchWaiters;
    this.batch = [];
    this.batchWaiters = [];
    this.inFlightWaiters = waiters;
    this.writeAll(data, 0, (error) => {
      // The sandbox carries on in memory: a full disk must not turn every ConnectPSP call into a failure.
      if (error) console.error(`ConnectPSP sandbox: cannot write ${this.file}: ${error.message}`);
      this.inFlightWaiters = undefined;
      for (const waiter of waiters) waiter();
      if (this.batch.length > 0) this.flush();
    });
  }

  private writeAll(data: Buffer, offset: number, done: (error: NodeJS.ErrnoException | null) => void): void {
    write(this.fd, data, offset, data.length - offset, null, (error, written) => {
      if (error) return done(error);
      if (offset + written < data.length) return this.writeAll(data, offset + written, done);
      done(null);
    });
  }
}

function parse(file: string): JournalEntry[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const entries: JournalEntry[] = [];
  for (const [index, line] of lines.entries()) {
    if (line === '') continue;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch (error) {
      if (index === lines.length - 1) break; // the torn tail of a write cut short
      throw new Error(`${file}: line ${index + 1} is not JSON (${(error as Error).message})`);
    }
    if (entry.t === 'version' && entry.v !== FORMAT_VERSION) {
      throw new Error(`${file} is in format ${entry.v}, this sandbox reads ${FORMAT_VERSION}: start clean (--reset)`);
    }
    entries.push(entry);
  }
  return entries;
}
