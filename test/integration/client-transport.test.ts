import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectPspClient } from '../../connectpsp/client.js';
import { ConnectPspError, ConnectPspErrorKind } from '../../connectpsp/errors.js';

/**
 * The transport's behaviour under misbehaving servers, which the sandbox cannot imitate (hung sockets, broken
 * bodies, HTML error pages): a real HTTP server on loopback plays ConnectPSP here.
 */

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const TOKEN = { accessToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', tokenType: 'Bearer', expiresIn: 3600 };

describe('the ConnectPSP transport', () => {
  let server: Server;
  let baseUrl: string;
  let handler: Handler;
  let connections = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/auth/token') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ...TOKEN, issuedAt: new Date().toISOString() }));
        return;
      }
      handler(req, res);
    });
    server.on('connection', () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function client(responseTimeoutMs = 5_000) {
    return new ConnectPspClient({
      baseUrl,
      credentials: { clientId: '1', clientSecret: 's', applicationToken: 'a', cryptoToken: 'c' },
      transport: { responseTimeoutMs, connectTimeoutMs: 1_000 },
    });
  }

  async function failure(promise: Promise<unknown>): Promise<ConnectPspError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectPspError);
    return error as ConnectPspError;
  }

  test('after the first call, sequential calls reuse the kept-alive connection', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: true, message: 'ok' }));
    };
    const c = client();
    await c.rebalance({ targetAmount: 1 }, { idempotencyKey: 'warm-up' });
    await new Promise((resolve) => setImmediate(resolve));
    const before = connections;
    for (let i = 0; i < 10; i += 1) {
      await c.rebalance({ targetAmount: 1 }, { idempotencyKey: `k-${i}` });
      // undici frees the connection on the next turn of the event loop; calls from separate activities always
      // arrive later than that, while a back-to-back call in the same turn would get a second connection.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await c.close();
    expect(connections - before).toBe(0);
  });

  test('a server that never answers is a transient timeout', async () => {
    handler = () => {};
    const c = client(300);
    const error = await failure(c.getBalance());
    await c.close();
    expect(error.kind).toBe(ConnectPspErrorKind.Transient);
    expect(error.code).toBe('CONNECTPSP_TIMEOUT');
  });

  test('a connection dropped mid-request is a transient network error', async () => {
    handler = (req) => req.socket.destroy();
    const c = client();
    const error = await failure(c.getBalance());
    await c.close();
    expect(error.kind).toBe(ConnectPspErrorKind.Transient);
    expect(error.code).toBe('CONNECTPSP_NETWORK_ERROR');
  });

  test('nothing listening on the port is a transient network error', async () => {
    const idle = createServer();
    await new Promise<void>((resolve) => idle.listen(0, '127.0.0.1', resolve));
    const port = (idle.address() as AddressInfo).port;
    await new Promise((resolve) => idle.close(resolve));
    const c = new ConnectPspClient({
      baseUrl: `http://127.0.0.1:${port}`,
      credentials: { clientId: '1', clientSecret: 's', applicationToken: 'a', cryptoToken: 'c' },
    });
    const error = await failure(c.getBalance());
    await c.close();
    expect(error.code).toBe('CONNECTPSP_NETWORK_ERROR');
    expect(error.retryable).toBe(true);
  });

  test('an HTML 502 from a proxy is transient', async () => {
    handler = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    };
    const c = client();
    const error = await failure(c.getBalance());
    await c.close();
    expect(error.status).toBe(502);
    expect(error.retryable).toBe(true);
  });

  test('unknown extra fields in a response are tolerated and kept', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: true, message: 'ok', requestId: 'r-1' }));
    };
    const c = client();
    const result = await c.rebalance({ targetAmount: 1 }, { idempotencyKey: 'k-extra' });
    await c.close();
    expect(result).toEqual({ success: true, message: 'ok', requestId: 'r-1' });
  });

  test('a success body missing required fields is a non-retryable invalid response naming the fields', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ currency: 'BRL', surprise: true }));
    };
    const c = client();
    const error = await failure(c.getBalance());
    await c.close();
    expect(error.kind).toBe(ConnectPspErrorKind.InvalidResponse);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('consolidated');
  });

  test('a token refused twice costs one re-authentication and one retry, then surfaces as retryable', async () => {
    let tokenRequests = 0;
    let calls = 0;
    const countingServer = createServer((req, res) => {
      if (req.url === '/auth/token') tokenRequests += 1;
      else calls += 1;
      const body =
        req.url === '/auth/token'
          ? { ...TOKEN, issuedAt: new Date().toISOString() }
          : { type: 'x', title: 'Token expired', status: 401, code: 'TOKEN_EXPIRED' };
      res.writeHead(req.url === '/auth/token' ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => countingServer.listen(0, '127.0.0.1', resolve));
    const c = new ConnectPspClient({
      baseUrl: `http://127.0.0.1:${(countingServer.address() as AddressInfo).port}`,
      credentials: { clientId: '1', clientSecret: 's', applicationToken: 'a', cryptoToken: 'c' },
    });
    const error = await failure(c.getBalance());
    await c.close();
    countingServer.closeAllConnections();
    await new Promise((resolve) => countingServer.close(resolve));
    expect(error).toMatchObject({ kind: ConnectPspErrorKind.Authentication, code: 'TOKEN_EXPIRED', retryable: true });
    expect({ tokenRequests, calls }).toEqual({ tokenRequests: 2, calls: 2 });
  });

  test('aborting the signal rejects with the signal’s reason, not a network error', async () => {
    handler = () => {};
    const c = client();
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    const call = c.getBalance({}, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 100);
    await expect(call).rejects.toBe(reason);
    await c.close();
  });
});
