import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SANDBOX_CREDENTIALS } from '../../config/env.js';
import { sandboxWalletBanner } from '../../scripts/sandbox-wallet-banner.js';
import { pixCashOutBody, startSandbox } from '../support/sandbox-harness.js';

// A wallet payouts drained to R$ 100.00: the OpenAPI's own payout example (R$ 150.00) is refused until a top-up.
const drained = [{ ...SANDBOX_CREDENTIALS, transactionalBalanceCentavos: 10_000 }];

let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(path.join(tmpdir(), 'sandbox-wallet-'));
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

test('a top-up credits the transactional balance, and the payout it lacked is accepted; it survives a restart', async () => {
  const first = await startSandbox({ applications: drained, stateDir });
  try {
    const { client } = first;
    const wallet = async () => (await client.control('GET', '/wallet')).json;
    expect(await wallet()).toEqual({
      wallets: [{ clientId: SANDBOX_CREDENTIALS.clientId, transactionalBalance: 100, proprietaryBalance: 1_000_000 }],
    });
    const refused = await client.call('POST', '/cash-out', { auth: 'signed', body: pixCashOutBody({ amount: 150 }) });
    expect({ status: refused.status, code: refused.json.code }).toEqual({ status: 422, code: 'INSUFFICIENT_FUNDS' });

    const toppedUp = await client.control('POST', '/wallet/top-up', { amount: 10_000.5 });
    expect(toppedUp.status).toBe(200);
    expect(toppedUp.json).toMatchObject({
      wallets: [{ transactionalBalance: 10_100.5, proprietaryBalance: 1_000_000 }],
    });
    // What ConnectPSP's own balance endpoint reports, as the API reads it.
    const balance = await client.call('GET', '/account/balance');
    expect(balance.json).toMatchObject({ consolidated: { transactionalBalance: 10_100.5 } });

    const accepted = await client.call('POST', '/cash-out', { auth: 'signed', body: pixCashOutBody({ amount: 150 }) });
    expect(accepted.status).toBe(202);
    expect(await wallet()).toMatchObject({ wallets: [{ transactionalBalance: 9_950.5 }] });
  } finally {
    await first.sandbox.close();
  }
  const second = await startSandbox({ applications: drained, stateDir });
  try {
    expect((await second.client.control('GET', '/wallet')).json).toMatchObject({
      wallets: [{ transactionalBalance: 9_950.5 }],
    });
  } finally {
    await second.sandbox.close();
  }
});

test('a top-up of no amount, a negative or over-precise one, or for an unknown application is refused', async () => {
  const { sandbox, client } = await startSandbox({ applications: drained });
  try {
    for (const body of [{}, { amount: -1 }, { amount: 0 }, { amount: 1.234 }, { amount: '10.00' }]) {
      const result = await client.control('POST', '/wallet/top-up', body);
      expect({ body, status: result.status, code: result.json.code }).toEqual({
        body,
        status: 400,
        code: 'VALIDATION_ERROR',
      });
    }
    const unknown = await client.control('POST', '/wallet/top-up', { amount: 1, clientId: 'nobody' });
    expect({ status: unknown.status, code: unknown.json.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect((await client.control('GET', '/wallet')).json).toMatchObject({ wallets: [{ transactionalBalance: 100 }] });
  } finally {
    await sandbox.close();
  }
});

test('npm start’s banner shows the wallet and the top-up command, which works as printed', async () => {
  const { sandbox, client } = await startSandbox({ applications: drained });
  try {
    const banner = await sandboxWalletBanner(sandbox.url);
    expect(banner).toContain('Wallet         R$ 100.00 for payouts and refunds');
    const command = /top up: curl -X POST (\S+) -H '([^:]+): ([^']+)' -d '([^']+)'/.exec(banner);
    expect(command).not.toBeNull();
    const [, url, header, value, body] = command!;
    expect((await fetch(url!, { method: 'POST', headers: { [header!]: value! }, body })).status).toBe(200);
    expect((await client.control('GET', '/wallet')).json).toMatchObject({
      wallets: [{ transactionalBalance: 100_100 }],
    });
  } finally {
    await sandbox.close();
  }
  // A sandbox that does not answer leaves the banner saying so rather than the start failing.
  expect(await sandboxWalletBanner(sandbox.url)).toMatch(/Wallet {9}unknown \(/);
});
