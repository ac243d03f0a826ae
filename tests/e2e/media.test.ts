import { describe, expect, it } from 'vitest';
import type { MediasoupGateway } from '@yishi/sfu';
import { inboundStats, useBrowserRoom, waitForMediaFrom } from '../support/browser.js';

/**
 * Real browsers, real worker: media must actually flow through the SFU. This is also the check
 * for the worker build's DTLS fix — without it the worker dies on the first browser handshake.
 */
describe('browsers see and hear each other through the SFU', () => {
  // Open floor: this is about media flowing at all; floor control has its own test.
  const room = useBrowserRoom({ settings: { mode: 'open' }, context: { viewport: { width: 1000, height: 700 } } });
  const { open } = room;

  it('two pages receive each other, a third receives both, a leaver disappears', async () => {
    const pool = (room.server.gateway as MediasoupGateway).pool;
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
