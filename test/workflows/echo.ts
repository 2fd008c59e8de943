import { condition, defineSignal, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { PaymentStatus } from '../../workflows/search-attributes.js';

/** Test-only workflow: proves bundling of ESM imports, signals and our search attributes on a real server. */
export const release = defineSignal<[string]>('release');

export async function echo(input: string): Promise<string> {
  let reply: string | undefined;
  setHandler(release, (value) => {
    reply = value;
  });
  upsertSearchAttributes([{ key: PaymentStatus, value: 'WAITING' }]);
  await condition(() => reply !== undefined);
  upsertSearchAttributes([{ key: PaymentStatus, value: 'DONE' }]);
  return `${input}:${reply}`;
}

/** Test-only workflow: a day-long timer that the time-skipping server must skip. */
export async function sleepADay(): Promise<string> {
  const { sleep } = await import('@temporalio/workflow');
  await sleep('24 hours');
  return 'woke';
}
