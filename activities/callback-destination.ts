import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where callbacks may go. A service's `callbackUrl` must not make us a proxy into our own network (SSRF): it may
 * not resolve to loopback, private, link-local or other non-public addresses unless development allows it.
 */
export interface CallbackDestinationPolicy {
  /** Production: only https. */
  requireHttps: boolean;
  /** Development and tests: loopback and private networks allowed (`CALLBACK_ALLOW_PRIVATE_NETWORKS`). */
  allowPrivateNetworks: boolean;
}

/** Everything that is not a public unicast address. IPv4-mapped IPv6 addresses are matched by the IPv4 rules. */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata endpoints
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export type Resolver = (hostname: string) => Promise<string[]>;

const resolveAll: Resolver = async (hostname) => (await lookup(hostname, { all: true })).map((a) => a.address);

/**
 * Why callbacks may not be sent to `url`, or undefined when they may. Resolves the host: a name that points to
 * a private address is refused like the address itself.
 */
export async function callbackUrlRefusal(
  url: string,
  policy: CallbackDestinationPolicy,
  resolve: Resolver = resolveAll,
): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'https:' && (policy.requireHttps || parsed.protocol !== 'http:')) {
    return policy.requireHttps ? 'must be an https URL' : 'must be an http(s) URL';
  }
  if (parsed.username || parsed.password) return 'must not carry credentials';
  if (policy.allowPrivateNetworks) return undefined;
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      return 'has a host name that does not resolve';
    }
  }
  if (addresses.length === 0) return 'has a host name that does not resolve';
  if (!addresses.every(isPublicAddress)) return 'must not point to a loopback, private or link-local address';
  return undefined;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the callback connection itself: refuses non-public answers at connect time, so a DNS answer
 * that changed since the check (DNS rebinding) cannot redirect a callback into our network.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused) {
      const error: NodeJS.ErrnoException = new Error(`${hostname} resolves to a non-public address`);
      error.code = 'ECALLBACKDESTINATION';
      return callback(error, []);
    }
    if (options.all) return callback(null, addresses);
    const [first] = addresses;
    return first ? callback(null, first.address, first.family) : callback(new Error(`${hostname} has no address`), []);
  });
}
