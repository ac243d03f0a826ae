import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MediasoupGateway } from '@yishi/sfu';
import type { JoinResult, RequestPayload, Role, RtpCapabilities } from '@yishi/shared';
import { TestClient } from '../support/client.js';
import { MediasoupTracker } from '../support/media.js';
import { dtlsParameters, opusRtpParameters, vp8SimulcastRtpParameters } from '../support/mediaFixtures.js';
import { openTopic, startTestServer, type TestServer } from '../support/server.js';

const tracker = new MediasoupTracker();
const clients: TestClient[] = [];
let roomCounter = 0;

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

afterAll(async () => {
  await tracker.expectAllWorkersGone();
});

/**
 * A fresh room per test, so tests sharing a server never see each other. A room is a consultation
 * session: its topic is created and opened first. These tests are about the media core, so the
 * floor is open (nobody's microphone is gated); floor control has its own suite (floorControl.test.ts).
 */
async function newRoomId(server: TestServer): Promise<string> {
  roomCounter += 1;
  const roomId = `sig-room-${roomCounter}`;
  await openTopic(server.sessions, roomId, { mode: 'open' });
  return roomId;
}

interface Joined {
  client: TestClient;
  join: JoinResult;
  rtpCapabilities: RtpCapabilities;
}

async function connect(server: TestServer, roomId: string, claims: { sub: string; role?: Role }): Promise<TestClient> {
  const client = await TestClient.connect(server.url, { token: server.token({ ...claims, room: roomId }), roomId });
  clients.push(client);
  return client;
}

/** What the web client does on entering: load the router's capabilities, then join with them. */
async function joinRoom(server: TestServer, roomId: string, claims: { sub: string; role?: Role }): Promise<Joined> {
  const client = await connect(server, roomId, claims);
  const { rtpCapabilities } = await client.call('media:routerCapabilities', {});
  const join = await client.call('room:join', { rtpCapabilities });
  return { client, join, rtpCapabilities };
}

function micRequest(transportId: string): RequestPayload<'producer:create'> {
  return { transportId, kind: 'audio', source: 'mic', rtpParameters: opusRtpParameters() };
}

function cameraRequest(transportId: string): RequestPayload<'producer:create'> {
  return { transportId, kind: 'video', source: 'camera', rtpParameters: vp8SimulcastRtpParameters() };
}

describe('signaling media flow over Socket.IO (real server, real mediasoup worker)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it('routerCapabilities → join → transports → produce → (producer:new) → consume → resume', async () => {
    const roomId = await newRoomId(server);
    const alice = await joinRoom(server, roomId, { sub: 'alice' });
    expect(alice.rtpCapabilities.codecs?.map((c) => c.mimeType)).toEqual(
      expect.arrayContaining(['audio/opus', 'video/VP8']),
    );
    expect(alice.join.self).toMatchObject({ id: 'alice', role: 'member' });
    expect(alice.join.peers).toEqual([]);
    expect(alice.join.producers).toEqual([]);

    const aliceSeesBob = alice.client.next('peer:joined', (p) => p.id === 'bob');
    const bob = await joinRoom(server, roomId, { sub: 'bob' });
    expect((await aliceSeesBob).id).toBe('bob');
    expect(bob.join.peers.map((p) => p.id)).toEqual(['alice']);

    const send = await alice.client.call('transport:create', { direction: 'send' });
    expect(send.iceCandidates.length).toBeGreaterThan(0);
    expect(send.iceCandidates.every((c) => c.address === '127.0.0.1')).toBe(true);
    expect(send.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    expect(
      await alice.client.call('transport:connect', { transportId: send.id, dtlsParameters: dtlsParameters() }),
    ).toEqual({});

    const micAnnounced = bob.client.next('producer:new', (p) => p.source === 'mic');
    const { producerId: micId } = await alice.client.call('producer:create', micRequest(send.id));
    expect(await micAnnounced).toEqual({
      producerId: micId,
      peerId: 'alice',
      kind: 'audio',
      source: 'mic',
      paused: false,
    });

    const cameraAnnounced = bob.client.next('producer:new', (p) => p.source === 'camera');
    const { producerId: cameraId } = await alice.client.call('producer:create', cameraRequest(send.id));
    expect(await cameraAnnounced).toMatchObject({ producerId: cameraId, peerId: 'alice', kind: 'video' });

    const recv = await bob.client.call('transport:create', { direction: 'recv' });
    await bob.client.call('transport:connect', { transportId: recv.id, dtlsParameters: dtlsParameters() });
    const video = await bob.client.call('consumer:create', { transportId: recv.id, producerId: cameraId });
    expect(video).toMatchObject({
      producerId: cameraId,
      peerId: 'alice',
      kind: 'video',
      source: 'camera',
      type: 'simulcast',
      producerPaused: false,
    });
    expect(tracker.consumer(video.id).paused).toBe(true);
    expect(await bob.client.call('consumer:resume', { consumerId: video.id })).toEqual({});
    expect(tracker.consumer(video.id).paused).toBe(false);
    expect(await bob.client.call('consumer:setPreferredLayers', { consumerId: video.id, spatialLayer: 0 })).toEqual({});

    const audio = await bob.client.call('consumer:create', { transportId: recv.id, producerId: micId });
    expect(audio).toMatchObject({ kind: 'audio', source: 'mic', type: 'simple' });

    // Someone joining later is told what is already published.
    const carol = await joinRoom(server, roomId, { sub: 'carol' });
    expect(carol.join.peers.map((p) => p.id).sort()).toEqual(['alice', 'bob']);
    expect(carol.join.producers.map((p) => p.producerId).sort()).toEqual([micId, cameraId].sort());
  });

  it('producer:pause and producer:resume are announced to everyone, the owner included', async () => {
    const roomId = await newRoomId(server);
    const alice = await joinRoom(server, roomId, { sub: 'alice' });
    const bob = await joinRoom(server, roomId, { sub: 'bob' });
    const send = await alice.client.call('transport:create', { direction: 'send' });
    const { producerId } = await alice.client.call('producer:create', micRequest(send.id));

    // The notifications come from the media room's own events, so the owner hears of it too.
    const paused = [alice, bob].map((p) => p.client.next('producer:paused'));
    await alice.client.call('producer:pause', { producerId });
    for (const event of await Promise.all(paused)) expect(event).toEqual({ producerId, peerId: 'alice' });
    expect(tracker.producer(producerId).paused).toBe(true);

    const resumed = [alice, bob].map((p) => p.client.next('producer:resumed'));
    await alice.client.call('producer:resume', { producerId });
    for (const event of await Promise.all(resumed)) expect(event).toEqual({ producerId, peerId: 'alice' });
    expect(tracker.producer(producerId).paused).toBe(false);

    // Only the owner may pause a producer.
    const refused = await bob.client.request('producer:pause', { producerId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('producer:close: others get producer:closed, the consumer’s owner gets consumer:closed', async () => {
    const roomId = await newRoomId(server);
    const alice = await joinRoom(server, roomId, { sub: 'alice' });
    const bob = await joinRoom(server, roomId, { sub: 'bob' });
    const send = await alice.client.call('transport:create', { direction: 'send' });
    const { producerId } = await alice.client.call('producer:create', cameraRequest(send.id));
    const recv = await bob.client.call('transport:create', { direction: 'recv' });
    const consumer = await bob.client.call('consumer:create', { transportId: recv.id, producerId });

    const producerClosed = bob.client.next('producer:closed');
    const consumerClosed = bob.client.next('consumer:closed');
    expect(await alice.client.call('producer:close', { producerId })).toEqual({});

    expect(await producerClosed).toEqual({ producerId, peerId: 'alice' });
    expect(await consumerClosed).toEqual({ consumerId: consumer.id });
    const resume = await bob.client.request('consumer:resume', { consumerId: consumer.id });
    expect(resume).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('an observer may receive but not send: send transport and producer:create are NOT_ALLOWED', async () => {
    const roomId = await newRoomId(server);
    const alice = await joinRoom(server, roomId, { sub: 'alice' });
    const watcher = await joinRoom(server, roomId, { sub: 'watcher', role: 'observer' });
    expect(watcher.join.self.role).toBe('observer');
    const send = await alice.client.call('transport:create', { direction: 'send' });
    const { producerId } = await alice.client.call('producer:create', micRequest(send.id));

    const sendTransport = await watcher.client.request('transport:create', { direction: 'send' });
    expect(sendTransport).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });

    const recv = await watcher.client.call('transport:create', { direction: 'recv' });
    const produce = await watcher.client.request('producer:create', micRequest(recv.id));
    expect(produce).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });

    const consumer = await watcher.client.call('consumer:create', { transportId: recv.id, producerId });
    expect(consumer.kind).toBe('audio');
  });

  it('makes the transports asked for with the join: usable at once, an observer no send', async () => {
    const roomId = await newRoomId(server);
    const alice = await connect(server, roomId, { sub: 'alice' });
    const { rtpCapabilities } = await alice.call('media:routerCapabilities', {});
    const joined = await alice.call('room:join', { rtpCapabilities, transports: ['send', 'recv'] });
    const { send, recv } = joined.transports ?? {};
    expect(send?.iceCandidates.length).toBeGreaterThan(0);
    expect(recv?.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    expect(send?.id).not.toBe(recv?.id);
    // They are this peer's transports, each in its direction.
    const { producerId } = await alice.call('producer:create', micRequest(send?.id ?? ''));
    expect(producerId).toBeTypeOf('string');
    expect(await alice.request('producer:create', micRequest(recv?.id ?? ''))).toMatchObject({ ok: false });

    // Without `transports`, nothing is made: the answer has none.
    const bob = await joinRoom(server, roomId, { sub: 'bob' });
    expect(bob.join.transports).toBeUndefined();

    // An observer asking for a send transport with the join still joins; it gets only the receive one.
    const watcher = await connect(server, roomId, { sub: 'watcher', role: 'observer' });
    const watched = await watcher.call('room:join', { rtpCapabilities, transports: ['send', 'recv'] });
    expect(watched.self.role).toBe('observer');
    expect(Object.keys(watched.transports ?? {})).toEqual(['recv']);
  });

  it('refuses malformed and out-of-turn media requests with typed errors', async () => {
    const roomId = await newRoomId(server);
    const notJoined = await connect(server, roomId, { sub: 'late' });
    const early = await notJoined.request('transport:create', { direction: 'recv' });
    expect(early).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const alice = await joinRoom(server, roomId, { sub: 'alice' });
    const send = await alice.client.call('transport:create', { direction: 'send' });

    const badFingerprint = await alice.client.request('transport:connect', {
      transportId: send.id,
      dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'not a fingerprint' }] },
    });
    expect(badFingerprint).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const noFingerprints = await alice.client.request('transport:connect', {
      transportId: send.id,
      dtlsParameters: { role: 'client', fingerprints: [] },
    });
    expect(noFingerprints).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });

    // The refused attempts left the transport untouched: a proper connect still works, once.
    const dtls = dtlsParameters();
    expect(await alice.client.call('transport:connect', { transportId: send.id, dtlsParameters: dtls })).toEqual({});
    const again = await alice.client.request('transport:connect', { transportId: send.id, dtlsParameters: dtls });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const badCodec = await alice.client.request('producer:create', {
      ...micRequest(send.id),
      rtpParameters: { ...opusRtpParameters(), codecs: [{ mimeType: 'audio/G722', payloadType: 9, clockRate: 8000 }] },
    });
    expect(badCodec).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const mismatch = await alice.client.request('producer:create', { ...cameraRequest(send.id), source: 'mic' });
    expect(mismatch).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it('leaving (room:leave or disconnecting) tells the others peer:left and closes the leaver’s producers', async () => {
    const roomId = await newRoomId(server);
    const alice = await joinRoom(server, roomId, { sub: 'alice' });
    const bob = await joinRoom(server, roomId, { sub: 'bob' });
    const carol = await joinRoom(server, roomId, { sub: 'carol' });
    const send = await alice.client.call('transport:create', { direction: 'send' });
    const { producerId } = await alice.client.call('producer:create', micRequest(send.id));

    const bobSeesLeave = bob.client.next('peer:left', (p) => p.peerId === 'alice');
    const bobSeesProducerClosed = bob.client.next('producer:closed');
    expect(await alice.client.call('room:leave', {})).toEqual({});
    expect(await bobSeesLeave).toEqual({ peerId: 'alice' });
    expect(await bobSeesProducerClosed).toEqual({ producerId, peerId: 'alice' });
    const afterLeave = await alice.client.request('transport:create', { direction: 'send' });
    expect(afterLeave).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const bobSeesCarolGo = bob.client.next('peer:left', (p) => p.peerId === 'carol');
    carol.client.close();
    expect(await bobSeesCarolGo).toEqual({ peerId: 'carol' });
  });

  it('serves /healthz, /readyz and /metrics over HTTP', async () => {
    const roomId = await newRoomId(server);
    const alice = await joinRoom(server, roomId, { sub: 'alice' });
    await alice.client.request('transport:create', { direction: 'send' });

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('yishi_requests_total');
    expect(text).toMatch(/yishi_requests_total\{event="room:join",code="OK"\} [1-9]/);
    expect(text).toMatch(/yishi_requests_total\{event="media:routerCapabilities",code="OK"\} [1-9]/);
    expect(text).toMatch(/yishi_media_ready 1/);
  });
});

describe('signaling when the media worker dies (real server, real mediasoup worker)', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer();
  });

  afterEach(async () => {
    await server.close();
  });

  it('tells every joined client media:reset, after which they can create transports and produce again', async () => {
    const roomId = await newRoomId(server);
    const alice = await joinRoom(server, roomId, { sub: 'alice' });
    const bob = await joinRoom(server, roomId, { sub: 'bob' });
    const send = await alice.client.call('transport:create', { direction: 'send' });
    await alice.client.call('producer:create', micRequest(send.id));
    await bob.client.call('transport:create', { direction: 'recv' });

    if (!(server.gateway instanceof MediasoupGateway)) throw new Error('expected the real mediasoup gateway');
    const oldPid = server.gateway.pool.slots[0]!.worker.pid;
    const resets = [alice, bob].map((p) => p.client.next('media:reset'));

    process.kill(oldPid, 'SIGKILL');

    for (const reset of await Promise.all(resets)) expect(reset.reason).toMatch(/worker/);

    const newSend = await alice.client.call('transport:create', { direction: 'send' });
    const newRecv = await bob.client.call('transport:create', { direction: 'recv' });
    expect(newSend.iceCandidates.every((c) => c.address === '127.0.0.1')).toBe(true);
    expect(server.gateway.pool.slots[0]?.worker.pid).not.toBe(oldPid);

    // The old producer is gone: a newcomer sees none, and the old transport is unknown.
    const carol = await joinRoom(server, roomId, { sub: 'carol' });
    expect(carol.join.producers).toEqual([]);
    const oldTransport = await alice.client.request('producer:create', cameraRequest(send.id));
    expect(oldTransport).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const announced = bob.client.next('producer:new');
    const { producerId } = await alice.client.call('producer:create', micRequest(newSend.id));
    expect((await announced).producerId).toBe(producerId);
    const consumer = await bob.client.call('consumer:create', { transportId: newRecv.id, producerId });
    expect(consumer.producerId).toBe(producerId);

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
  });
});
