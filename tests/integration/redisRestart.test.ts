import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommentView } from '@yishi/shared';
import { RedisRoomStore } from '../../signaling/src/store/RedisRoomStore.js';
import { Cluster, type Member } from '../support/cluster.js';
import { until } from '../support/media.js';

/**
 * Redis crashes and comes back (SIGKILL, then the same port and AOF directory, under the
 * documented `appendonly yes` + `appendfsync always`) under two running nodes. While it is down,
 * requests that need it are refused at once with a typed UNAVAILABLE and the nodes keep running;
 * once it is back the service resumes by itself — writes acknowledged again, each node hearing the
 * other's again, nobody dropped as if their node had died — and nothing acknowledged is lost.
 */

const ROOM = 'redis-outage';
/** Longer than a node's heartbeat key lives (6 s): the keys expire while Redis is down. */
const OUTAGE_MS = 7_500;
/** After Redis is back, what a wrong drop would need: a heartbeat period plus a sweep (3 s), and margin. */
const SETTLE_MS = 12_000;
let cluster: Cluster;

beforeAll(async () => {
  cluster = await Cluster.start(ROOM, ['a', 'b']);
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

/** Posts until a post is acknowledged (bounded); every refusal on the way must be UNAVAILABLE. */
async function postWhenBack(member: Member, text: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await member.client.request('comment:post', { text });
    if (res.ok) return res.data.id as string;
    expect(res.error.code).toBe('UNAVAILABLE');
    if (Date.now() > deadline) throw new Error('the service did not resume within 30 s of Redis restarting');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The session's comments as stored in Redis (read with a store of its own, not through a node). */
async function storedComments(): Promise<Array<{ id: string; text: string }>> {
  const store = await RedisRoomStore.open(cluster.redis.url, cluster.prefix);
  try {
    return (await store.load(ROOM))
      .filter((e) => e.type === 'comment.posted')
      .map((e) => (e.data as { comment: { id: string; text: string } }).comment);
  } finally {
    await store.close();
  }
}

describe('Redis crashes and restarts under two nodes', () => {
  it('refuses promptly while down, resumes by itself, and keeps every acknowledged write', async () => {
    const chair = await cluster.join('a', 'chair', 'chair');
    const onA = await cluster.join('a', 'm-a', 'member');
    const onB = await cluster.join('b', 'm-b', 'member');
    const leaver = await cluster.join('b', 'm-b2', 'member');
    const stayers = [chair, onA, onB];

    // Acknowledged writes from both nodes, up to the crash (3 each: under the per-author rate limit).
    const acked: string[] = [];
    for (let n = 0; n < 3; n++) {
      for (const m of [onA, onB, leaver]) {
        acked.push((await m.client.call('comment:post', { text: `崩溃前 ${m.join.self.id} ${n}` })).id!);
      }
    }
    await onA.client.call('queue:request', { kind: 'contribution' });
    await until(() => stayers.every((p) => acked.every((id) => p.received(id) === 1)), 'everyone has every comment');
    await until(() => onB.waiting().join() === 'm-a', 'node B’s clients see node A’s queue request');

    await cluster.redis.crash();

    // Down for longer than a heartbeat key lives. Every write, on either node, is refused with a
    // typed error (an ack: TestClient.request would throw on its 10 s timeout instead).
    const downUntil = Date.now() + OUTAGE_MS;
    let refused = 0;
    while (Date.now() < downUntil) {
      for (const m of [onA, onB]) {
        expect(await m.client.request('comment:post', { text: 'Redis 停机时' })).toMatchObject({
          ok: false,
          error: { code: 'UNAVAILABLE' },
        });
      }
      expect(await onB.client.request('queue:request', { kind: 'contribution' })).toMatchObject({
        ok: false,
        error: { code: 'UNAVAILABLE' },
      });
      refused += 3;
      if (refused === 3) {
        // Someone leaves meanwhile (their node cannot tell the other one yet)…
        leaver.client.close();
        // …and someone new cannot join (their arrival cannot be recorded).
        const client = await cluster.pool.connect(cluster.node('b').url, cluster.token('newcomer', 'member'), ROOM);
        const { rtpCapabilities } = await client.call('media:routerCapabilities', {});
        expect(await client.request('room:join', { rtpCapabilities })).toMatchObject({
          ok: false,
          error: { code: 'UNAVAILABLE' },
        });
        client.close();
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // The leaver's own node told its other clients at once (not held until Redis is back).
    expect(onB.presence).toContain('-m-b2');
    // What a node has loaded can still be read; and both nodes are still running.
    const snapshot = await chair.client.request('session:snapshot', {});
    expect(snapshot.ok && snapshot.data.comments.map((c) => c.id)).toEqual(acked);
    expect([cluster.node('a').running, cluster.node('b').running]).toEqual([true, true]);

    await cluster.redis.restart();
    const backAt = Date.now();

    // Back: each node writes again, and the other node's clients hear of it (the bus resubscribed).
    acked.push(await postWhenBack(onB, 'Redis 恢复后 B'));
    acked.push(await postWhenBack(onA, 'Redis 恢复后 A'));
    await until(
      () => stayers.every((p) => acked.every((id) => p.received(id) === 1)),
      'every client has every acknowledged comment once',
      20_000,
    );
    await onB.client.call('queue:request', { kind: 'contribution' });
    await until(() => chair.waiting().join() === 'm-a,m-b', 'node A’s chair sees node B’s queue request', 20_000);
    // The departure during the outage reaches the other node once Redis is back, and is recorded.
    await until(() => chair.presence.includes('-m-b2'), 'node A hears that m-b2 left', 20_000);
    await expect
      .poll(() => chair.present(), { timeout: 20_000 })
      .toMatchObject({ 'm-b2': false, 'm-a': true, 'm-b': true });

    // Stored in Redis: every acknowledged comment once, in order, and none of the refused ones.
    const stored = await storedComments();
    expect(stored.map((c) => c.id)).toEqual(acked);
    expect(stored.filter((c) => c.text === 'Redis 停机时')).toEqual([]);

    // A node started now loads the session from Redis alone and serves exactly that.
    await cluster.startNode('c');
    const late = await cluster.join('c', 'late', 'observer');
    expect(late.join.snapshot.comments.map((c: CommentView) => c.id)).toEqual(acked);
    expect(late.waiting()).toEqual(['m-a', 'm-b']);
    expect(late.join.peers.map((p) => p.id).sort()).toEqual(['chair', 'm-a', 'm-b']);

    // Nobody still connected was dropped as if their node had died: the heartbeat keys expired
    // during the outage, and the nodes beat again before judging each other.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, backAt + SETTLE_MS - Date.now())));
    expect(chair.presence.filter((p) => p.startsWith('-'))).toEqual(['-m-b2']);
    expect(onB.presence.filter((p) => p.startsWith('-'))).toEqual(['-m-b2']);
    expect([...chair.peers.keys()].sort()).toEqual(['late', 'm-a', 'm-b']);
    expect([cluster.node('a').running, cluster.node('b').running]).toEqual([true, true]);
  }, 120_000);

  it('a node stopped while Redis is down still shuts down cleanly, not by its forced exit', async () => {
    const node = await cluster.startNode('d');
    await cluster.join('d', 'd-member', 'member');
    await cluster.redis.crash();
    try {
      await node.stop();
      // main.ts forces exit(1) after 10 s of a shutdown that does not finish.
      expect(node.child.exitCode).toBe(0);
    } finally {
      await cluster.redis.restart();
    }
  }, 60_000);
});
