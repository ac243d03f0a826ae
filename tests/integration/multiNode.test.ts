import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommentView, QueueView, Role } from '@yishi/shared';
import type { TestClient } from '../support/client.js';
import { RedisServer } from '../support/redis.js';
import { ClientPool, publishMic } from '../support/room.js';
import { freePort, ServerProcess } from '../support/serverProcess.js';

/**
 * Two Yishi nodes (real server processes) sharing one real redis-server: members of one session
 * connected to different nodes share one speaking queue, one comment stream, one order, and the
 * restart of a node loses nothing.
 */

const ROOM = 'plenary';
const pool = new ClientPool();
const dirs: string[] = [];
let redis: RedisServer;
const nodes: Record<'a' | 'b', ServerProcess | undefined> = { a: undefined, b: undefined };
const ports: Record<'a' | 'b', number> = { a: 0, b: 0 };
const prefix = `yishi-${randomUUID().slice(0, 8)}:`;

async function startNode(name: 'a' | 'b'): Promise<ServerProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `yishi-node-${name}-`));
  dirs.push(dataDir);
  ports[name] ||= await freePort();
  const node = await ServerProcess.start({
    dataDir,
    port: ports[name],
    demoRoom: ROOM,
    env: { REDIS_URL: redis.url, REDIS_PREFIX: prefix },
  });
  nodes[name] = node;
  return node;
}

function node(name: 'a' | 'b'): ServerProcess {
  const n = nodes[name];
  if (!n) throw new Error(`node ${name} is not running`);
  return n;
}

interface Person {
  name: 'a' | 'b';
  client: TestClient;
  queue: QueueView[];
  comments: CommentView[];
  /** Peers this client was told left. */
  left: string[];
}

async function join(at: 'a' | 'b', sub: string, role: Role): Promise<Person> {
  const server = node(at);
  const token = server.token({ sub, name: sub, role, room: ROOM });
  const joined = await pool.join(server.url, token, ROOM);
  const person: Person = {
    name: at,
    client: joined.client,
    queue: [joined.join.snapshot.queue],
    comments: [],
    left: [],
  };
  joined.client.socket.on('peer:left', ({ peerId }: { peerId: string }) => person.left.push(peerId));
  person.comments.push(...joined.join.snapshot.comments);
  joined.client.socket.on('queue:state', (q: QueueView) => person.queue.push(q));
  joined.client.socket.on('comments:added', ({ comments }: { comments: CommentView[] }) =>
    person.comments.push(...comments),
  );
  return person;
}

/** Polls `test` until it holds (bounded). */
async function until(test: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const waitingOrder = (p: Person) => (p.queue.at(-1)?.entries ?? []).map((e) => e.speaker.id);
const latest = (p: Person) => p.queue.at(-1) as QueueView;

beforeAll(async () => {
  redis = await RedisServer.start();
  await startNode('a');
  await startNode('b');
}, 90_000);

afterAll(async () => {
  pool.closeAll();
  await Promise.all([nodes.a?.stop(), nodes.b?.stop()]);
  await redis.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('two nodes, one consultation', () => {
  const members = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
  let everyone: Person[] = [];
  let chair: Person;

  it('shares one queue and one comment stream in one order under concurrent writes from both nodes', async () => {
    chair = await join('a', 'chair', 'chair');
    const people = await Promise.all(members.map((sub, i) => join(i % 2 === 0 ? 'a' : 'b', sub, 'member')));
    const watcher = await join('b', 'watcher', 'observer');
    everyone = [chair, ...people, watcher];

    // Everyone at once: each member asks for the floor and posts three comments, on both nodes.
    await Promise.all(
      people.map(async (p, i) => {
        await Promise.all([
          p.client.call('queue:request', { kind: 'contribution' }),
          ...[1, 2, 3].map((n) => p.client.call('comment:post', { text: `${members[i]} 第${n}条` })),
        ]);
      }),
    );

    await until(() => everyone.every((p) => waitingOrder(p).length === members.length), 'every client sees 6 waiting');
    await until(() => everyone.every((p) => p.comments.length === members.length * 3), 'every client has 18 comments');

    // One order for everyone, whichever node they are on: the order of the session's log.
    const order = waitingOrder(chair);
    expect([...order].sort()).toEqual(members);
    for (const p of everyone) expect(waitingOrder(p)).toEqual(order);
    const commentIds = chair.comments.map((c) => c.id);
    expect(new Set(commentIds).size).toBe(18);
    for (const p of everyone) expect(p.comments.map((c) => c.id)).toEqual(commentIds);
    // Queue states arrive in version order on every client (none older after a newer one).
    for (const p of everyone) {
      const versions = p.queue.map((q) => q.version);
      expect(versions).toEqual([...versions].sort((x, y) => x - y));
    }
  }, 60_000);

  it('gates the speaker’s microphone on the node the speaker is connected to', async () => {
    // The first in the queue may be on either node; whoever it is, their own node opens their mic.
    const first = waitingOrder(chair)[0] as string;
    const speaker = everyone[members.indexOf(first) + 1] as Person; // everyone = [chair, m1…m6, watcher]
    await publishMic(speaker.client);
    const opened = speaker.client.next('mic:state', (m: { allowed: boolean }) => m.allowed, 10_000);
    await chair.client.call('floor:grant', {});
    expect(await opened).toMatchObject({ allowed: true });
    await until(() => everyone.every((p) => latest(p).current?.speaker.id === first), 'everyone sees the speaker');
    const closed = speaker.client.next('mic:state', (m: { allowed: boolean }) => !m.allowed, 10_000);
    await chair.client.call('floor:end', {});
    expect(await closed).toMatchObject({ allowed: false });
  }, 30_000);

  it('builds the moderators’ views only on a node where chair or secretary is', async () => {
    // The minutes:state broadcasts in the Socket.IO stream so far, by the channel they went to.
    const minutesChannels = async () => {
      const client = createClient({ url: redis.url });
      await client.connect();
      try {
        const entries = await client.xRange(`${prefix}socket.io`, '-', '+');
        return entries.flatMap(({ message }) => {
          if (!message.data?.includes('"minutes:state"')) return [];
          return (JSON.parse(message.data) as { opts: { rooms: string[] } }).opts.rooms;
        });
      } finally {
        client.destroy();
      }
    };
    // Only the chair's node (a) has a moderator: b made no minutes view for its empty channel.
    const before = new Set(await minutesChannels());
    expect(before.size).toBe(1);
    const [aChannel] = before;
    expect(aChannel).toMatch(/^plenary:moderators@/);
    // A secretary joins at b: b's minutes go out from then on, and reach them.
    const secretary = await join('b', 'secretary', 'secretary');
    const minutes = secretary.client.next('minutes:state', (m) => m.minutes.notes === '两节点纪要', 10_000);
    await secretary.client.call('minutes:setNotes', { text: '两节点纪要' });
    await minutes;
    const after = new Set(await minutesChannels());
    expect(after.size).toBe(2);
    expect(after.has(aChannel as string)).toBe(true);
  }, 30_000);

  it('loses nothing acknowledged when a node is killed and started again', async () => {
    const onB = everyone.find((p) => p.name === 'b' && p !== everyone.at(-1)) as Person;
    const { id } = await onB.client.call('comment:post', { text: '节点重启前的最后一条' });
    await node('b').kill();
    for (const p of everyone.filter((x) => x.name === 'b')) p.client.close();
    // Node B stops heartbeating: node A tells its clients that B's participants are gone.
    const onNodeB = ['m2', 'm4', 'm6', 'watcher'];
    await until(() => onNodeB.every((id) => chair.left.includes(id)), 'node A drops node B’s participants');
    await startNode('b');
    // A client on the restarted node and one on the other node both have it, once.
    const back = await join('b', 'late', 'member');
    expect(back.comments.filter((c) => c.id === id)).toHaveLength(1);
    expect(chair.comments.filter((c) => c.id === id)).toHaveLength(1);
    // And the queue survived: the restarted node serves the same waiting list.
    expect(waitingOrder(back)).toEqual(waitingOrder(chair));
  }, 60_000);

  it('lets the newest connection of a person win across nodes: the older one is told and closed', async () => {
    const older = await join('a', 'twin', 'member');
    const replaced = older.client.next('session:replaced', () => true, 10_000);
    const closed = new Promise((resolve) => older.client.socket.once('disconnect', resolve));
    const newer = await join('b', 'twin', 'member');
    await replaced;
    await closed;
    // The newer one carries on as that person.
    await newer.client.call('comment:post', { text: '换了一台电脑' });
  }, 30_000);

  it('drains on shutdown: clients are told, then dropped so that they reconnect elsewhere', async () => {
    const client = (await join('b', 'drained', 'member')).client;
    const told = client.next('server:draining', () => true, 10_000);
    const dropped = new Promise<string>((resolve) => client.socket.once('disconnect', (reason) => resolve(reason)));
    await node('b').stop();
    await told;
    // Not "io server disconnect", which would tell the client never to reconnect.
    expect(await dropped).toBe('transport close');
  }, 30_000);
});
