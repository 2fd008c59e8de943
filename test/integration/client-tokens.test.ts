import { SANDBOX_CREDENTIALS } from '../../config/env.js';
import { ConnectPspClient } from '../../connectpsp/client.js';
import type { ExchangeEvent } from '../../connectpsp/logger.js';
import { createSandbox, type RunningSandbox } from '../../sandbox/app.js';

/** The token cache against the sandbox: single flight, expiry mid-run, and the signature following the token. */

describe('ConnectPSP access tokens', () => {
  let sandbox: RunningSandbox;
  let client: ConnectPspClient;
  let exchanges: ExchangeEvent[];

  const tokenRequests = () => exchanges.filter((event) => event.operation === 'POST /auth/token').length;

  async function advanceSandboxClock(seconds: number): Promise<void> {
    const response = await fetch(`${sandbox.url}/_sandbox/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds }),
    });
    expect(response.status).toBe(200);
  }

  beforeEach(async () => {
    sandbox = await createSandbox();
    exchanges = [];
    client = new ConnectPspClient({
      baseUrl: sandbox.url,
      credentials: { ...SANDBOX_CREDENTIALS },
      onExchange: (event) => exchanges.push(event),
    });
  });

  afterEach(async () => {
    await client.close();
    await sandbox.close();
  });

  test('one hundred concurrent calls on a cold cache make exactly one token request', async () => {
    const balances = await Promise.all(Array.from({ length: 100 }, () => client.getBalance()));
    expect(balances).toHaveLength(100);
    expect(tokenRequests()).toBe(1);
    expect(exchanges.filter((event) => event.operation === 'GET /account/balance')).toHaveLength(100);
  });

  test('later calls reuse the cached token', async () => {
    await client.getBalance();
    await client.getBalance();
    await client.getBalance();
    expect(tokenRequests()).toBe(1);
  });

  test('a token that expires mid-run is replaced after one 401 and the call succeeds', async () => {
    await client.getBalance();
    await advanceSandboxClock(3601);

    const balance = await client.getBalance();
    expect(balance.currency).toBe('BRL');
    expect(exchanges.map((event) => `${event.operation} ${event.status}`)).toEqual([
      'POST /auth/token 200',
      'GET /account/balance 200',
      'GET /account/balance 401',
      'POST /auth/token 200',
      'GET /account/balance 200',
    ]);
  });

  test('one hundred concurrent calls hitting an expired token cause one re-authentication', async () => {
    await client.getBalance();
    await advanceSandboxClock(3601);
    await Promise.all(Array.from({ length: 100 }, () => client.getBalance()));
    expect(tokenRequests()).toBe(2);
  });

  test('a signed call after expiry carries the DigitalSignature of the new token', async () => {
    const balance = await client.getBalance();
    await advanceSandboxClock(3601);
    const result = await client.rebalance(
      { targetAmount: balance.consolidated.transactionalBalance },
      { idempotencyKey: crypto.randomUUID() },
    );
    expect(result.success).toBe(true);
    expect(exchanges.filter((event) => event.operation === 'POST /account/rebalance').map((e) => e.status)).toEqual([
      401, 200,
    ]);
  });
});
