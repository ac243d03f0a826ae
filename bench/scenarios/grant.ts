import { joinUrl } from '@yishi/signaling';
import { PROTOCOL_VERSION } from '@yishi/shared';
import { joinRoom, launchChromium } from '../../tests/support/browser.js';
import { TestClient } from '../../tests/support/client.js';
import { openTopic, startTestServer } from '../../tests/support/server.js';
import { watchFirstMedia } from '../lib/pageWatch.js';
import { quantile } from '../stats.js';

/**
 * grant: in moderated mode, the time from the chair's `floor:grant` request to the first new
 * audio packet of the granted member at another page (a real Chromium listener polling
 * getStats every 10 ms). Chair is a signaling client in this process; both clocks are this machine's.
 */
export async function grant(options: { runs: number }) {
  const server = await startTestServer({ rooms: [] });
  await openTopic(server.sessions, 'bench');
  const browser = await launchChromium();
  try {
    const page = async (sub: string, name: string) => {
      const p = await (await browser.newContext()).newPage();
      await joinRoom(p, joinUrl(server.url, 'bench', server.token({ sub, name, room: 'bench' })));
      return p;
    };
    const member = await page('member', '发言委员');
    const listener = await page('listener', '听会委员');
    const chair = await TestClient.connect(server.url, {
      token: server.token({ sub: 'chair', name: '主持人', role: 'chair', room: 'bench' }),
      roomId: 'bench',
      protocolVersion: PROTOCOL_VERSION,
    });
    const { rtpCapabilities } = await chair.call('media:routerCapabilities', {});
    await chair.call('room:join', { rtpCapabilities });
    await listener.waitForFunction(async () =>
      ((await window.yishi?.session?.inboundStats()) ?? []).some((r) => r.peerId === 'member' && r.kind === 'audio'),
    );

    const samples: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      await member.evaluate(() => window.yishi?.session?.consultation.act('queue:request', { kind: 'contribution' }));
      await listener.waitForTimeout(300);
      // The listener starts watching (getStats every 10 ms), then the chair grants.
      const seen = await watchFirstMedia(listener, { from: ['member'], kinds: ['audio'], pollMs: 10 });
      const grantedAt = Date.now();
      await chair.call('floor:grant', {});
      samples.push(((await seen())['member/audio'] as number) - grantedAt);
      await chair.call('floor:end', {});
      await listener.waitForTimeout(500);
    }
    chair.close();
    return {
      table: [
        { figure: 'grant → audio at another page p50 (ms)', value: quantile(samples, 0.5) },
        { figure: 'grant → audio at another page p95 (ms)', value: quantile(samples, 0.95) },
        { figure: 'runs', value: samples.length },
      ],
      data: { samplesMs: samples, p50Ms: quantile(samples, 0.5), p95Ms: quantile(samples, 0.95) },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
