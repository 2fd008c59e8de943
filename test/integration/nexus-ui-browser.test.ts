import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { NEXUS_CALLER_NAMESPACE, NEXUS_CALLER_TASK_QUEUE } from '../../examples/nexus-caller/names.js';
import { checkoutWithPix, payerQrCodeQuery } from '../../examples/nexus-caller/workflow.js';
import { PIX_PAYMENTS_ENDPOINT } from '../../nexus/pix-payments-service.js';
import { PROJECT_ROOT } from '../../scripts/temporal-binaries.js';
import { startNexusCaller, type NexusCaller } from '../support/nexus-caller.js';
import { startStack, type Stack } from '../support/stack.js';
import { pageText, waitForText } from '../support/page-text.js';

/**
 * What an operator sees of a Nexus call in the embedded Web UI (2.54) in Debian's Chromium: the endpoint, the
 * caller's Nexus operations in its namespace, and our lifecycle's Nexus callback. Its screenshots illustrate
 * docs/NEXUS.md (refreshed with RECORD_SCREENSHOTS=1).
 */
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing in CI: run scripts/ensure-chromium.sh`);
const maybe = available ? test : test.skip;
const IMAGES =
  process.env.RECORD_SCREENSHOTS === '1'
    ? path.join(PROJECT_ROOT, 'docs/images')
    : mkdtempSync(path.join(tmpdir(), 'ui-screenshots-'));
const payer = { name: 'Helena Navegador Souza', document: '52998224725' };

let stack: Stack;
let nexusCaller: NexusCaller | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  stack = await startStack({ CODEC_ANONYMOUS_REDACTED: 'true' }, { ui: true });
  nexusCaller = await startNexusCaller(stack);
});
afterAll(async () => {
  await browser?.close();
  await nexusCaller?.stop();
  await stack?.stop();
});

maybe('the Web UI shows the endpoint, the caller’s Nexus operations and our lifecycle’s callback', async () => {
  const externalReference = `nexus-ui-${Date.now().toString(36)}`;
  const checkout = await nexusCaller!.client.workflow.start(checkoutWithPix, {
    workflowId: `checkout:${externalReference}`,
    taskQueue: NEXUS_CALLER_TASK_QUEUE,
    args: [{ externalReference, amount: '31.50', payer }],
  });
  while (!(await checkout.query(payerQrCodeQuery))) await new Promise((r) => setTimeout(r, 100));
  const cashIn = await stack.api('GET', `/v1/cash-ins/${externalReference}`);
  await stack.sandbox('POST', `/_sandbox/cash-in/${cashIn.body.connectPsp.transactionId}/pay`);
  expect(await checkout.result()).toMatchObject({ status: 'SETTLED' });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });

  await page.goto(`${stack.uiUrl}/nexus`);
  await waitForText(page, PIX_PAYMENTS_ENDPOINT);
  const { endpoints } = await stack.env.connection.operatorService.listNexusEndpoints({ name: PIX_PAYMENTS_ENDPOINT });
  await page.goto(`${stack.uiUrl}/nexus/${endpoints![0]!.id}`);
  await waitForText(page, 'Task Queue is Active');
  await waitForText(page, 'nexus/pix-payments-service.ts');
  expect(await pageText(page)).toContain(stack.config.TEMPORAL_TASK_QUEUE);
  await page.screenshot({ path: path.join(IMAGES, 'ui-nexus-endpoint.png') });

  await page.goto(
    `${stack.uiUrl}/namespaces/${NEXUS_CALLER_NAMESPACE}/workflows/${encodeURIComponent(checkout.workflowId)}`,
  );
  await waitForText(page, 'pix-payments.cashIn');
  await waitForText(page, '"status": "SETTLED"');
  await page.screenshot({ path: path.join(IMAGES, 'ui-nexus-caller-workflow.png') });
  await page.getByText('Event History').first().click();
  await waitForText(page, 'Nexus Operation Started');
  const history = await pageText(page);
  expect(history.match(/Nexus Operation Scheduled/g)).toHaveLength(2);
  expect(history.match(/Nexus Operation Completed/g)).toHaveLength(2);
  // The payer's data stays masked in the caller's input too: the codec endpoint serves every namespace alike.
  expect(history).not.toContain(payer.name);
  await page.getByText('Nexus Operation Scheduled').last().scrollIntoViewIfNeeded();
  await page.mouse.wheel(0, 250);
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(IMAGES, 'ui-nexus-caller-history.png') });

  await page.goto(`${stack.uiUrl}/namespaces/default/workflows/${encodeURIComponent(`cash-in:${externalReference}`)}`);
  await waitForText(page, 'Nexus Callback has succeeded');
  await waitForText(page, NEXUS_CALLER_NAMESPACE);
  await page.screenshot({ path: path.join(IMAGES, 'ui-nexus-cash-in-lifecycle.png') });
});
