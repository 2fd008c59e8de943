import type { Page } from 'playwright-core';

/** The text of the page and of its frames: the Temporal UI renders summaries and details in sandboxed iframes. */
export async function pageText(page: Page): Promise<string> {
  const texts = await Promise.all(
    page.frames().map((frame) =>
      frame
        .locator('body')
        .innerText({ timeout: 1000 })
        .catch(() => ''),
    ),
  );
  return texts.join('\n');
}

/** Waits up to 30 s for the page (or one of its frames) to show `text`; the error carries what it showed. */
export async function waitForText(page: Page, text: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await pageText(page)).includes(text)) {
    if (Date.now() > deadline) throw new Error(`The page never showed "${text}":\n${await pageText(page)}`);
    await page.waitForTimeout(250);
  }
}
