import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Conflict,
  type ErrorBody,
  PROTOCOL_VERSION,
  type RequestInput,
  type RequestName,
  type Role,
} from '@yishi/shared';
import { TestClient } from '../support/client.js';
import { FakeMediaGateway, type FakeMediaRoom } from '../support/fakeGateway.js';
import { encodeJwt } from '../support/jwt.js';
import {
  dtlsParameters,
  opusRtpParameters,
  rtpCapabilities,
  vp8SimulcastRtpParameters,
} from '../support/mediaFixtures.js';
import { ORGANISER, openTopic, startTestServer, type TestServer } from '../support/server.js';

/**
 * The signaling layer over a real Socket.IO server and real clients, with media faked: handshake
 * (rooms are consultation sessions that must exist and be open), join/leave fan-out, hostile
 * input, error mapping, session replacement and room lifetime. The server starts with one open
 * session, "room1"; tests that need others create them.
 */

let gateway: FakeMediaGateway;
let server: TestServer;
const clients: TestClient[] = [];

beforeEach(async () => {
  gateway = new FakeMediaGateway();
  server = await startTestServer({ gateway });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server.close();
});

interface Who {
  sub: string;
  name?: string;
  role?: Role;
  sector?: string;
}

/** Connects as `who` to `roomId` (room1 by default). */
async function connect(who: Who, roomId = 'room1'): Promise<TestClient> {
  const client = await TestClient.connect(server.url, { token: server.token({ ...who, room: roomId }), roomId });
  clients.push(client);
  return client;
}

/** Creates the topic of `roomId` without opening its session (it stays scheduled). */
async function createTopic(roomId: string): Promise<void> {
  await server.sessions.execute(
    roomId,
    {
      type: 'topic.create',
      id: roomId,
      fields: { title: '未开始的议题', background: '', materials: [], sectors: [], organiser: '政协办公厅' },
      agenda: [],
    },
    ORGANISER,
  );
}

/** An open session `roomId` that is then closed. */
async function closedSession(roomId: string): Promise<void> {
  await openTopic(server.sessions, roomId);
  await server.sessions.execute(roomId, { type: 'session.close' }, ORGANISER);
}

/** Connects as `who` and joins room1 with realistic capabilities. */
async function join(who: Who) {
  const client = await connect(who);
  const result = await client.call('room:join', { rtpCapabilities: rtpCapabilities() });
  return { client, result };
}

/** The one media room of the test (room1). */
const room = (): FakeMediaRoom => gateway.room('room1');

/** Methods the signaling layer called on the room after the first `since` calls. */
const callsSince = (since: number) => room().methods().slice(since);

/** Handshakes with exactly `auth` and returns the server's refusal. */
function refusal(auth: Record<string, unknown>): Promise<ErrorBody> {
  const socket = io(server.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.close();
      reject(new Error('the handshake was accepted'));
    });
    socket.once('connect_error', (err: Error & { data?: ErrorBody }) => {
      socket.close();
      if (err.data) resolve(err.data);
      else reject(err);
    });
  });
}

/** Emits anything with an ack callback, bypassing the protocol types, and returns the ack. */
function rawRequest(client: TestClient, event: string, ...args: unknown[]): Promise<unknown> {
  const socket = client.socket as unknown as {
    timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
  };
  return socket.timeout(5000).emitWithAck(event, ...args);
}

/** A token signed with the server's secret over exactly these claims (defaults: valid for an hour). */
function craftToken(changes: Record<string, unknown>, alg: 'HS256' | 'none' = 'HS256'): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    sub: 'mallory',
    name: 'Mallory',
    room: 'room1',
    role: 'member',
    iss: server.tokens.issuer,
    aud: server.tokens.audience,
    iat: now,
    exp: now + 3600,
    ...changes,
  };
  return encodeJwt(payload, alg === 'none' ? { alg } : { alg, secret: server.tokens.secret });
}

const disconnected = (client: TestClient) =>
  new Promise<string>((resolve) => client.socket.once('disconnect', resolve));

describe('handshake', () => {
  const auth = () => ({ token: server.token({ sub: 'alice' }), roomId: 'room1', protocolVersion: PROTOCOL_VERSION });

  it('admits a valid token for the room it names', async () => {
    const client = await connect({ sub: 'alice' });
    expect(client.socket.connected).toBe(true);
    expect(gateway.opened.map((r) => r.id)).toEqual(['room1']);
  });

  it('serves clients that can only long-poll (proxies without WebSocket), without touching the HTTP app', async () => {
    const client = await TestClient.connect(server.url, { token: server.token({ sub: 'poller' }) }, ['polling']);
    clients.push(client);
    const joined = await client.call('room:join', { rtpCapabilities: rtpCapabilities() });
    expect(joined.self.id).toBe('poller');
    // Several polling round trips later the server still answers plain HTTP as before.
    await client.call('comment:post', { text: '经由长轮询' });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(client.socket.io.engine.transport.name).toBe('polling');
  });

  it('refuses a page of another site (Origin) as NOT_ALLOWED, and admits its own pages and non-browsers', async () => {
    const token = server.token({ sub: 'alice' });
    const withOrigin = (origin: string) =>
      new Promise<unknown>((resolve) => {
        const socket = io(server.url, {
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          extraHeaders: { origin },
          auth: { token, roomId: 'room1', protocolVersion: PROTOCOL_VERSION },
        });
        socket.once('connect', () => {
          socket.close();
          resolve('connected');
        });
        socket.once('connect_error', (err: Error & { data?: ErrorBody }) => {
          socket.close();
          resolve(err.data ?? err.message);
        });
      });
    expect(await withOrigin('https://evil.example')).toMatchObject({ code: 'NOT_ALLOWED' });
    expect(await withOrigin('null')).toMatchObject({ code: 'NOT_ALLOWED' });
    expect(await withOrigin(new URL(server.url).origin)).toBe('connected');
  });

  it('refuses another protocol version before looking at the token', async () => {
    const body = await refusal({ ...auth(), protocolVersion: PROTOCOL_VERSION + 1, token: 'garbage' });
    expect(body.code).toBe('UNSUPPORTED_VERSION');
    expect(body.message).toContain('reload the page');
    expect((await refusal({ token: 'x', roomId: 'room1' })).code).toBe('UNSUPPORTED_VERSION');
  });

  it.each([
    ['a missing token', { token: undefined }, /^handshake: token: /],
    ['an empty token', { token: '' }, /^handshake: token: /],
    ['a malformed room id', { roomId: 'room/1' }, /^handshake: roomId: room id: 1–64 characters/],
    ['an unknown field', { role: 'chair' }, /^handshake: Unrecognized key: "role"/],
  ])('refuses %s as INVALID_REQUEST', async (_, change, message) => {
    const body = await refusal({ ...auth(), ...change });
    expect(body.code).toBe('INVALID_REQUEST');
    expect(body.message).toMatch(message);
  });

  it.each([
    ['an expired token', () => craftToken({ exp: Math.floor(Date.now() / 1000) - 60 }), 'token expired'],
    ['a token for another audience', () => craftToken({ aud: 'another-app' }), 'token is for another audience'],
    ['an unsigned token (alg: none)', () => craftToken({ role: 'chair' }, 'none'), 'token is not signed'],
    ['a token with an unknown role', () => craftToken({ role: 'superuser' }), 'token claims are missing or malformed'],
  ])('refuses %s as UNAUTHENTICATED', async (_, token, message) => {
    expect(await refusal({ ...auth(), token: token() })).toEqual({ code: 'UNAUTHENTICATED', message });
  });

  it('refuses a token for another room as NOT_ALLOWED', async () => {
    const body = await refusal({ ...auth(), token: server.token({ sub: 'alice', room: 'room2' }) });
    expect(body).toEqual({ code: 'NOT_ALLOWED', message: 'this invitation is for another room' });
  });

  it('opens no room for a refused handshake', async () => {
    await refusal({ ...auth(), token: 'garbage' });
    await refusal({ ...auth(), token: server.token({ sub: 'alice', room: 'room2' }) });
    expect(gateway.opened).toEqual([]);
  });

  it('refuses a room that is no consultation session as NOT_FOUND, opening nothing', async () => {
    const body = await refusal({
      ...auth(),
      roomId: 'nowhere',
      token: server.token({ sub: 'alice', room: 'nowhere' }),
    });
    expect(body).toEqual({ code: 'NOT_FOUND', message: 'there is no consultation session "nowhere"' });
    expect(gateway.opened).toEqual([]);
  });

  it.each<Role>(['chair', 'secretary', 'member', 'guest', 'observer'])(
    'refuses a %s a session that has not been opened as SESSION_NOT_OPEN',
    async (role) => {
      await createTopic('later');
      const token = server.token({ sub: 'alice', role, room: 'later' });
      expect(await refusal({ ...auth(), roomId: 'later', token })).toEqual({
        code: 'SESSION_NOT_OPEN',
        message: 'the session has not been opened yet',
      });
      expect(gateway.opened).toEqual([]);
    },
  );

  it.each<Role>(['member', 'guest', 'observer'])('refuses a %s a closed session as SESSION_NOT_OPEN', async (role) => {
    await closedSession('past');
    const token = server.token({ sub: 'alice', role, room: 'past' });
    expect(await refusal({ ...auth(), roomId: 'past', token })).toEqual({
      code: 'SESSION_NOT_OPEN',
      message: 'the session is closed',
    });
    expect(gateway.opened).toEqual([]);
  });

  it.each<Role>(['chair', 'secretary'])(
    'lets the %s into a closed session (to finish the minutes), without counting attendance',
    async (role) => {
      await closedSession('past');
      const versionBefore = server.sessions.current('past').version;
      const client = await connect({ sub: 'keeper', role }, 'past');
      const { snapshot, micAllowed } = await client.call('room:join', { rtpCapabilities: rtpCapabilities() });
      expect(snapshot.session.session.status).toBe('closed');
      expect(snapshot.minutes?.minutes.status).toBe('draft');
      expect(micAllowed).toBe(role === 'chair');
      expect(gateway.opened.map((r) => r.id)).toEqual(['past']);
      expect(server.sessions.current('past').state.attendance.keeper).toBeUndefined();
      expect(server.sessions.current('past').version).toBe(versionBefore);
      // The minutes stay editable; the live parts of the session are frozen.
      if (role === 'secretary') {
        expect((await client.request('minutes:setNotes', { text: '会后补记' })).ok).toBe(true);
        expect(await client.request('queue:request', { kind: 'contribution' })).toMatchObject({
          ok: false,
          error: { code: 'CONFLICT' },
        });
      }
    },
  );

  it('keeps room1 open for members (the default test session)', async () => {
    const client = await connect({ sub: 'alice', role: 'member' });
    expect(client.socket.connected).toBe(true);
  });

  it('refuses as UNAVAILABLE while the room cannot be opened, and recovers', async () => {
    gateway.failOpen = new Error('no worker left');
    expect(await refusal(auth())).toEqual({
      code: 'UNAVAILABLE',
      message: 'the room could not be opened; try again shortly',
    });
    gateway.failOpen = undefined;
    await connect({ sub: 'alice' });
    expect(gateway.opened).toHaveLength(1);
  });
});

describe('a participant the chair removed', () => {
  it('is told why and disconnected; their token no longer admits them, anyone else’s still does', async () => {
    const chair = await join({ sub: 'chair', role: 'chair' });
    const bob = await join({ sub: 'bob' });
    await bob.client.call('queue:request', { kind: 'contribution' });
    const told = bob.client.next('session:removed');
    const closed = new Promise((resolve) => bob.client.socket.once('disconnect', resolve));
    await chair.client.call('participant:remove', { peerId: 'bob', reason: '扰乱会场秩序' });
    expect(await told).toEqual({ reason: '扰乱会场秩序' });
    await closed;

    const { state } = server.sessions.current('room1');
    expect(state.removed.bob).toMatchObject({ by: 'chair', reason: '扰乱会场秩序' });
    expect(state.queue).toEqual([]); // their request went with them
    expect(state.attendance.bob?.intervals.at(-1)?.leftAt).toEqual(expect.any(Number));
    expect(state.decisions.at(-1)).toMatchObject({ kind: 'participant_removed', by: 'chair' });

    // The same (still unexpired, validly signed) token: refused at the handshake.
    const again = TestClient.connect(server.url, { token: server.token({ sub: 'bob', room: 'room1' }) });
    await expect(again).rejects.toMatchObject({ code: 'NOT_ALLOWED' });
    await connect({ sub: 'carol' });
  });

  it('can also be removed over REST (the chair’s token), before ever joining', async () => {
    const res = await fetch(`${server.url}/api/topics/room1/participants/dave/remove`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${server.token({ sub: 'chair', role: 'chair' })}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ reason: '不属于本界别' }),
    });
    expect(res.status).toBe(200);
    await expect(TestClient.connect(server.url, { token: server.token({ sub: 'dave' }) })).rejects.toMatchObject({
      code: 'NOT_ALLOWED',
    });
  });
});

describe('joining and leaving', () => {
  it('answers the first joiner with itself, an empty room and the session as it stands', async () => {
    const { result } = await join({ sub: 'alice', name: '李华', role: 'chair', sector: '教育' });
    const { version } = server.sessions.current('room1');
    expect(result).toEqual({
      self: { id: 'alice', name: '李华', role: 'chair', sector: '教育', joinedAt: expect.any(Number) },
      resumed: false,
      peers: [],
      producers: [],
      snapshot: {
        session: expect.objectContaining({
          version,
          session: expect.objectContaining({ id: 'room1', status: 'open' }),
        }),
        queue: expect.objectContaining({ version, entries: [], current: null, mode: 'moderated' }),
        comments: [],
        hasMoreComments: false,
        minutes: expect.objectContaining({ version }),
        polls: { version, polls: [] },
        sites: { version, sites: [] },
        myAnswers: {},
      },
      micAllowed: true,
      activeSpeakerId: null,
    });
    expect(room().peers.get('alice')).toEqual({
      rtpCapabilities: rtpCapabilities(),
      canProduce: true,
      micAllowed: true,
    });
  });

  it('counts a joiner present in the session, and records leaving', async () => {
    const { client } = await join({ sub: 'alice', name: '李华', sector: '教育界' });
    const record = () => server.sessions.current('room1').state.attendance.alice;
    expect(record()).toEqual({
      person: { id: 'alice', name: '李华', role: 'member', sector: '教育界' },
      intervals: [{ joinedAt: expect.any(Number) }],
    });
    expect(room().peers.get('alice')?.micAllowed).toBe(false);
    await client.call('room:leave', {});
    await vi.waitFor(() => expect(record()?.intervals[0]?.leftAt).toEqual(expect.any(Number)));
  });

  it('tells a later joiner who is there and what they publish, and tells the others', async () => {
    const { client: alice, result: aliceJoin } = await join({ sub: 'alice', name: '李华' });
    const send = await alice.call('transport:create', { direction: 'send' });
    const { producerId } = await alice.call('producer:create', {
      transportId: send.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opusRtpParameters(),
    });

    const announced = alice.next('peer:joined');
    const { result } = await join({ sub: 'bob', name: '王芳', role: 'guest' });
    expect(result.self).toMatchObject({ id: 'bob', name: '王芳', role: 'guest' });
    expect(result.peers).toEqual([aliceJoin.self]);
    expect(result.producers).toEqual([{ producerId, peerId: 'alice', kind: 'audio', source: 'mic', paused: false }]);
    expect(await announced).toEqual(result.self);
  });

  it('lets observers join but not send', async () => {
    const { client } = await join({ sub: 'olga', role: 'observer' });
    expect(room().peers.get('olga')?.canProduce).toBe(false);
    expect(await client.request('transport:create', { direction: 'send' })).toEqual({
      ok: false,
      error: { code: 'NOT_ALLOWED', message: 'this role may not send media' },
    });
    expect((await client.request('transport:create', { direction: 'recv' })).ok).toBe(true);
  });

  it('refuses a second join on the same connection', async () => {
    const { client } = await join({ sub: 'alice' });
    const again = await client.request('room:join', { rtpCapabilities: rtpCapabilities() });
    expect(again).toEqual({ ok: false, error: { code: 'CONFLICT', message: 'already joined' } });
    expect(
      room()
        .methods()
        .filter((m) => m === 'addPeer'),
    ).toHaveLength(1);
  });

  it('announces a peer that disconnects, after its producers', async () => {
    const { client: alice } = await join({ sub: 'alice' });
    const { client: bob } = await join({ sub: 'bob' });
    const send = await alice.call('transport:create', { direction: 'send' });
    const { producerId } = await alice.call('producer:create', {
      transportId: send.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: vp8SimulcastRtpParameters(),
    });

    const seen: string[] = [];
    bob.socket.on('producer:closed', (p) => seen.push(`producer:closed ${p.producerId}`));
    bob.socket.on('peer:left', (p) => seen.push(`peer:left ${p.peerId}`));
    const left = bob.next('peer:left');
    alice.close();
    expect(await left).toEqual({ peerId: 'alice' });
    expect(seen).toEqual([`producer:closed ${producerId}`, 'peer:left alice']);
    expect(room().peers.has('alice')).toBe(false);
  });

  it('announces room:leave, after which media requests need a new join', async () => {
    const { client: alice } = await join({ sub: 'alice' });
    const { client: bob } = await join({ sub: 'bob' });
    const left = bob.next('peer:left');
    expect(await alice.request('room:leave', {})).toEqual({ ok: true, data: {} });
    expect(await left).toEqual({ peerId: 'alice' });
    expect(await alice.request('transport:create', { direction: 'recv' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect((await alice.request('room:join', { rtpCapabilities: rtpCapabilities() })).ok).toBe(true);
  });
});

describe('media requests and events', () => {
  it('relays producer pause/resume to the others and records the state', async () => {
    const { client: alice } = await join({ sub: 'alice' });
    const { client: bob } = await join({ sub: 'bob' });
    const send = await alice.call('transport:create', { direction: 'send' });
    const newProducer = bob.next('producer:new');
    const { producerId } = await alice.call('producer:create', {
      transportId: send.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opusRtpParameters(),
    });
    expect(await newProducer).toEqual({ producerId, peerId: 'alice', kind: 'audio', source: 'mic', paused: false });

    const paused = bob.next('producer:paused');
    await alice.call('producer:pause', { producerId });
    expect(await paused).toEqual({ producerId, peerId: 'alice' });
    const resumed = bob.next('producer:resumed');
    await alice.call('producer:resume', { producerId });
    expect(await resumed).toEqual({ producerId, peerId: 'alice' });
    expect(
      room()
        .calls.filter((c) => c.method === 'setProducerPaused')
        .map((c) => c.args),
    ).toEqual([
      ['alice', producerId, true],
      ['alice', producerId, false],
    ]);
  });

  it('carries a whole consume cycle, and a closed producer reaches its consumer', async () => {
    const { client: alice } = await join({ sub: 'alice' });
    const { client: bob } = await join({ sub: 'bob' });
    const send = await alice.call('transport:create', { direction: 'send' });
    await alice.call('transport:connect', { transportId: send.id, dtlsParameters: dtlsParameters() });
    const { producerId } = await alice.call('producer:create', {
      transportId: send.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: vp8SimulcastRtpParameters(),
    });

    const recv = await bob.call('transport:create', { direction: 'recv' });
    const consumer = await bob.call('consumer:create', { transportId: recv.id, producerId });
    expect(consumer).toMatchObject({ producerId, peerId: 'alice', kind: 'video', source: 'camera', type: 'simulcast' });
    await bob.call('consumer:resume', { consumerId: consumer.id });
    await bob.call('consumer:setPreferredLayers', { consumerId: consumer.id, spatialLayer: 1 });
    expect(room().calls.find((c) => c.method === 'setPreferredLayers')?.args).toEqual([
      'bob',
      consumer.id,
      { spatialLayer: 1 },
    ]);

    const consumerClosed = bob.next('consumer:closed');
    const producerClosed = bob.next('producer:closed');
    await alice.call('producer:close', { producerId });
    expect(await consumerClosed).toEqual({ consumerId: consumer.id });
    expect(await producerClosed).toEqual({ producerId, peerId: 'alice' });
  });

  it('broadcasts the dominant speaker and a media reset to everyone joined', async () => {
    const { client: alice } = await join({ sub: 'alice' });
    const { client: bob } = await join({ sub: 'bob' });
    const speakers = [alice.next('speaker:active'), bob.next('speaker:active')];
    room().fire('activeSpeaker', 'alice');
    expect(await Promise.all(speakers)).toEqual([{ peerId: 'alice' }, { peerId: 'alice' }]);

    const resets = [alice.next('media:reset'), bob.next('media:reset')];
    room().fire('reset', 'media worker restarted');
    expect(await Promise.all(resets)).toEqual([
      { reason: 'media worker restarted' },
      { reason: 'media worker restarted' },
    ]);
  });

  it('answers router capabilities before joining', async () => {
    const client = await connect({ sub: 'alice' });
    expect(await client.request('media:routerCapabilities', {})).toEqual({
      ok: true,
      data: { rtpCapabilities: rtpCapabilities() },
    });
  });

  const beforeJoin: { [K in Exclude<RequestName, 'media:routerCapabilities' | 'room:join'>]: RequestInput<K> } = {
    'room:leave': {},
    'transport:create': { direction: 'send' },
    'transport:connect': { transportId: 't1', dtlsParameters: dtlsParameters() },
    'transport:restartIce': { transportId: 't1' },
    'producer:create': { transportId: 't1', kind: 'audio', source: 'mic', rtpParameters: opusRtpParameters() },
    'producer:pause': { producerId: 'p1' },
    'producer:resume': { producerId: 'p1' },
    'producer:close': { producerId: 'p1' },
    'consumer:create': { transportId: 't1', producerId: 'p1' },
    'consumer:resume': { consumerId: 'c1' },
    'consumer:pause': { consumerId: 'c1' },
    'consumer:setPreferredLayers': { consumerId: 'c1', spatialLayer: 0 },
    'session:snapshot': {},
    'session:configure': { settings: { mode: 'open' } },
    'session:setStatus': { action: 'start' },
    'agenda:open': { itemId: 'ag-1' },
    'queue:request': { kind: 'contribution' },
    'queue:withdraw': { entryId: 'e1' },
    'queue:add': { speakerId: 'bob', kind: 'contribution' },
    'queue:move': { entryId: 'e1', toIndex: 0 },
    'queue:remove': { entryId: 'e1' },
    'queue:setClosed': { closed: true },
    'queue:clear': {},
    'floor:grant': {},
    'floor:end': {},
    'floor:yield': {},
    'floor:pause': {},
    'floor:resume': {},
    'floor:extend': { seconds: 60 },
    'participant:mute': { peerId: 'bob' },
    'participant:remove': { peerId: 'bob', reason: '请离场' },
    'comment:post': { text: '我先说两句' },
    'comment:react': { commentId: 'c1', reaction: 'agree', on: true },
    'comment:hide': { commentId: 'c1', reason: '离题' },
    'comments:page': {},
    'minutes:setSummary': { turnId: 't1', text: '摘要' },
    'minutes:setNotes': { text: '备注' },
    'minutes:addConsensus': { text: '共识' },
    'minutes:updateConsensus': { id: 'k1', text: '共识' },
    'minutes:removeConsensus': { id: 'k1' },
    'minutes:addAction': { title: '事项', ownerUnit: '市教育局' },
    'minutes:updateAction': { id: 'a1', status: 'done' },
    'minutes:removeAction': { id: 'a1' },
    'minutes:promoteComment': { commentId: 'c1' },
    'minutes:submit': {},
    'minutes:finalize': {},
    'minutes:reopen': {},
    'site:headcount': { count: 30 },
    'site:speaker': { name: '村民代表 王某' },
    'poll:open': { question: '是否同意？', anonymous: false },
    'poll:answer': { pollId: 'p1', option: 0 },
    'poll:siteCounts': { pollId: 'p1', counts: [1, 0, 0] },
    'poll:close': { pollId: 'p1' },
  };

  it.each(Object.entries(beforeJoin))(
    'refuses %s before joining as NOT_FOUND, touching no media and no session',
    async (name, payload) => {
      // A chair: whatever the request, the refusal is for not having joined, not for the role.
      const client = await connect({ sub: 'alice', role: 'chair' });
      const version = server.sessions.current('room1').version;
      expect(await rawRequest(client, name, payload)).toEqual({
        ok: false,
        error: { code: 'NOT_FOUND', message: 'join the room first' },
      });
      expect(room().calls).toEqual([]);
      expect(server.sessions.current('room1').version).toBe(version);
    },
  );
});

describe('hostile and broken input', () => {
  it('answers an unknown request with an ack as INVALID_REQUEST', async () => {
    const client = await connect({ sub: 'alice' });
    expect(await rawRequest(client, 'room:kickEveryone', {})).toEqual({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'unknown request "room:kickEveryone"' },
    });
  });

  it('answers messages without an ack with a protocol:error notification', async () => {
    const client = await connect({ sub: 'alice' });
    const unknown = client.next('protocol:error');
    client.raw('room:kickEveryone', {});
    expect(await unknown).toEqual({
      event: 'room:kickEveryone',
      code: 'INVALID_REQUEST',
      message: 'unknown request "room:kickEveryone"',
    });

    await client.call('room:join', { rtpCapabilities: rtpCapabilities() });
    const before = room().calls.length;
    const known = client.next('protocol:error');
    client.raw('transport:create', { direction: 'send' });
    expect(await known).toEqual({
      event: 'transport:create',
      code: 'INVALID_REQUEST',
      message: 'request needs an acknowledgement callback',
    });
    expect(callsSince(before)).toEqual([]);
  });

  it.each([
    ['an unknown field', 'transport:create', [{ direction: 'send', enableSctp: true }], /Unrecognized key.*enableSctp/],
    ['a wrong type', 'transport:create', [{ direction: 1 }], /^direction: /],
    ['a missing field', 'transport:connect', [{ transportId: 'transport-1' }], /^dtlsParameters: /],
    ['an oversize id', 'producer:pause', [{ producerId: 'p'.repeat(65) }], /^producerId: /],
    [
      'a bad fingerprint',
      'transport:connect',
      [{ transportId: 'transport-1', dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] } }],
      /^dtlsParameters\.fingerprints\.0\.value: fingerprint/,
    ],
    [
      'bad rtpParameters',
      'producer:create',
      [{ transportId: 'transport-1', kind: 'audio', source: 'mic', rtpParameters: { codecs: [] } }],
      /^rtpParameters\.codecs: /,
    ],
    ['no payload object', 'transport:create', [], /^expected exactly one payload object/],
    ['two payloads', 'transport:create', [{ direction: 'send' }, { direction: 'recv' }], /^expected exactly one/],
    ['a string payload', 'room:leave', ['now'], /expected object/],
  ])('refuses %s as INVALID_REQUEST and changes nothing', async (_, event, args, message) => {
    const { client } = await join({ sub: 'alice' });
    const before = room().calls.length;
    const ack = (await rawRequest(client, event, ...args)) as { ok: boolean; error: ErrorBody };
    expect(ack.ok).toBe(false);
    expect(ack.error.code).toBe('INVALID_REQUEST');
    expect(ack.error.message).toMatch(message);
    expect(callsSince(before)).toEqual([]);
  });

  it('drops a connection that sends a message over 64 KB', async () => {
    const client = await connect({ sub: 'alice' });
    const gone = disconnected(client);
    client.raw('room:join', { rtpCapabilities: { codecs: [], padding: 'x'.repeat(100_000) } }, () => undefined);
    expect(await gone).toBe('transport close');
    // Nothing of the message was handled; the room closed with its only connection.
    await room().closed;
    expect(room().methods()).toEqual(['close']);
  });

  it('answers an unexpected handler failure as INTERNAL without its details', async () => {
    const { client } = await join({ sub: 'alice' });
    room().failNext('createTransport', new Error('EACCES /etc/yishi/private.key (token=abc123)'));
    const ack = await client.request('transport:create', { direction: 'send' });
    expect(ack).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    expect(JSON.stringify(ack)).not.toMatch(/EACCES|private|abc123|at /);
    // The connection stays usable.
    expect((await client.request('transport:create', { direction: 'send' })).ok).toBe(true);
  });

  it('passes a typed refusal from the media layer through unchanged', async () => {
    const { client } = await join({ sub: 'alice' });
    const { id } = await client.call('transport:create', { direction: 'send' });
    room().failNext('restartIce', new Conflict('ICE restart already in progress'));
    expect(await client.request('transport:restartIce', { transportId: id })).toEqual({
      ok: false,
      error: { code: 'CONFLICT', message: 'ICE restart already in progress' },
    });
  });
});

describe('sessions and room lifetime', () => {
  it('replaces an older connection of the same identity', async () => {
    const { client: first } = await join({ sub: 'alice', name: '李华' });
    const { client: bob } = await join({ sub: 'bob' });
    const replaced = first.next('session:replaced');
    const firstGone = disconnected(first);
    const bobSees = [bob.next('peer:left'), bob.next('peer:joined')];

    const { client: second, result } = await join({ sub: 'alice', name: '李华' });
    expect(await replaced).toEqual({});
    await firstGone;
    expect(first.socket.connected).toBe(false);
    expect(await Promise.all(bobSees)).toEqual([{ peerId: 'alice' }, result.self]);
    expect(result.peers.map((p) => p.id)).toEqual(['bob']);
    expect(
      room()
        .methods()
        .filter((m) => m === 'addPeer' || m === 'removePeer'),
    ).toEqual(['addPeer', 'addPeer', 'removePeer', 'addPeer']);
    // The room lives on, and the new connection is the joined one.
    expect(room().closeCount).toBe(0);
    expect((await second.request('transport:create', { direction: 'send' })).ok).toBe(true);
  });

  it('keeps a replaced identity present in the attendance (one unbroken interval)', async () => {
    await join({ sub: 'alice', name: '李华' });
    const { client: second } = await join({ sub: 'alice', name: '李华' });
    // Commands on a session run one at a time: once this one is done, whatever the replacement
    // recorded is in the state too.
    await second.call('comment:post', { text: '换了一台设备' });
    const intervals = server.sessions.current('room1').state.attendance.alice?.intervals;
    expect(intervals).toEqual([{ joinedAt: expect.any(Number) }]);

    second.close();
    await vi.waitFor(() =>
      expect(server.sessions.current('room1').state.attendance.alice?.intervals).toEqual([
        { joinedAt: expect.any(Number), leftAt: expect.any(Number) },
      ]),
    );
  });

  it('closes the room when the last connection leaves, and opens a fresh one afterwards', async () => {
    const { client: alice } = await join({ sub: 'alice' });
    const { client: bob } = await join({ sub: 'bob' });
    const first = room();

    const aliceLeft = bob.next('peer:left');
    alice.close();
    await aliceLeft;
    expect(first.closeCount).toBe(0);

    bob.close();
    await first.closed;
    expect(first.closeCount).toBe(1);

    await join({ sub: 'carol' });
    expect(gateway.opened).toHaveLength(2);
    expect(room()).not.toBe(first);
  });

  it('counts connections that never joined', async () => {
    const { client: alice } = await join({ sub: 'alice' });
    const lurker = await connect({ sub: 'lurker' });
    const first = room();
    alice.close();
    await vi.waitFor(() => expect(first.peers.size).toBe(0));
    expect(first.closeCount).toBe(0);
    lurker.close();
    await first.closed;
    expect(first.closeCount).toBe(1);
  });

  it('closes a room whose only client gave up while it was opening', async () => {
    const hold = gateway.hold();
    const socket = io(server.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { token: server.token({ sub: 'alice' }), roomId: 'room1', protocolVersion: PROTOCOL_VERSION },
    });
    await hold.requested;
    socket.close();
    await vi.waitFor(() => expect(server.io.engine.clientsCount).toBe(0));
    hold.release();
    await vi.waitFor(() => expect(gateway.opened).toHaveLength(1));
    await room().closed;
    expect(room().closeCount).toBe(1);
  });
});
