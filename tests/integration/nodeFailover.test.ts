import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type Member } from '../support/cluster.js';
import { until } from '../support/media.js';
import { publishMic } from '../support/room.js';

/**
 * A node is killed (SIGKILL: no drain, no goodbye) under a running consultation, and its clients
 * carry on at another node with the tokens they had (in production nginx sends them there; here
 * they connect to it directly): same identity and role, the same place in the queue, every
 * acknowledged comment once, and they can comment and be given the floor. The surviving node
 * notices the dead one when its heartbeat key expires and drops its participants that have not
 * come back (their peers see them leave, and arrive again when they do).
 */

const ROOM = 'failover';
let cluster: Cluster;

beforeAll(async () => {
  cluster = await Cluster.start(ROOM, ['a', 'b']);
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

describe('a node is killed; its clients continue on another node', () => {
  it('keeps identity, queue places and comments, and the dead node’s participants are dropped', async () => {
    const tokens = { m1: cluster.token('m1', 'member'), m2: cluster.token('m2', 'member') };
    const chair = await cluster.join('b', 'chair', 'chair');
    const mb = await cluster.join('b', 'mb', 'member');
    const m1 = await cluster.join('a', 'm1', 'member', tokens.m1);
    const m2 = await cluster.join('a', 'm2', 'member', tokens.m2);

    // Queue places from both nodes, interleaved; comments acknowledged on node A.
    for (const m of [m1, mb, m2]) await m.client.call('queue:request', { kind: 'contribution' });
    const acked: string[] = [];
    for (const m of [m1, m2, m1, m2, mb]) {
      acked.push((await m.client.call('comment:post', { text: `${m.join.self.id} 的意见 ${acked.length}` })).id!);
    }
    await until(() => chair.waiting().join() === 'm1,mb,m2', 'the chair sees the queue from both nodes');
    await until(() => acked.every((id) => chair.received(id) === 1), 'the chair has every comment');
    expect([...chair.peers.keys()].sort()).toEqual(['m1', 'm2', 'mb']);
    const entries = chair.queue.entries.map((e) => e.id);

    const dropped = [m1, m2].map(
      (m) => new Promise<string>((resolve) => m.client.socket.once('disconnect', (reason) => resolve(reason))),
    );
    await cluster.node('a').kill();
    expect(await Promise.all(dropped)).toEqual(['transport close', 'transport close']);

    // m1 comes back at once (before node B can know that node A is gone), with its old token.
    const m1b = await cluster.join('b', 'm1', 'member', tokens.m1);
    expect(m1b.join.self).toMatchObject({ id: 'm1', name: '名m1', role: 'member' });
    expect(m1b.queue.entries.map((e) => e.id)).toEqual(entries);
    expect(m1b.waiting()).toEqual(['m1', 'mb', 'm2']);
    for (const id of acked) expect(m1b.received(id)).toBe(1);

    // Node A's heartbeat key expires (6 s) and node B's sweep (every 3 s) drops who was there and
    // has not come back: m2 leaves for node B's clients. m1 came back first, so m1 stays.
    await until(() => chair.presence.includes('-m2'), 'node B drops node A’s stale participant m2', 30_000);
    expect(chair.presence).not.toContain('-m1');
    expect([...chair.peers.keys()].sort()).toEqual(['m1', 'mb']);
    expect(m1b.presence).not.toContain('-m1');
    // And the attendance records m2's departure (their connection died with node A), not m1's.
    await expect
      .poll(() => chair.present(), { timeout: 15_000 })
      .toMatchObject({ m1: true, m2: false, mb: true, chair: true });

    // m2 comes back after the drop, and arrives again for the others.
    const m2b = await cluster.join('b', 'm2', 'member', tokens.m2);
    await until(() => chair.presence.lastIndexOf('+m2') > chair.presence.indexOf('-m2'), 'the chair sees m2 rejoin');
    expect(m2b.join.self).toMatchObject({ id: 'm2', role: 'member' });
    expect(m2b.waiting()).toEqual(['m1', 'mb', 'm2']);
    for (const id of acked) expect(m2b.received(id)).toBe(1);
    expect([...chair.peers.keys()].sort()).toEqual(['m1', 'm2', 'mb']);
    expect([...m1b.peers.keys()].sort()).toEqual(['chair', 'm2', 'mb']);

    // They carry on: comments acknowledged and seen by everyone once.
    const everyone: Member[] = [chair, mb, m1b, m2b];
    for (const m of [m1b, m2b]) {
      acked.push((await m.client.call('comment:post', { text: `${m.join.self.id} 换节点后` })).id!);
    }
    await until(
      () => everyone.every((p) => acked.every((id) => p.received(id) === 1)),
      'every client has every acknowledged comment exactly once',
    );
    // And the floor: m1, first in the queue, is given it; its microphone opens on node B.
    await publishMic(m1b.client);
    const opened = m1b.client.next('mic:state', (m) => m.allowed, 10_000);
    await chair.client.call('floor:grant', { entryId: entries[0]! });
    expect(await opened).toMatchObject({ allowed: true });
    await until(
      () => everyone.every((p) => p.queue.current?.speaker.id === 'm1' && p.waiting().join() === 'mb,m2'),
      'everyone sees m1 speaking and the rest waiting in order',
    );

    // A node opening the room now reads the session's directory: every participant where they are.
    await cluster.startNode('a');
    const late = await cluster.join('a', 'late', 'observer');
    expect(late.join.peers.map((p) => p.id).sort()).toEqual(['chair', 'm1', 'm2', 'mb']);
  }, 120_000);
});
