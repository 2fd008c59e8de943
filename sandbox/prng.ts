/**
 * Seeded pseudo-random numbers (mulberry32) for fault decisions, so a run with the same seed and the same request
 * sequence injects the same faults. Not for identifiers or secrets.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** True with probability `rate` (0 never draws, so an unset fault leaves the sequence untouched). */
  chance(rate: number): boolean {
    if (rate <= 0) return false;
    return this.next() < rate;
  }
}
