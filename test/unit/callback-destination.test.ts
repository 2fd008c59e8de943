import { callbackUrlRefusal, isPublicAddress, type Resolver } from '../../activities/callback-destination.js';

const production = { requireHttps: true, allowPrivateNetworks: false };
const development = { requireHttps: false, allowPrivateNetworks: true };
const resolvesTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses;
const doesNotResolve: Resolver = async () => {
  throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
};

test.each([
  '127.0.0.1',
  '127.8.9.10',
  '10.1.2.3',
  '172.16.0.1',
  '172.31.255.255',
  '192.168.1.1',
  '169.254.169.254',
  '100.64.0.1',
  '0.0.0.0',
  '224.0.0.1',
  '255.255.255.255',
  '::1',
  '::',
  'fe80::1',
  'fd12:3456::1',
  '::ffff:127.0.0.1',
  '::ffff:169.254.169.254',
])('%s is not a public address', (address) => {
  expect(isPublicAddress(address)).toBe(false);
});

test.each(['8.8.8.8', '172.32.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('%s is a public address', (address) => {
  expect(isPublicAddress(address)).toBe(true);
});

test('an https URL whose host resolves to public addresses only is accepted in production', async () => {
  expect(
    await callbackUrlRefusal('https://hooks.example.com/pix', production, resolvesTo('93.184.215.14')),
  ).toBeUndefined();
});

test('production refuses plain http, credentials in the URL and non-http schemes', async () => {
  const resolver = resolvesTo('93.184.215.14');
  expect(await callbackUrlRefusal('http://hooks.example.com/pix', production, resolver)).toBe('must be an https URL');
  expect(await callbackUrlRefusal('https://u:p@hooks.example.com/', production, resolver)).toBe(
    'must not carry credentials',
  );
  expect(await callbackUrlRefusal('ftp://hooks.example.com/', { ...production, requireHttps: false }, resolver)).toBe(
    'must be an http(s) URL',
  );
});

test('literal loopback, private, link-local and IPv6 addresses are refused without asking DNS', async () => {
  for (const url of [
    'https://127.0.0.1/cb',
    'https://10.0.0.5/cb',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/cb',
    'https://[fe80::1]/cb',
    'https://[::ffff:192.168.0.1]/cb',
  ]) {
    expect([url, await callbackUrlRefusal(url, production, doesNotResolve)]).toEqual([
      url,
      'must not point to a loopback, private or link-local address',
    ]);
  }
});

test('a host name that resolves to a private address, even among public ones, is refused', async () => {
  expect(await callbackUrlRefusal('https://localhost/cb', production, resolvesTo('127.0.0.1', '::1'))).toBe(
    'must not point to a loopback, private or link-local address',
  );
  expect(
    await callbackUrlRefusal('https://mixed.example/cb', production, resolvesTo('93.184.215.14', '10.0.0.1')),
  ).toBe('must not point to a loopback, private or link-local address');
});

test('a host name that does not resolve is refused', async () => {
  expect(await callbackUrlRefusal('https://nowhere.invalid/cb', production, doesNotResolve)).toBe(
    'has a host name that does not resolve',
  );
});

test('development with private networks allowed accepts a local http receiver', async () => {
  expect(await callbackUrlRefusal('http://127.0.0.1:8080/cb', development, doesNotResolve)).toBeUndefined();
});
