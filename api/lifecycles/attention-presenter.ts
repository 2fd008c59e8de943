import type { Attention } from '../../workflows/lifecycle/view.js';
import type { MaybeStale } from './lifecycle-workflows.js';

/** `attention` and `stale` as every lifecycle's view answers them (a stale view knows only the attention's code). */
export function presentAttention(view: MaybeStale<{ attention?: Attention }>) {
  const code = view.stale ? view.stale.attentionCode : undefined;
  const attention = view.attention ?? (code === undefined ? undefined : { code, since: null, detail: null });
  return { attention: attention ?? null, stale: view.stale !== undefined };
}
