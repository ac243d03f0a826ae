import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediasoupGateway } from '@yishi/sfu';
import { joinUrl } from '@yishi/signaling';
import { inboundStats, joinRoom, launchChromium, waitForMediaFrom } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Real browsers, real worker: media must actually flow through the SFU. This is also the check
 * for the worker build's DTLS fix — without it the worker dies on the first browser handshake.
 */
describe('browsers see and hear each other through the SFU', () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  async function open(sub: string, name: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    contexts.push(context);
    const page = await context.newPage();
    await joinRoom(page, joinUrl(server.url, 'room1', server.token({ sub, name, room: 'room1' })));
    return page;
  }

  it('two pages receive each other, a third receives both, a leaver disappears', async () => {
    const pool = (server.gateway as MediasoupGateway).pool;
    const workerPids = pool.slots.map((s) => s.worker.pid);

    const alice = await open('alice', '甲委员');
    const bob = await open('bob', '乙委员');

    const bobSeenByAlice = await waitForMediaFrom(alice, 'bob');
    const aliceSeenByBob = await waitForMediaFrom(bob, 'alice');
    expect(bobSeenByAlice.find((r) => r.kind === 'video')?.framesDecoded).toBeGreaterThan(0);
    expect(aliceSeenByBob.find((r) => r.kind === 'audio')?.packetsReceived).toBeGreaterThan(0);

    const carol = await open('carol', '丙委员');
    await waitForMediaFrom(carol, 'alice');
    await waitForMediaFrom(carol, 'bob');
    await waitForMediaFrom(alice, 'carol');

    // The fake microphones make sound: the active-speaker observer highlights someone.
    await alice.waitForSelector('.tile.speaking', { timeout: 15_000 });

    // The grid shows every participant by name.
    await expect.poll(() => alice.locator('[data-testid="tile"]').count()).toBe(3);
    expect(await alice.locator('[data-peer-id="bob"]').textContent()).toContain('乙委员');

    // Bob leaves: his tile disappears from the others, and they stop consuming him.
    await bob.click('[data-testid="leave"]');
    await alice.waitForSelector('[data-peer-id="bob"]', { state: 'detached', timeout: 10_000 });
    await carol.waitForSelector('[data-peer-id="bob"]', { state: 'detached', timeout: 10_000 });
    expect((await inboundStats(alice)).some((r) => r.peerId === 'bob')).toBe(false);

    // DTLS handshakes with three browsers did not kill the worker.
    expect(pool.slots.map((s) => s.worker.pid)).toEqual(workerPids);
  });
});
