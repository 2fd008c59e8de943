import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { once } from 'node:events';
import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { createApp } from '../../api/app.js';
import { loadConfig } from '../../config/env.js';

const CHROMIUM = '/usr/bin/chromium';
// CI installs Chromium (scripts/ensure-chromium.sh); elsewhere the test says why it did not run.
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing in CI: run scripts/ensure-chromium.sh`);
if (!available) console.warn(`Skipping the /docs browser test: no ${CHROMIUM} (apt-get install -y chromium)`);
const maybe = available ? test : test.skip;

let server: Server;
let browser: Browser | undefined;
const connection = Connection.lazy({ address: '127.0.0.1:1' });

beforeAll(async () => {
  const config = loadConfig({ NODE_ENV: 'test' });
  server = createApp({ config, temporal: new Client({ connection }), logger: pino({ level: 'silent' }) }).listen(
    0,
    '127.0.0.1',
  );
  await once(server, 'listening');
});
afterAll(async () => {
  await browser?.close();
  server.closeAllConnections();
  server.close();
  await connection.close();
});

maybe('/docs renders every tag and operation in headless Chromium with no request leaving loopback', async () => {
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage();
  const outside: string[] = [];
  const errors: string[] = [];
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    outside.push(url.href);
    return route.abort();
  });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${base}/docs`);
  await page.waitForSelector('.opblock-tag', { timeout: 30_000 });
  const tags = await page.locator('.opblock-tag').allInnerTexts();
  expect(tags.join(' ')).toEqual(expect.stringContaining('Cash-ins'));
  expect(tags.join(' ')).toEqual(expect.stringContaining('Operations'));
  expect(await page.locator('.opblock-summary-path[data-path="/v1/cash-ins/{externalReference}/refund"]').count()).toBe(
    1,
  );
  expect(await page.locator('.title').first().innerText()).toContain('PIX agent API');
  expect(outside).toEqual([]);
  expect(errors).toEqual([]);
});
