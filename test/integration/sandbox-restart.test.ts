import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { freePort } from '../../scripts/ports.js';
import { PROJECT_ROOT } from '../../scripts/temporal-binaries.js';
import type { RunningSandbox } from '../../sandbox/app.js';
import {
  cashInBody,
  pixCashOutBody,
  SandboxClient,
  startSandbox,
  WebhookReceiver,
} from '../support/sandbox-harness.js';

let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(path.join(tmpdir(), 'sandbox-state-'));
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

async function balances(client: SandboxClient): Promise<unknown> {
  return (await client.call('GET', '/account/balance')).json.consolidated;
}

describe('a sandbox with a state directory, started again on it', () => {
  test('keeps transactions, balances, idempotency keys, the clock and the access tokens it issued', async () => {
    const first = await startSandbox({ stateDir });
    const cashIn = await first.client.call('POST', '/cash-in', { body: cashInBody() });
    const cashOutKey = randomUUID();
    const cashOutBody = pixCashOutBody();
    const cashOut = await first.client.call('POST', '/cash-out', {
      auth: 'signed',
      body: cashOutBody,
      idempotencyKey: cashOutKey,
    });
    expect([cashIn.status, cashOut.status]).toEqual([201, 202]);
    await first.client.control('POST', '/clock/advance', { seconds: 60 });
    const clockBefore = (await first.client.control('GET', '/clock')).json.now;
    const balancesBefore = await balances(first.client);
    const token = await first.client.accessToken();
    await first.sandbox.close();

    const second = await startSandbox({ stateDir });
    try {
      const bearer = { headers: { Authorization: `Bearer ${token}` } };
      expect(await balances(second.client)).toEqual(balancesBefore);
      expect(String((await second.client.control('GET', '/clock')).json.now) >= String(clockBefore)).toBe(true);
      const gotCashOut = await second.client.call('GET', `/cash-out/${String(cashOut.json.transactionId)}`, bearer);
      expect(gotCashOut.status).toBe(200);
      expect(gotCashOut.json).toEqual(cashOut.json);
      const replay = await second.client.call('POST', '/cash-out', {
        auth: 'signed',
        body: cashOutBody,
        idempotencyKey: cashOutKey,
      });
      expect(replay.text).toBe(cashOut.text);

      const paid = await second.client.control('POST', `/cash-in/${String(cashIn.json.transactionId)}/pay`);
      expect(paid.status).toBe(200);
      expect(paid.json.status).toBe('PAID');
      const cashInAfter = await second.client.call('GET', `/cash-in/${String(paid.json.endToEndId)}`);
      expect(cashInAfter.json.transactionId).toBe(cashIn.json.transactionId);
      const reference = String(cashOutBody.externalReference);
      const stored = (await second.client.control('GET', `/transactions?externalReference=${reference}`)).json;
      expect(stored.cashOuts).toHaveLength(1);
    } finally {
      await second.sandbox.close();
    }

    // What happened after the first restart survives the second one too.
    const third = await startSandbox({ stateDir });
    try {
      const got = await third.client.call('GET', `/cash-in/${String(cashIn.json.transactionId)}`);
      expect(got.json.status).toBe('PAID');
    } finally {
      await third.sandbox.close();
    }
  });

  test('a webhook delivery still owed at shutdown is delivered after the restart, byte for byte', async () => {
    // The receiver refuses the first attempt; the retry is due after the sandbox has stopped.
    const receiver = await WebhookReceiver.start((index) => (index === 0 ? 503 : 200));
    const options = { stateDir, webhookBackoffBaseMs: 1500 };
    let second: RunningSandbox | undefined;
    try {
      const first = await startSandbox(options);
      const cashIn = await first.client.call('POST', '/cash-in', { body: cashInBody({ webhookUrl: receiver.url }) });
      await first.client.control('POST', `/cash-in/${String(cashIn.json.transactionId)}/pay`);
      await receiver.waitFor(1);
      await first.sandbox.close();

      ({ sandbox: second } = await startSandbox(options));
      const [refused, retried] = await receiver.waitFor(2, 10_000);
      expect(retried?.rawBody.equals(refused?.rawBody ?? Buffer.alloc(0))).toBe(true);
      expect(retried?.headers['x-connect-signature']).toBe(refused?.headers['x-connect-signature']);
      expect(JSON.parse(String(retried?.rawBody))).toMatchObject({
        eventType: 'CASHIN_PAID',
        data: { transactionId: cashIn.json.transactionId },
      });
    } finally {
      await second?.close();
      await receiver.close();
    }
  });
});

describe('the standalone sandbox (sandbox/main.ts) with SANDBOX_STATE_DIR', () => {
  test('killed with SIGKILL right after answering, it still knows what it answered', async () => {
    const port = await freePort();
    const start = async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'sandbox/main.ts')], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, SANDBOX_PORT: String(port), SANDBOX_STATE_DIR: stateDir, SANDBOX_AUTO_PAY_MS: '' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`sandbox exited with ${String(code)}`)));
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
      });
      return child;
    };
    const client = new SandboxClient(`http://127.0.0.1:${port}`);
    const first = await start();
    let second: Awaited<ReturnType<typeof start>> | undefined;
    try {
      const cashIn = await client.call('POST', '/cash-in', { body: cashInBody() });
      const cashOut = await client.call('POST', '/cash-out', { auth: 'signed', body: pixCashOutBody() });
      const before = await balances(client);
      first.kill('SIGKILL');
      await once(first, 'exit');

      second = await start();
      expect((await client.call('GET', `/cash-out/${String(cashOut.json.transactionId)}`)).json).toEqual(cashOut.json);
      expect(await balances(client)).toEqual(before);
      const paid = await client.control('POST', `/cash-in/${String(cashIn.json.transactionId)}/pay`);
      expect(paid.json.status).toBe('PAID');
    } finally {
      first.kill('SIGKILL');
      second?.kill('SIGTERM');
      if (second && second.exitCode === null) await once(second, 'exit');
    }
  });
});
