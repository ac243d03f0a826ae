import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { ORGANISER, startTestServer, type TestServer } from '../support/server.js';

/**
 * A topic stored before the server refused links other than http(s) may still hold a
 * `javascript:` or `data:` material link. The organiser page shows it, in Chromium, without ever
 * making it something to click.
 */

const ORGANISER_KEY = 'organiser-key-for-the-link-test-0123456789';
const ID = 'old-links';
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ env: { ORGANISER_KEY }, rooms: [] });
  browser = await launchChromium();
  // Straight into the store, past the REST schema, as a topic written by an older version was.
  const materials = [
    { title: '调研报告', url: 'https://example.org/report.pdf' },
    { title: '脚本链接', url: 'javascript:alert(document.domain)' },
    { title: '数据链接', url: 'data:text/html,<script>alert(1)</script>' },
    { title: '大写脚本', url: ' JavaScript:alert(1)' },
  ];
  await server.sessions.execute(
    ID,
    {
      type: 'topic.create',
      id: ID,
      fields: { title: '旧议题', background: '', materials, sectors: [], organiser: '政协办公厅' },
      agenda: [],
      settings: {},
    },
    ORGANISER,
  );
  // Started: the topic page shows its details read-only, links included.
  await server.sessions.execute(ID, { type: 'session.open' }, ORGANISER);
  await server.sessions.execute(ID, { type: 'session.start' }, { id: 'chair-1', name: '王主席', role: 'chair' });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('material links stored before the scheme check', () => {
  it('are shown as text, and only http(s) ones are links', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${server.url}/organiser#/topics/${ID}`);
    await page.getByLabel('主办方密钥').fill(ORGANISER_KEY);
    await page.getByRole('button', { name: '进入' }).click();
    await page.getByRole('heading', { name: '参阅材料' }).waitFor();

    const hrefs = await page.locator('a[href]').evaluateAll((els) => els.map((a) => a.getAttribute('href') ?? ''));
    // http(s), in-page and this site's own pages (the directory's /records) only: no other scheme.
    expect(hrefs.filter((href) => !/^(https?:\/\/|#|\/(?!\/))/.test(href))).toEqual([]);
    expect(await page.getByRole('link', { name: '调研报告' }).getAttribute('href')).toBe(
      'https://example.org/report.pdf',
    );
    for (const title of ['脚本链接', '数据链接', '大写脚本']) {
      expect(await page.getByRole('link', { name: title }).count(), title).toBe(0);
      await page.getByText(title).click(); // shown, and clicking it runs nothing
    }
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
