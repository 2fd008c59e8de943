import { ConfigError, loadConfig } from '../../config/env.js';

test('the embedded defaults need no environment at all', () => {
  const config = loadConfig({});
  expect(config.useSandbox).toBe(true);
  expect(config.connectPspBaseUrl).toBe('http://127.0.0.1:4010');
  expect(config.publicBaseUrl).toBe('http://127.0.0.1:3000');
});

test('a bad value fails at start with the variable named and what is wrong', () => {
  expect(() => loadConfig({ API_PORT: 'eighty', CONNECTPSP_BASE_URL: 'not a url' })).toThrow(ConfigError);
  try {
    loadConfig({ API_PORT: 'eighty', CONNECTPSP_BASE_URL: 'not a url' });
  } catch (err) {
    expect((err as Error).message).toMatch(/API_PORT: .+/);
    expect((err as Error).message).toMatch(/CONNECTPSP_BASE_URL: .+/);
  }
});

test('payload compression is on unless PAYLOAD_COMPRESSION is off, and any other value is refused', () => {
  expect(loadConfig({}).PAYLOAD_COMPRESSION).toBe(true);
  expect(loadConfig({ PAYLOAD_COMPRESSION: 'off' }).PAYLOAD_COMPRESSION).toBe(false);
  expect(() => loadConfig({ PAYLOAD_COMPRESSION: 'false' })).toThrow('PAYLOAD_COMPRESSION: must be on or off');
});
