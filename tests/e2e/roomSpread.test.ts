import { describe, expect, it } from 'vitest';
import type { MediasoupGateway } from '@yishi/sfu';
import { audioPacketsFrom, useBrowserRoom, waitForMediaFrom } from '../support/browser.js';

/**
 * A room that outgrew a worker, in real browsers: with one peer per router the second page lands
 * on a router of the other worker, and the two still see and hear each other through pipeToRouter
 * (simulcast video, audio and their RTCP crossing between the workers).
 */
describe('a room spread over two workers', () => {
  const room = useBrowserRoom({
    settings: { mode: 'open' },
    env: { MEDIASOUP_WORKERS: '2', MEDIASOUP_PEERS_PER_ROUTER: '1' },
  });

  it('pages on different workers receive each other', async () => {
    const pool = (room.server.gateway as MediasoupGateway).pool;
    const alice = await room.open('alice', '甲委员');
    const bob = await room.open('bob', '乙委员');
    expect(pool.slots.map((s) => s.routers)).toEqual([1, 1]);

    const bobAtAlice = await waitForMediaFrom(alice, 'bob');
    const aliceAtBob = await waitForMediaFrom(bob, 'alice');
    expect(bobAtAlice.find((r) => r.kind === 'video')?.framesDecoded).toBeGreaterThan(0);
    expect(aliceAtBob.find((r) => r.kind === 'video')?.framesDecoded).toBeGreaterThan(0);
    await expect.poll(() => audioPacketsFrom(bob, 'alice'), { timeout: 10_000 }).toBeGreaterThan(0);
  });
});
