import { joinUrl } from '@yishi/signaling';
import { launchChromium } from '../../tests/support/browser.js';
import { startTestServer } from '../../tests/support/server.js';
import { quantile } from '../stats.js';

/**
 * join: a publisher is in the room; a fresh headless Chromium page opens a join link with
 * autojoin, and we read when it shows the first remote video frame (the client's
 * `yishi:first-remote-frame` performance mark, relative to navigation start).
 */
export async function join(options: { runs: number }) {
  const server = await startTestServer({ env: { MEDIASOUP_WORKERS: '1' }, rooms: ['bench'] });
  const browser = await launchChromium();
  try {
    const hostContext = await browser.newContext();
    const host = await hostContext.newPage();
    await host.goto(
      `${joinUrl(server.url, 'bench', server.token({ sub: 'host', name: '主持人', role: 'chair', room: 'bench' }))}&autojoin=1`,
    );
    await host.waitForSelector('[data-testid="room"][data-phase="joined"]');

    const samples: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const url = joinUrl(server.url, 'bench', server.token({ sub: `guest-${i}`, name: `委员${i}`, room: 'bench' }));
      await page.goto(`${url}&autojoin=1`);
      const handle = await page.waitForFunction(
        () => performance.getEntriesByName('yishi:first-remote-frame')[0]?.startTime,
        undefined,
        { timeout: 30_000, polling: 50 },
      );
      samples.push(Math.round((await handle.jsonValue()) as number));
      await context.close();
    }
    return {
      table: [
        { figure: 'join → first remote frame p50 (ms)', value: quantile(samples, 0.5) },
        { figure: 'join → first remote frame p95 (ms)', value: quantile(samples, 0.95) },
        { figure: 'runs', value: samples.length },
      ],
      data: { samplesMs: samples, p50Ms: quantile(samples, 0.5), p95Ms: quantile(samples, 0.95) },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
