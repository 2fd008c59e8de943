import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { PROJECT_ROOT } from '../../scripts/temporal-binaries.js';
import { ensureReconcileSchedule, RECONCILE_SCHEDULE_ID } from '../../worker/reconcile-schedule.js';
import { startStack, type Stack } from '../support/stack.js';
import { pageText, waitForText } from '../support/page-text.js';

/**
 * The operator's console as an operator sees it: the embedded Temporal Web UI (2.54, no login) in Debian's
 * Chromium, reading payments through our codec endpoint in its masked mode. Its screenshots illustrate
 * docs/OPERATIONS.md.
 */
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing in CI: run scripts/ensure-chromium.sh`);
if (!available) console.warn(`Skipping the Web UI browser test: no ${CHROMIUM} (apt-get install -y chromium)`);
const maybe = available ? test : test.skip;

// The runbook's screenshots are refreshed on request only, so a test run leaves the working tree as it found it.
const IMAGES =
  process.env.RECORD_SCREENSHOTS === '1'
    ? path.join(PROJECT_ROOT, 'docs/images')
    : mkdtempSync(path.join(tmpdir(), 'ui-screenshots-'));
const tag = Date.now().toString(36);
const payer = { name: 'Helena Navegador Souza', document: '52998224725' };
const payee = { name: 'Otavio Navegador Lima', document: '11144477735' };
const payeeKey = 'otavio.navegador@example.com';
const personalData = [payer.name, payer.document, payee.name, payee.document, payeeKey, 'Helena', 'Otavio'];

let stack: Stack;
let browser: Browser | undefined;

beforeAll(async () => {
  stack = await startStack({ CODEC_ANONYMOUS_REDACTED: 'true', CASH_OUT_FIRST_POLL_SECONDS: '3600' }, { ui: true });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function cashIn(externalReference: string, extra: Record<string, unknown> = {}) {
  const created = await stack.api('POST', '/v1/cash-ins', { externalReference, amount: '15.00', payer, ...extra });
  expect(created.status).toBe(201);
  return created.body.connectPsp.transactionId as string;
}

/** Opens one lifecycle as an operator would and checks what they can read; returns the page's text. */
async function openLifecycle(page: Page, workflowId: string, reference: string, status: string, image: string) {
  await page.goto(`${stack.uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
  // Input and result decoded: plain JSON with the reference and the final status.
  await waitForText(page, `"externalReference": "${reference}"`);
  // A closed run shows its result; one still inside a window (an EXPIRED cash-in) its status in the details.
  if (status !== 'EXPIRED') await waitForText(page, `"status": "${status}"`);
  await page.screenshot({ path: path.join(IMAGES, image) });
  const main = await pageText(page);
  expect(main).toContain('"amountCentavos": ');
  if (main.includes('"kind": "reopened"')) {
    // A run reopened for a refund starts from the last view, which never held the payer: nothing to mask.
    expect(main).not.toContain('"payer"');
  } else {
    // The new lifecycle's input holds the payer, masked for a UI without credentials.
    expect(main).toContain('[REDACTED]');
  }

  // The summary and the current details the lifecycle keeps (User Metadata).
  await page.getByText('User Metadata').first().click();
  await waitForText(page, `ref ${reference}`);
  await waitForText(page, `${status} · R$ 15.00`);
  if (status === 'SETTLED') await page.screenshot({ path: path.join(IMAGES, 'ui-user-metadata.png') });
  const metadata = await pageText(page);
  expect(metadata).toContain('R$ ');

  // Found by the reference a service knows.
  await page.goto(
    `${stack.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(`PaymentReference="${reference}"`)}`,
  );
  await waitForText(page, workflowId);
  const text = main + metadata;
  for (const value of personalData) expect(text).not.toContain(value);
  expect(text).not.toMatch(/codec server/i);
  return text;
}

maybe(
  'the embedded Web UI shows settled, expired and refunded cash-ins and a completed cash-out readable, masked',
  async () => {
    // The expired one first: its shortest possible charge (1 minute) runs out while the others are checked.
    const expired = `ui-expired-${tag}`;
    const expiredTx = await cashIn(expired, { expirationInMinutes: 1 });
    await stack.sandbox('POST', `/_sandbox/cash-in/${expiredTx}/expire`);

    const settled = `ui-settled-${tag}`;
    await stack.sandbox('POST', `/_sandbox/cash-in/${await cashIn(settled)}/pay`);
    const refunded = `ui-refunded-${tag}`;
    await stack.sandbox('POST', `/_sandbox/cash-in/${await cashIn(refunded)}/pay`);
    await stack.waitFor(`/v1/cash-ins/${refunded}`, (b) => b.status === 'SETTLED');
    const refund = await stack.api('POST', `/v1/cash-ins/${refunded}/refund`, { reason: 'CUSTOMER_REQUEST' });
    expect(refund.status).toBe(202);
    const completed = `ui-payout-${tag}`;
    const payout = await stack.api('POST', '/v1/cash-outs', {
      externalReference: completed,
      amount: '40.00',
      payee: { ...payee, destination: { type: 'PIX', pixKeyType: 'EMAIL', pixKey: payeeKey } },
    });
    expect(payout.status).toBe(202);
    await stack.sandbox('POST', `/_sandbox/cash-out/${payout.body.connectPsp.transactionId}/complete`);
    await stack.waitFor(`/v1/cash-ins/${settled}`, (b) => b.status === 'SETTLED');
    await stack.waitFor(`/v1/cash-ins/${refunded}`, (b) => b.status === 'REFUNDED');
    await stack.waitFor(`/v1/cash-outs/${completed}`, (b) => b.status === 'COMPLETED');

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const codecFailures: string[] = [];
    page.on('response', (res) => {
      if (res.url().includes('/codec/') && res.request().method() === 'POST' && res.status() !== 200) {
        codecFailures.push(`${res.status()} ${res.url()}`);
      }
    });

    await openLifecycle(page, `cash-in:${settled}`, settled, 'SETTLED', 'ui-cash-in-settled.png');
    await page.screenshot({ path: path.join(IMAGES, 'ui-search-by-reference.png') });
    await openLifecycle(page, `cash-in:${refunded}`, refunded, 'REFUNDED', 'ui-cash-in-refunded.png');
    // A cash-out stays open through its return window: its input is readable, its status in the details.
    await page.goto(`${stack.uiUrl}/namespaces/default/workflows/${encodeURIComponent(`cash-out:${completed}`)}`);
    await waitForText(page, `"externalReference": "${completed}"`);
    await page.getByText('User Metadata').first().click();
    await waitForText(page, 'COMPLETED · R$ 40.00');
    await page.screenshot({ path: path.join(IMAGES, 'ui-cash-out-completed.png') });
    const payoutText = await pageText(page);
    for (const value of personalData) expect(payoutText).not.toContain(value);

    // The reconciliation, as the Schedules page and its last pass show it.
    await ensureReconcileSchedule(stack.env.client, stack.config, pino({ level: 'silent' }));
    await stack.env.client.schedule.getHandle(RECONCILE_SCHEDULE_ID).trigger();
    await page.goto(`${stack.uiUrl}/namespaces/default/schedules`);
    await waitForText(page, RECONCILE_SCHEDULE_ID);
    await page.screenshot({ path: path.join(IMAGES, 'ui-schedules.png') });

    await stack.waitFor(`/v1/cash-ins/${expired}`, (b) => b.status === 'EXPIRED', 90_000);
    await openLifecycle(page, `cash-in:${expired}`, expired, 'EXPIRED', 'ui-cash-in-expired.png');
    expect(codecFailures).toEqual([]);
  },
  // The shortest charge ConnectPSP accepts runs a minute before it can expire.
  180_000,
);
