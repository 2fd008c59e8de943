/**
 * The sandbox's notion of "now": wall time plus an offset that tests move forward with
 * `POST /_sandbox/clock/advance`, so token and QR-code expiry can be reached without waiting.
 */
export class SandboxClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}
