import { floorPayload } from './shared.js';

/** The floor's "create": answers about 100 bytes at once, without I/O, so the floor measures Temporal alone. */
export async function createCharge(input: string): Promise<string> {
  return floorPayload(`charge of ${input}`);
}
