import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinUrl } from '@yishi/signaling';
import type { Role } from '@yishi/shared';
import { audioPacketsFrom, joinRoom, launchChromium, waitForMediaFrom } from '../support/browser.js';
import { RedisServer } from '../support/redis.js';
import { openTopic, startTestServer, type TestServer } from '../support/server.js';

/**
 * One consultation over two nodes sharing a real Redis: pages in real Chromium connected to
 * different nodes see and hear each other (media piped between the nodes' routers), and the
 * chair on node A gating a member on node B silences that member on both nodes.
 */

const ROOM = 'two-nodes';
let redis: RedisServer;
let nodeA: TestServer;
let nodeB: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
  const env = { REDIS_URL: redis.url, REDIS_PREFIX: `e2e-${randomUUID().slice(0, 8)}:` };
  nodeA = await startTestServer({ env, rooms: [] });
  nodeB = await startTestServer({ env, rooms: [] });
  await openTopic(nodeA.sessions, ROOM);
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  await browser?.close();
  await nodeA?.close();
  await nodeB?.close();
  await redis?.stop();
});

async function open(node: TestServer, sub: string, name: string, role: Role): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  contexts.push(context);
  const page = await context.newPage();
  await joinRoom(page, joinUrl(node.url, ROOM, node.token({ sub, name, role, room: ROOM })));
  return page;
}

function act(page: Page, name: string, payload: unknown): Promise<unknown> {
  return page.evaluate(([n, p]) => window.yishi?.session?.consultation.act(n as string, p), [name, payload] as const);
}

/** Audio packets `listener` receives from `speakerId` over `ms`. */
async function audioGrowth(listener: Page, speakerId: string, ms: number): Promise<number> {
  const before = await audioPacketsFrom(listener, speakerId);
  await listener.waitForTimeout(ms);
  return (await audioPacketsFrom(listener, speakerId)) - before;
}

describe('a consultation across two nodes', () => {
  it('pages on different nodes see and hear each other, and floor control holds on both', async () => {
    const chair = await open(nodeA, 'chair', '王主席', 'chair');
    const zhang = await open(nodeB, 'zhang', '张委员', 'member');
    const liu = await open(nodeB, 'liu', '刘局长', 'guest');

    // Node A's chair reaches node B's pages; node B's member reaches node A's page (video at once;
    // the member's microphone is gated until the floor is theirs).
    const chairOnB = await waitForMediaFrom(zhang, 'chair');
    expect(chairOnB.find((r) => r.kind === 'video')?.framesDecoded).toBeGreaterThan(0);
    await expect
      .poll(async () => (await chair.evaluate(() => window.yishi?.session?.inboundStats())) ?? [], { timeout: 30_000 })
      .toContainEqual(expect.objectContaining({ peerId: 'zhang', kind: 'video', framesDecoded: expect.any(Number) }));

    // The member on node B asks for the floor; the chair on node A grants it: both nodes hear them.
    await act(zhang, 'queue:request', { kind: 'contribution' });
    await chair.waitForSelector('[data-testid="queue-entry"][data-speaker-id="zhang"]');
    await act(chair, 'floor:grant', {});
    const zhangOnA = await waitForMediaFrom(chair, 'zhang');
    expect(zhangOnA.find((r) => r.kind === 'audio')?.packetsReceived).toBeGreaterThan(0);
    await expect.poll(() => audioGrowth(liu, 'zhang', 500), { timeout: 10_000 }).toBeGreaterThan(0);

    // The chair on node A ends the turn: the member is gated at node B, so silent on both nodes.
    await act(chair, 'floor:end', {});
    await zhang.waitForSelector('[data-testid="mic-locked"]');
    await chair.waitForTimeout(500);
    const [onA, onB] = await Promise.all([audioGrowth(chair, 'zhang', 2000), audioGrowth(liu, 'zhang', 2000)]);
    expect({ onA, onB }).toEqual({ onA: 0, onB: 0 });
  });
});
