import { fileURLToPath } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import type { CashInResult, CashOutResult, CreateCashInInput, CreateCashOutInput } from '../../activities/index.js';
import { SANDBOX_CREDENTIALS } from '../../config/env.js';
import { ConnectPspClient, type ConnectPspCredentials } from '../../connectpsp/client.js';
import { idempotencyKey } from '../../connectpsp/idempotency.js';
import type { ExchangeEvent } from '../../connectpsp/logger.js';
import { createSandbox, type RunningSandbox } from '../../sandbox/app.js';
import { createTestEnv } from '../support/temporal.js';
import type { ActivityName } from '../workflows/activity-harness.js';

/**
 * The activities through a real worker on a real Temporal dev server, against the sandbox over HTTP: results in
 * centavos, failures typed by ConnectPSP code, Temporal's retries driven by the taxonomy, and one ConnectPSP
 * transaction per operation even when responses are lost.
 */

const workflowsPath = fileURLToPath(new URL('../workflows/activity-harness.ts', import.meta.url));
const payer = { name: 'Maria Silva', document: '12345678909' };

describe('ConnectPSP activities on a real worker', () => {
  let env: TestWorkflowEnvironment;
  let sandbox: RunningSandbox;
  let bundle: WorkflowBundleWithSourceMap;
  let exchanges: ExchangeEvent[] = [];
  let sequence = 0;
  const clients: ConnectPspClient[] = [];
  const unique = (prefix: string) => `${prefix}-${Date.now()}-${(sequence += 1)}`;

  beforeAll(async () => {
    [env, sandbox, bundle] = await Promise.all([
      createTestEnv(),
      createSandbox(),
      bundleWorkflowCode({ workflowsPath }),
    ]);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sandbox?.close();
    await env?.teardown();
  });

  beforeEach(() => {
    exchanges = [];
  });

  afterEach(async () => {
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
  });

  function clientWith(credentials: Partial<ConnectPspCredentials> = {}): ConnectPspClient {
    const client = new ConnectPspClient({
      baseUrl: sandbox.url,
      credentials: { ...SANDBOX_CREDENTIALS, ...credentials },
      onExchange: (event) => exchanges.push(event),
    });
    clients.push(client);
    return client;
  }

  /** Runs `body` while a worker with activities over `client` serves a fresh task queue. */
  async function withWorker<T>(
    body: (
      run: (name: ActivityName, input?: unknown, workflowId?: string) => Promise<unknown>,
      taskQueue: string,
    ) => Promise<T>,
    client = clientWith(),
  ): Promise<T> {
    const taskQueue = unique('connectpsp-activities');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: createActivities({ client }),
    });
    const run = (name: ActivityName, input?: unknown, workflowId = unique(name)) =>
      env.client.workflow.execute('runConnectPspActivity', { taskQueue, workflowId, args: [name, input] });
    return worker.runUntil(body(run, taskQueue));
  }

  /** The attempt number Temporal recorded for the (single) activity of a finished workflow. */
  async function activityAttempt(workflowId: string): Promise<number> {
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const started = history.events?.find((event) => event.activityTaskStartedEventAttributes != null);
    return started?.activityTaskStartedEventAttributes?.attempt ?? 0;
  }

  async function sandboxCashIns(externalReference: string): Promise<Array<{ transactionId: string }>> {
    const response = await fetch(`${sandbox.url}/_sandbox/transactions?externalReference=${externalReference}`);
    return ((await response.json()) as { cashIns: Array<{ transactionId: string }> }).cashIns;
  }

  async function setFaults(config: unknown): Promise<void> {
    const response = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(config),
    });
    expect(response.status).toBe(200);
  }

  async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not reached in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The ApplicationFailure a workflow failed with, through its ActivityFailure. */
  async function activityFailure(promise: Promise<unknown>): Promise<ApplicationFailure> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const activity = (error as WorkflowFailedError).cause;
    expect(activity).toBeInstanceOf(ActivityFailure);
    const cause = (activity as ActivityFailure).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    return cause as ApplicationFailure;
  }

  test('every activity runs through the worker and returns plain data with money in centavos', async () => {
    await withWorker(async (run) => {
      const cashInInput: CreateCashInInput = {
        operation: 'create-cash-in',
        externalReference: unique('order'),
        amountCentavos: 15_050,
        payer,
      };
      const cashIn = (await run('createCashIn', cashInInput)) as CashInResult;
      expect(cashIn).toMatchObject({ status: 'AWAITING_PAYMENT', amountCentavos: 15_050 });
      expect(cashIn.endToEndId).toBeUndefined();
      expect(cashIn.copyAndPaste?.startsWith('000201')).toBe(true);
      // The PNG stays out of history: the API renders it from the BR Code.
      expect(JSON.stringify(cashIn)).not.toContain('qrCodeImageBase64');
      // Results go to workflow history, which operators read: no personal data in them.
      expect(JSON.stringify(cashIn)).not.toMatch(/Maria|12345678909/);

      await fetch(`${sandbox.url}/_sandbox/cash-in/${cashIn.transactionId}/pay`, { method: 'POST' });
      const paid = (await run('getCashIn', { id: cashIn.internalCode })) as CashInResult;
      expect(paid).toMatchObject({ status: 'PAID', amountCentavos: 15_050 });
      expect(paid.endToEndId).toMatch(/^E/);

      const refund = await run('refundCashIn', {
        operation: 'refund',
        id: cashIn.transactionId,
        reason: 'CUSTOMER_REQUEST',
      });
      expect(refund).toMatchObject({ transactionId: cashIn.transactionId, endToEndId: expect.stringMatching(/^D/) });

      const cashOutInput: CreateCashOutInput = {
        operation: 'create-cash-out',
        externalReference: unique('payout'),
        amountCentavos: 5_000,
        payee: { ...payer, destination: { type: 'PIX', pixKeyType: 'CPF', pixKey: '12345678909' } },
      };
      const cashOut = (await run('createCashOut', cashOutInput)) as CashOutResult;
      expect(cashOut).toMatchObject({ status: 'PROCESSING', amountCentavos: 5_000 });
      expect(cashOut.failure).toBeUndefined();
      expect(JSON.stringify(cashOut)).not.toMatch(/Maria|12345678909/);
      await fetch(`${sandbox.url}/_sandbox/cash-out/${cashOut.transactionId}/fail`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'PIX_KEY_NOT_FOUND' }),
      });
      const failed = (await run('getCashOut', { id: cashOut.internalCode })) as CashOutResult;
      expect(failed).toMatchObject({ status: 'FAILED', failure: { code: 'PIX_KEY_NOT_FOUND' } });

      const balance = (await run('getBalance')) as {
        totalCentavos: number;
        transactionalCentavos: number;
        proprietaryCentavos: number;
      };
      expect(Number.isSafeInteger(balance.totalCentavos)).toBe(true);
      expect(balance.totalCentavos).toBe(balance.transactionalCentavos + balance.proprietaryCentavos);

      const target = balance.transactionalCentavos + 1_000;
      expect(await run('rebalance', { operation: 'rebalance', targetCentavos: target })).toMatchObject({
        success: true,
      });
      const after = (await run('getBalance')) as { transactionalCentavos: number };
      expect(after.transactionalCentavos).toBe(target);
    });
  });

  test('a business error fails at once with its ConnectPSP code and the problem body in the details', async () => {
    await withWorker(async (run) => {
      const workflowId = unique('insufficient');
      const failure = await activityFailure(
        run(
          'createCashOut',
          {
            operation: 'create-cash-out',
            externalReference: unique('big'),
            amountCentavos: 90_000_000_000,
            payee: { ...payer, destination: { type: 'PIX', pixKeyType: 'CPF', pixKey: '12345678909' } },
          },
          workflowId,
        ),
      );
      expect(failure.type).toBe('INSUFFICIENT_FUNDS');
      expect(failure.nonRetryable).toBe(true);
      expect(failure.details?.[0]).toMatchObject({
        kind: 'BUSINESS',
        status: 422,
        problem: { code: 'INSUFFICIENT_FUNDS' },
      });
      expect(await activityAttempt(workflowId)).toBe(1);
    });
  });

  test('a configuration error fails at once and says what to check', async () => {
    await withWorker(
      async (run) => {
        const workflowId = unique('bad-credentials');
        const failure = await activityFailure(run('getBalance', undefined, workflowId));
        expect(failure.type).toBe('INVALID_CREDENTIALS');
        expect(failure.nonRetryable).toBe(true);
        expect(failure.message).toContain('CONNECTPSP_CLIENT_SECRET');
        expect(await activityAttempt(workflowId)).toBe(1);
      },
      clientWith({ clientSecret: 'wrong-secret' }),
    );
  });

  test('5xx answers are retried by Temporal until ConnectPSP recovers', async () => {
    await withWorker(async (run) => {
      await setFaults({ endpoints: { 'GET /account/balance': { errorRate: 1, errorStatus: 503 } } });
      const workflowId = unique('flaky-balance');
      const result = run('getBalance', undefined, workflowId);
      await until(
        () => exchanges.filter((e) => e.operation === 'GET /account/balance' && e.status === 503).length >= 2,
      );
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
      expect(await result).toMatchObject({ currency: 'BRL' });
      expect(await activityAttempt(workflowId)).toBeGreaterThanOrEqual(3);
    });
  });

  test('a cash-in create whose responses are lost, retried by Temporal, makes exactly one sandbox transaction', async () => {
    await withWorker(async (run) => {
      const externalReference = unique('lost');
      const workflowId = unique('cash-in');
      await setFaults({ endpoints: { 'POST /cash-in': { lostResponseRate: 1 } } });
      const result = run(
        'createCashIn',
        { operation: 'create-cash-in', externalReference, amountCentavos: 7_770, payer } satisfies CreateCashInInput,
        workflowId,
      );
      // Every attempt does the work and loses the answer; each later attempt replays the first through its key.
      await until(() => exchanges.filter((e) => e.operation === 'POST /cash-in' && e.status === undefined).length >= 3);
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
      const cashIn = (await result) as CashInResult;

      expect(await activityAttempt(workflowId)).toBeGreaterThanOrEqual(4);
      const stored = await sandboxCashIns(externalReference);
      expect(stored.map((c) => c.transactionId)).toEqual([cashIn.transactionId]);
      expect(cashIn.amountCentavos).toBe(7_770);
    });
  });

  test('a new run of the same workflow id sends the same key, so ConnectPSP answers with the first cash-in', async () => {
    await withWorker(async (run) => {
      const workflowId = unique('rerun');
      const input: CreateCashInInput = {
        operation: 'create-cash-in',
        externalReference: unique('rerun'),
        amountCentavos: 100,
        payer,
      };
      const first = (await run('createCashIn', input, workflowId)) as CashInResult;
      const second = (await run('createCashIn', input, workflowId)) as CashInResult;
      expect(second.transactionId).toBe(first.transactionId);
      expect(await sandboxCashIns(input.externalReference)).toHaveLength(1);
      expect(idempotencyKey(workflowId, 'create-cash-in')).not.toBe(idempotencyKey(workflowId, 'create-cash-in-2'));
    });
  });
});
