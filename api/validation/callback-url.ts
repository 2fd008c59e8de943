import type { Config } from '../../config/env.js';
import { callbackUrlRefusal, type CallbackDestinationPolicy } from '../../activities/callback-destination.js';
import { badRequest } from '../problem.js';

export function callbackDestinationPolicy(config: Config): CallbackDestinationPolicy {
  return {
    requireHttps: config.NODE_ENV === 'production',
    allowPrivateNetworks: config.CALLBACK_ALLOW_PRIVATE_NETWORKS,
  };
}

/**
 * Refuses a `callbackUrl` we would not deliver to (400 on the field), so the service learns at once rather than
 * through callbacks that never come. The worker checks again at each delivery: DNS answers change.
 */
export async function assertCallbackUrlAllowed(url: string | undefined, config: Config): Promise<void> {
  if (url === undefined) return;
  const refusal = await callbackUrlRefusal(url, callbackDestinationPolicy(config));
  if (refusal !== undefined) {
    throw badRequest('The body has 1 invalid field(s): callbackUrl', [{ field: 'callbackUrl', message: refusal }]);
  }
}
