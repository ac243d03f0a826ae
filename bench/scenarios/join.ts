import { joinUrl } from '@yishi/signaling';
import { launchChromium } from '../../tests/support/browser.js';
import { RedisServer } from '../../tests/support/redis.js';
import { startTestServer } from '../../tests/support/server.js';
import { quantile } from '../stats.js';

/**
 * join: a publisher is in the room; a fresh headless Chromium page opens a join link with
 * autojoin, and we read when it shows the first remote video frame (the client's
 * `yishi:first-remote-frame` performance mark, relative to navigation start). With `nodes: 2`
 * (two servers sharing a real Redis) the publisher is on the first node and the pages join the
 * second, whose first remote frame is piped from the first.
 */
export async function join(options: { runs: number; nodes: 1 | 2 }) {
  const redis = options.nodes === 2 ? await RedisServer.start() : undefined;
  const env: Record<string, string> = { MEDIASOUP_WORKERS: '1', ...(redis ? { REDIS_URL: redis.url } : {}) };
  const server = await startTestServer({ env, rooms: ['bench'] });
  const joinAt = redis ? await startTestServer({ env, rooms: [] }) : server;
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
      const url = joinUrl(joinAt.url, 'bench', joinAt.token({ sub: `guest-${i}`, name: `委员${i}`, room: 'bench' }));
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
      data: { nodes: options.nodes, samplesMs: samples, p50Ms: quantile(samples, 0.5), p95Ms: quantile(samples, 0.95) },
    };
  } finally {
    await browser.close();
    if (joinAt !== server) await joinAt.close();
    await server.close();
    await redis?.stop();
  }
}
