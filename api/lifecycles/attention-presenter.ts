import type { Attention } from '../../workflows/lifecycle/attention.js';
import type { Known } from './lifecycle-workflows.js';

/** `attention` and `stale` as every lifecycle's view answers them (a stale view knows only the attention's code). */
export function presentAttention(view: Known<{ attention?: Attention }>) {
  const code = view.stale ? view.stale.attentionCode : undefined;
  const attention = view.attention ?? (code === undefined ? undefined : { code, since: null, detail: null });
  return { attention: attention ?? null, stale: view.stale !== undefined };
}
