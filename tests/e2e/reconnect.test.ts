import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioPacketsFrom, inboundStats, waitForMediaFrom } from '../support/browser.js';
import { netnsUnavailable } from '../support/netns.js';
import { startWeakLinkRig, type WeakLinkRig } from '../support/weakLink.js';

/**
 * A member's link goes dead (all packets dropped, through real network namespaces, see
 * netns.ts) and comes back. After a short loss the connection survives and media resumes over
 * the same transports (ICE restart); after a long one the page reconnects by itself, resumes its
 * participant and media on the server (same consumers, nobody saw a leave), and a comment written
 * while offline is delivered, once. Behaviours only, never timings.
 */

const unavailable = netnsUnavailable();
if (unavailable) console.warn(`reconnect.test.ts skipped: ${unavailable}`);

const ROOM = 'reconnect';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(unavailable !== undefined)('a member whose link drops and comes back', () => {
  let rig: WeakLinkRig | undefined;
  let bob: Page;
  let alice: Page;

  beforeAll(async () => {
    rig = await startWeakLinkRig(ROOM, { mode: 'open' });
    bob = await rig.open('host', 'bob', { name: '乙委员', role: 'member' });
    alice = await rig.open('shaped', 'alice', { name: '甲委员', role: 'member' });
    await waitForMediaFrom(bob, 'alice');
    await waitForMediaFrom(alice, 'bob');
  });
  afterAll(async () => {
    await rig?.close();
  });

  const consumerIds = async (page: Page, peerId: string) =>
    (await inboundStats(page))
      .filter((r) => r.peerId === peerId)
      .map((r) => r.consumerId)
      .sort();

  /** Resolves once `listener` receives audio from `speakerId` again. */
  async function audioFlows(listener: Page, speakerId: string): Promise<void> {
    const before = await audioPacketsFrom(listener, speakerId);
    await expect.poll(() => audioPacketsFrom(listener, speakerId), { timeout: 60_000 }).toBeGreaterThan(before);
  }

  /** Alice's attendance as the server recorded it: one interval, still open, means she never left. */
  const attendance = () => rig!.server.sessions.current(ROOM).state.attendance.alice?.intervals ?? [];

  it('after a short loss, media resumes over the same transports and consumers', async () => {
    const before = { atBob: await consumerIds(bob, 'alice'), atAlice: await consumerIds(alice, 'bob') };
    rig!.netns.shape({ loss: 1 });
    await sleep(8_000);
    rig!.netns.shape({});
    await audioFlows(bob, 'alice');
    await audioFlows(alice, 'bob');
    expect(await consumerIds(bob, 'alice')).toEqual(before.atBob);
    expect(await consumerIds(alice, 'bob')).toEqual(before.atAlice);
    expect(attendance()).toEqual([expect.not.objectContaining({ leftAt: expect.anything() })]);
  });

  it('after a long loss, the page reconnects by itself, resumes, and delivers a comment written offline once', async () => {
    const before = { atBob: await consumerIds(bob, 'alice'), atAlice: await consumerIds(alice, 'bob') };
    // Bob's page lists Alice throughout: a leave would remove her tile.
    let tileGone = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        if ((await bob.locator('[data-peer-id="alice"]').count()) === 0) tileGone++;
        await sleep(250);
      }
    })();
    rig!.netns.shape({ loss: 1 });
    // Her page notices (Socket.IO's ping timeout) and shows it is reconnecting.
    await alice.waitForSelector('[data-testid="room"][data-phase="reconnecting"]', { timeout: 40_000 });
    await alice.click('[data-testid="tab-comments"]');
    await alice.fill('[data-testid="comment-input"]', '断网时写的意见');
    await alice.click('[data-testid="comment-send"]');
    await alice.waitForSelector('[data-testid="unsent-comments"]');
    await sleep(3_000);
    rig!.netns.shape({});

    await alice.waitForSelector('[data-testid="room"][data-phase="joined"]', { timeout: 40_000 });
    await alice.waitForSelector('[data-testid="unsent-comments"]', { state: 'detached', timeout: 30_000 });
    await bob.click('[data-testid="tab-comments"]');
    await bob.locator('[data-testid="comment"]', { hasText: '断网时写的意见' }).waitFor({ timeout: 30_000 });
    await audioFlows(bob, 'alice');
    await audioFlows(alice, 'bob');

    expect(await bob.locator('[data-testid="comment"]', { hasText: '断网时写的意见' }).count()).toBe(1);
    const stored = rig!.server.sessions.current(ROOM).state.comments.filter((c) => c.text === '断网时写的意见');
    expect(stored).toHaveLength(1);
    expect(await consumerIds(bob, 'alice')).toEqual(before.atBob);
    expect(await consumerIds(alice, 'bob')).toEqual(before.atAlice);
    expect(attendance()).toEqual([expect.not.objectContaining({ leftAt: expect.anything() })]);
    watching = false;
    await watch;
    expect(tileGone).toBe(0);
  });
});
