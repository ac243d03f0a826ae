import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@yishi/shared';
import { MediasoupTracker, until } from '../support/media.js';
import { ClientPool, publishMic } from '../support/room.js';
import { openTopic, startTestServer, type TestServer } from '../support/server.js';

/**
 * A participant whose connection drops (a mobile link, a network change) keeps their place and
 * their media for the reconnect grace: the same page coming back resumes (ICE restart, same
 * transports), others never see them leave. After the grace they have left, and come back anew.
 * Leaving on purpose is immediate. Real server, real mediasoup worker.
 */

const tracker = new MediasoupTracker();
const pool = new ClientPool();
let rooms = 0;

afterEach(() => pool.closeAll());
afterAll(() => tracker.expectAllWorkersGone());

async function newRoom(server: TestServer): Promise<string> {
  const roomId = `reconnect-${++rooms}`;
  await openTopic(server.sessions, roomId, { mode: 'open' });
  return roomId;
}

function joinAs(server: TestServer, roomId: string, sub: string, instanceId?: string, role: Role = 'member') {
  return pool.join(server.url, server.token({ sub, role, room: roomId }), roomId, instanceId);
}

/** Bob consumes Alice's microphone; returns the consumer's id. */
async function consume(server: TestServer, roomId: string, producerId: string) {
  const bob = await joinAs(server, roomId, 'bob');
  const recv = await bob.client.call('transport:create', { direction: 'recv' });
  const { id } = await bob.client.call('consumer:create', { transportId: recv.id, producerId });
  const left: string[] = [];
  bob.client.socket.on('peer:left', ({ peerId }) => left.push(peerId));
  return { bob, consumerId: id, left };
}

/** Waits until the server has noticed that a dropped connection is gone. */
const connections = (server: TestServer, n: number) =>
  until(() => server.io.of('/').sockets.size === n, `${n} connections left on the server`);

const intervals = (server: TestServer, roomId: string, who: string) =>
  server.sessions.current(roomId).state.attendance[who]?.intervals ?? [];

describe('a dropped connection, with a reconnect grace of 3 s', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { RECONNECT_GRACE_SECONDS: '3' }, rooms: [] });
  });
  afterAll(() => server.close());

  it('the same page back within the grace resumes: same transport and producer, nobody saw a leave', async () => {
    const roomId = await newRoom(server);
    const page = randomUUID();
    const alice = await joinAs(server, roomId, 'alice', page);
    expect(alice.join.resumed).toBe(false);
    const { transportId, producerId } = await publishMic(alice.client);
    const { bob, consumerId, left } = await consume(server, roomId, producerId);

    alice.client.drop();
    await connections(server, 1);
    const back = await joinAs(server, roomId, 'alice', page);
    expect(back.join.resumed).toBe(true);
    expect(back.join.self.id).toBe('alice');
    expect(back.join.peers.map((p) => p.id)).toEqual(['bob']);
    // The kept transport takes new ICE credentials; the producer is still Alice's, still consumed by Bob.
    const { iceParameters } = await back.client.call('transport:restartIce', { transportId });
    expect(iceParameters.usernameFragment).toEqual(expect.any(String));
    await back.client.call('producer:pause', { producerId });
    await bob.client.call('consumer:resume', { consumerId });

    await new Promise((resolve) => setTimeout(resolve, 4_000)); // past the grace of the old connection
    expect(left).toEqual([]);
    expect(intervals(server, roomId, 'alice')).toEqual([expect.not.objectContaining({ leftAt: expect.anything() })]);
  });

  it('after the grace the participant has left: others told, attendance closed, the page joins anew', async () => {
    const roomId = await newRoom(server);
    const page = randomUUID();
    const alice = await joinAs(server, roomId, 'alice', page);
    const { transportId, producerId } = await publishMic(alice.client);
    const { bob } = await consume(server, roomId, producerId);
    const aliceLeft = bob.client.next('peer:left', (p) => p.peerId === 'alice', 15_000);
    const micClosed = bob.client.next('producer:closed', (p) => p.producerId === producerId, 15_000);

    alice.client.drop();
    await Promise.all([aliceLeft, micClosed]);
    await until(() => intervals(server, roomId, 'alice').at(-1)?.leftAt !== undefined, 'attendance closed');

    const back = await joinAs(server, roomId, 'alice', page);
    expect(back.join.resumed).toBe(false);
    const refused = await back.client.request('transport:restartIce', { transportId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // Back within the grace of leaving: their attendance goes on (docs/domain.md, "Presence").
    expect(intervals(server, roomId, 'alice')).toEqual([expect.not.objectContaining({ leftAt: expect.anything() })]);
  });

  it('a resumed join asked for transports gets none: the page keeps those it has', async () => {
    const roomId = await newRoom(server);
    const page = randomUUID();
    const token = server.token({ sub: 'alice', role: 'member', room: roomId });
    const first = await pool.connect(server.url, token, roomId);
    const { rtpCapabilities } = await first.call('media:routerCapabilities', {});
    const joined = await first.call('room:join', { rtpCapabilities, instanceId: page, transports: ['send', 'recv'] });
    const sendId = joined.transports?.send?.id ?? '';
    expect(sendId).not.toBe('');

    first.drop();
    await connections(server, 0);
    const again = await pool.connect(server.url, token, roomId);
    const back = await again.call('room:join', { rtpCapabilities, instanceId: page, transports: ['send', 'recv'] });
    expect(back.resumed).toBe(true);
    expect(back.transports).toBeUndefined();
    // The transport made with the first join is still this page's.
    expect((await again.call('transport:restartIce', { transportId: sendId })).iceParameters).toBeDefined();
  });

  it('the same page on a new connection before the old one is noticed gone: resumed, the old one closed quietly', async () => {
    const roomId = await newRoom(server);
    const page = randomUUID();
    const old = await joinAs(server, roomId, 'alice', page);
    const told: string[] = [];
    old.client.socket.on('session:replaced', () => told.push('replaced'));
    const closed = new Promise((resolve) => old.client.socket.once('disconnect', resolve));
    const back = await joinAs(server, roomId, 'alice', page);
    expect(back.join.resumed).toBe(true);
    await closed;
    expect(told).toEqual([]);
    await back.client.call('comment:post', { text: '我回来了' });
  });

  it('a different page of the same identity replaces the first, which is told so', async () => {
    const roomId = await newRoom(server);
    const first = await joinAs(server, roomId, 'alice', randomUUID());
    const replaced = first.client.next('session:replaced');
    const second = await joinAs(server, roomId, 'alice', randomUUID());
    await replaced;
    expect(second.join.resumed).toBe(false);
  });

  it('a retried comment (same id) is stored and shown once', async () => {
    const roomId = await newRoom(server);
    const alice = await joinAs(server, roomId, 'alice', randomUUID());
    const bob = await joinAs(server, roomId, 'bob');
    const seen: string[] = [];
    bob.client.socket.on('comments:added', ({ comments }) => seen.push(...comments.map((c) => c.text)));
    const id = randomUUID();
    const first = await alice.client.call('comment:post', { id, text: '网络不好，可能发了两次' });
    const retry = await alice.client.call('comment:post', { id, text: '网络不好，可能发了两次' });
    expect(retry).toEqual({ version: first.version, id });
    const snapshot = await bob.client.call('session:snapshot', {});
    expect(snapshot.comments.map((c) => c.id)).toEqual([id]);
    await until(() => seen.length > 0, 'the comment reaches Bob');
    expect(seen).toEqual(['网络不好，可能发了两次']);
  });
});

describe('leaving on purpose, with a long reconnect grace', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { RECONNECT_GRACE_SECONDS: '120' }, rooms: [] });
  });
  afterAll(() => server.close());

  it('is seen at once: closing the connection is not losing it', async () => {
    const roomId = await newRoom(server);
    const alice = await joinAs(server, roomId, 'alice', randomUUID());
    const bob = await joinAs(server, roomId, 'bob');
    const left = bob.client.next('peer:left', (p) => p.peerId === 'alice', 10_000);
    alice.client.close();
    await left;
    await until(() => intervals(server, roomId, 'alice').at(-1)?.leftAt !== undefined, 'attendance closed');
  });

  it('a dropped participant stays listed while the grace runs', async () => {
    const roomId = await newRoom(server);
    const alice = await joinAs(server, roomId, 'alice', randomUUID());
    await joinAs(server, roomId, 'bob');
    alice.client.drop();
    await connections(server, 1);
    const carol = await joinAs(server, roomId, 'carol');
    expect(carol.join.peers.map((p) => p.id).sort()).toEqual(['alice', 'bob']);
  });
});
