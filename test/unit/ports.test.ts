import { once } from 'node:events';
import net from 'node:net';
import { assertPortsFree, freePort } from '../../scripts/ports.js';

test('a taken port is named with what needs it', async () => {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const taken = (server.address() as net.AddressInfo).port;
  const free = await freePort();
  try {
    await expect(
      assertPortsFree([
        { port: taken, name: 'the API (API_PORT)' },
        { port: free, name: 'the sandbox (SANDBOX_PORT)' },
      ]),
    ).rejects.toThrow(`port ${taken} is already in use: needed by the API (API_PORT)`);
    await expect(assertPortsFree([{ port: free, name: 'the sandbox (SANDBOX_PORT)' }])).resolves.toBeUndefined();
  } finally {
    server.close();
  }
});
