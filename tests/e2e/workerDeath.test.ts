import { describe, expect, it } from 'vitest';
import type { MediasoupGateway } from '@yishi/sfu';
import { inboundStats, useBrowserRoom, waitForMediaFrom } from '../support/browser.js';

/** A worker killed under a live room: the browsers rebuild their media by themselves, no reload. */
describe('media comes back after the worker dies', () => {
  // Open floor, so every page's microphone carries audio to check.
  const room = useBrowserRoom({ settings: { mode: 'open' } });
  const { open } = room;

  it('respawns the worker and restores audio and video in both pages', async () => {
    const pool = (room.server.gateway as MediasoupGateway).pool;
    const alice = await open('alice');
    const bob = await open('bob');
    await waitForMediaFrom(alice, 'bob');
    await waitForMediaFrom(bob, 'alice');
    const oldPid = pool.slots[0]?.worker.pid as number;
    const before = { alice: await inboundStats(alice), bob: await inboundStats(bob) };
    const ids = (rows: { consumerId: string }[]) => rows.map((r) => r.consumerId);

    process.kill(oldPid, 'SIGKILL');

    // New consumers (fresh counters) carry media again, on a new worker process.
    await expect.poll(() => pool.slots[0]?.worker.pid, { timeout: 15_000 }).not.toBe(oldPid);
    await waitForMediaFrom(alice, 'bob', { notConsumers: ids(before.alice) });
    await waitForMediaFrom(bob, 'alice', { notConsumers: ids(before.bob) });
    expect(await alice.locator('[data-testid="room"]').getAttribute('data-phase')).toBe('joined');
    // The old consumers were dropped, not kept beside the new ones.
    expect((await inboundStats(alice)).length).toBe(before.alice.length);
  });
});
