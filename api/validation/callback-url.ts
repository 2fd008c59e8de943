import { isIP } from 'node:net';
import type { Config } from '../../config/env.js';
import {
  callbackUrlRefusal,
  isPublicAddress,
  type CallbackDestinationPolicy,
} from '../../activities/callback-destination.js';
import { badRequest } from '../problem.js';

export function callbackDestinationPolicy(config: Config): CallbackDestinationPolicy {
  return {
    requireHttps: config.NODE_ENV === 'production',
    allowPrivateNetworks: config.CALLBACK_ALLOW_PRIVATE_NETWORKS,
  };
}

/**
 * Refuses a `callbackUrl` we would never deliver to (400 on the field): a wrong scheme, credentials in the URL,
 * or a loopback, private or link-local address written into it. A host name is not looked up here: whether it
 * resolves, and to what, is decided at each delivery (the worker refuses non-public answers when it connects),
 * so a create never waits on DNS and a name that does not resolve yet is not a reason to refuse a payment.
 */
export async function assertCallbackUrlAllowed(url: string | undefined, config: Config): Promise<void> {
  if (url === undefined) return;
  const policy = callbackDestinationPolicy(config);
  const refusal =
    (await callbackUrlRefusal(url, { ...policy, allowPrivateNetworks: true })) ?? addressRefusal(url, policy);
  if (refusal !== undefined) {
    throw badRequest('The body has 1 invalid field(s): callbackUrl', [{ field: 'callbackUrl', message: refusal }]);
  }
}

function addressRefusal(url: string, policy: CallbackDestinationPolicy): string | undefined {
  if (policy.allowPrivateNetworks) return undefined;
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const local = isIP(host) !== 0 ? !isPublicAddress(host) : host === 'localhost' || host.endsWith('.localhost');
  return local ? 'must not point to a loopback, private or link-local address' : undefined;
}
