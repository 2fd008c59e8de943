import type { StateJournal } from './journal.js';

/**
 * The sandbox's notion of "now": wall time plus an offset that tests move forward with
 * `POST /_sandbox/clock/advance`, so token and QR-code expiry can be reached without waiting.
 */
export class SandboxClock {
  private offsetMs = 0;

  constructor(private readonly journal?: StateJournal) {}

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
    this.journal?.append({ t: 'clock', offsetMs: this.offsetMs });
  }

  get offset(): number {
    return this.offsetMs;
  }

  restore(offsetMs: number): void {
    this.offsetMs = offsetMs;
  }
}
