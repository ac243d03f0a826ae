import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@yishi/shared';
import { TestClient } from '../support/client.js';
import { until } from '../support/media.js';
import { errorCode, RestClient } from '../support/rest.js';
import { ClientPool } from '../support/room.js';
import { openTopic, startTestServer, type TestServer } from '../support/server.js';

/**
 * A removal is final everywhere: over REST, for every command, at join, for connections already
 * open, and for a Socket.IO session that would be recovered. The hostile clients are written from
 * docs/protocol.md (fetch, socket.io-client with hand-made handshake auth) against a real server.
 */

const ORGANISER_KEY = 'organiser-key-for-the-removal-tests-0123456789';
const AUTH_FAILURES_PER_MINUTE = 5;
const pool = new ClientPool();
let server: TestServer;
let rest: RestClient;
let room = '';

beforeAll(async () => {
  server = await startTestServer({
    env: {
      ORGANISER_KEY,
      RECONNECT_GRACE_SECONDS: '20',
      API_AUTH_FAILURES_PER_MINUTE: String(AUTH_FAILURES_PER_MINUTE),
    },
    rooms: [],
  });
  rest = new RestClient(server.url);
});

afterEach(() => pool.closeAll());

afterAll(async () => {
  await server?.close();
});

/** A fresh open topic for each test, so removals do not leak between them. */
async function openRoom(): Promise<string> {
  room = `removal-${randomUUID().slice(0, 8)}`;
  await openTopic(server.sessions, room);
  return room;
}

const tokenOf = (sub: string, role: 'chair' | 'secretary' | 'member' = 'member') =>
  server.token({ sub, name: sub, role, room });

async function remove(personId: string, by = ORGANISER_KEY): Promise<void> {
  const res = await rest.post(`/topics/${room}/participants/${personId}/remove`, by, { reason: '违反会场纪律' });
  expect(res.status, res.text).toBe(200);
}

describe('over REST', () => {
  it('a removed chair’s still valid token can do nothing, and nothing changes', async () => {
    await openRoom();
    const removedChair = tokenOf('chair-a', 'chair');
    tokenOf('chair-b', 'chair');
    await remove('chair-a');
    const before = await rest.get(`/topics/${room}`, ORGANISER_KEY);

    const attempts = [
      rest.patch(`/topics/${room}`, removedChair, { title: '被篡改的标题' }),
      rest.post(`/topics/${room}/close`, removedChair),
      rest.post(`/topics/${room}/participants/chair-b/remove`, removedChair, { reason: '夺权' }),
      rest.post(`/topics/${room}/invitations`, removedChair, { role: 'chair', name: '新主持人' }),
      rest.get(`/sessions/${room}/minutes.json`, removedChair),
      rest.get(`/topics/${room}`, removedChair),
      rest.get('/topics', removedChair),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status, res.text).toBe(403);
      expect(errorCode(res)).toBe('NOT_ALLOWED');
    }
    const after = await rest.get(`/topics/${room}`, ORGANISER_KEY);
    expect(after.json).toEqual(before.json);
  });
});

describe('over Socket.IO', () => {
  it('a connection opened before the removal is closed, and cannot join', async () => {
    await openRoom();
    const chair = await pool.join(server.url, tokenOf('chair', 'chair'), room);
    const lurker = await pool.connect(server.url, tokenOf('lurker'), room);
    const told = lurker.next('session:removed');
    const closed = new Promise<string>((resolve) => lurker.socket.once('disconnect', resolve));

    await chair.client.call('participant:remove', { peerId: 'lurker', reason: '冒名参会' });
    expect(await told).toEqual({ reason: '冒名参会' });
    expect(await closed).toBe('io server disconnect');

    // The removal is in the log (so the rules refuse its join too), and a new connection is refused.
    const state = (await server.sessions.get(room)).state;
    expect(state.removed.lurker).toBeDefined();
    expect(state.attendance.lurker).toBeUndefined();
    await expect(TestClient.connect(server.url, { token: tokenOf('lurker'), roomId: room })).rejects.toMatchObject({
      code: 'NOT_ALLOWED',
    });
  });

  it('a person removed while disconnected gets none of the traffic they missed when they come back', async () => {
    await openRoom();
    const chair = await pool.join(server.url, tokenOf('chair', 'chair'), room);
    const secretary = await recoverable(tokenOf('secretary', 'secretary'));
    await chair.client.call('comment:post', { text: '断线前的发言' });
    await until(() => secretary.frames.some((f) => f.includes('断线前的发言')), 'the secretary hears the comment');

    await drop(secretary.socket); // no goodbye: the grace begins
    await chair.client.call('participant:remove', { peerId: 'secretary', reason: '另有安排' });
    await chair.client.call('comment:post', { text: '移除之后的机密发言' });

    secretary.frames.length = 0;
    const refused = new Promise<unknown>((resolve) =>
      secretary.socket.once('connect_error', (err: Error & { data?: unknown }) => resolve(err.data)),
    );
    secretary.socket.connect();
    expect(await refused).toMatchObject({ code: 'NOT_ALLOWED' });
    // Nothing of the room reached the wire: not the comment, not the removal's own news.
    expect(secretary.frames.filter((f) => f.includes('机密') || f.includes('comments:added'))).toEqual([]);
    secretary.socket.close();
  });

  it('a recovered Socket.IO session belongs to its person: another token cannot take it over', async () => {
    await openRoom();
    const chair = await pool.join(server.url, tokenOf('chair', 'chair'), room);
    const victim = await recoverable(tokenOf('victim-secretary', 'secretary'));
    await chair.client.call('comment:post', { text: '大家好' });
    await until(() => victim.frames.some((f) => f.includes('大家好')), 'the victim hears a comment');
    const session = victim.session();
    expect(session.offset).toBeTypeOf('string');
    await drop(victim.socket);
    await chair.client.call('comment:post', { text: '只给秘书的内容' });

    // An attacker with their own valid member token and the victim's leaked session id.
    const attacker = rawSocket({ token: tokenOf('attacker'), ...session });
    const refused = new Promise<unknown>((resolve) =>
      attacker.socket.once('connect_error', (err: Error & { data?: unknown }) => resolve(err.data)),
    );
    attacker.socket.connect();
    expect(await refused).toMatchObject({ code: 'NOT_ALLOWED' });
    expect(attacker.frames.filter((f) => f.includes('只给秘书的内容'))).toEqual([]);
    attacker.socket.close();
    victim.socket.close();
  });
});

// Last: it locks this test process's address out of the API for a minute.
describe('failed authentications', () => {
  it('refuses an address that keeps failing to authenticate, without looking at its secret', async () => {
    await openRoom();
    for (let i = 0; i < AUTH_FAILURES_PER_MINUTE; i++) {
      const res = await rest.get('/topics', `guessed-key-${i}`);
      expect(res.status).toBe(401);
    }
    // Past the limit even the right key is refused from this address, until the minute is over.
    const limited = await rest.get('/topics', ORGANISER_KEY);
    expect(limited.status).toBe(429);
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

/** The link drops without a goodbye; resolves once the server has kept the session for recovery. */
async function drop(socket: Socket): Promise<void> {
  const sid = socket.id ?? '';
  socket.io.engine.close();
  await until(() => !server.io.of('/').sockets.has(sid), 'the server sees the drop');
}

/** A socket whose every frame received is recorded as text (what a hand-made client sees on the wire). */
function rawSocket(auth: Record<string, unknown>): { socket: Socket; frames: string[] } {
  const socket = io(server.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
    auth: { roomId: room, protocolVersion: PROTOCOL_VERSION, ...auth },
  });
  const frames: string[] = [];
  socket.io.on('open', () => {
    socket.io.engine.on('message', (data: unknown) => frames.push(String(data)));
  });
  return { socket, frames };
}

/** A joined client that can recover its Socket.IO session, as the web client does. */
async function recoverable(token: string) {
  const raw = rawSocket({ token });
  raw.socket.connect();
  await new Promise<void>((resolve) => raw.socket.once('connect', () => resolve()));
  const client = Object.assign(Object.create(TestClient.prototype), { socket: raw.socket }) as TestClient;
  const { rtpCapabilities } = await client.call('media:routerCapabilities', {});
  await client.call('room:join', { rtpCapabilities, instanceId: randomUUID() });
  const internals = raw.socket as unknown as { _pid?: string; _lastOffset?: string };
  return {
    ...raw,
    /** The private id and offset Socket.IO's client sends to recover (what a leak would give away). */
    session: () => ({ pid: internals._pid, offset: internals._lastOffset }),
  };
}
