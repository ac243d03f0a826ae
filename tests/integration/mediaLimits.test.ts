import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MediasoupGateway } from '@yishi/sfu';
import type { Role } from '@yishi/shared';
import { type Ack, HandMadeClient } from '../support/handMadeClient.js';
import { MediasoupTracker, until } from '../support/media.js';
import { opusRtpParameters, vp8SimulcastRtpParameters } from '../support/mediaFixtures.js';
import { openTopic, startTestServer, type TestServer } from '../support/server.js';

/**
 * Per-participant media limits against a hostile client (docs/security.md, "Media limits"): one
 * written by hand from docs/protocol.md — the handshake's `auth`, then each request emitted with
 * an ack callback — that sends its requests all at once instead of one after another as the web
 * client does. What the SFU really holds is read from mediasoup itself (its observer API).
 */

const tracker = new MediasoupTracker();
const clients: HandMadeClient[] = [];
let server: TestServer;
let roomCounter = 0;

beforeAll(async () => {
  // The per-connection rate limit has its own tests; here every request must reach the SFU.
  server = await startTestServer({ rooms: [], env: { SOCKET_REQUESTS_PER_SECOND: '1000000' } });
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

afterAll(async () => {
  await server?.close();
  await tracker.expectAllWorkersGone();
});

/** A fresh open session (moderated: a member's microphone is gated until granted the floor). */
async function newRoom(): Promise<string> {
  roomCounter += 1;
  const roomId = `limits-room-${roomCounter}`;
  await openTopic(server.sessions, roomId);
  return roomId;
}

async function join(roomId: string, sub: string, role: Role = 'member'): Promise<HandMadeClient> {
  const client = await HandMadeClient.connect(server.url, server.token({ sub, role, room: roomId }), roomId);
  clients.push(client);
  const { rtpCapabilities } = await client.ok('media:routerCapabilities', {});
  await client.ok('room:join', { rtpCapabilities });
  return client;
}

/** Sends every request at once; the acks in order. */
const burst = (client: HandMadeClient, name: string, payloads: unknown[]) =>
  Promise.all(payloads.map((payload) => client.request(name, payload)));

const accepted = (acks: Ack[]) => acks.filter((a) => a.ok);
const refusals = (acks: Ack[]) => acks.flatMap((a) => (a.ok ? [] : [a.error.code]));

/** The microphone producers mediasoup holds for `peerId` now. */
const micsInSfu = (peerId: string) =>
  tracker.producers.filter(
    (p) => !p.closed && (p.appData as { peerId?: string }).peerId === peerId && p.appData.source === 'mic',
  );

describe('per-participant media limits under concurrent requests (real server, real mediasoup worker)', () => {
  it('three microphones sent at once: exactly one is accepted, and none sounds without the floor', async () => {
    const roomId = await newRoom();
    const chair = await join(roomId, 'chair', 'chair');
    const member = await join(roomId, 'm1');
    const send = await member.ok('transport:create', { direction: 'send' });
    // Each with its own MID and SSRC, so that mediasoup itself has no reason to refuse any.
    const mic = () => ({ transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opusRtpParameters() });

    // Without the floor.
    const gated = await burst(member, 'producer:create', [mic(), mic(), mic()]);
    expect(accepted(gated)).toHaveLength(1);
    expect(refusals(gated)).toEqual(['CONFLICT', 'CONFLICT']);
    expect(micsInSfu('m1')).toHaveLength(1);
    expect(micsInSfu('m1').every((p) => p.paused)).toBe(true);

    // With the floor, a microphone starts live: three again, the first one closed.
    const { id: entryId } = await member.ok('queue:request', { kind: 'contribution' });
    await chair.ok('floor:grant', { entryId });
    await until(() => micsInSfu('m1').every((p) => !p.paused), 'the speaker’s microphone sounds');
    await member.ok('producer:close', { producerId: accepted(gated)[0]?.data.producerId });
    const live = await burst(member, 'producer:create', [mic(), mic(), mic()]);
    expect(accepted(live)).toHaveLength(1);
    expect(refusals(live)).toEqual(['CONFLICT', 'CONFLICT']);
    expect(micsInSfu('m1').map((p) => p.id)).toEqual([accepted(live)[0]?.data.producerId]);

    // The floor ends: every microphone the member has is paused, and stays so.
    await chair.ok('floor:end', {});
    await until(() => micsInSfu('m1').every((p) => p.paused), 'every microphone of the member is paused again');
    const refused = await member.request('producer:resume', { producerId: accepted(live)[0]?.data.producerId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
  });

  it('12 transports of each direction asked at once: no more than the limit of 2 per direction', async () => {
    const roomId = await newRoom();
    const member = await join(roomId, 'm1');
    const before = new Set(tracker.transports);

    const twelve = (direction: 'send' | 'recv') => Array.from({ length: 12 }, () => ({ direction }));
    const [sends, recvs] = await Promise.all([
      burst(member, 'transport:create', twelve('send')),
      burst(member, 'transport:create', twelve('recv')),
    ]);
    for (const acks of [sends, recvs]) {
      expect(accepted(acks)).toHaveLength(2);
      expect(refusals(acks)).toEqual(Array(10).fill('CONFLICT'));
    }
    const made = tracker.transports.filter((t) => !before.has(t) && !t.closed);
    expect(made.map((t) => t.id).sort()).toEqual(
      [...accepted(sends), ...accepted(recvs)].map((a) => a.data.id as string).sort(),
    );
  });

  it('a receive transport has a ceiling on what the SFU sends it', async () => {
    const roomId = await newRoom();
    const member = await join(roomId, 'm1');
    const recv = await member.ok('transport:create', { direction: 'recv' });
    const [stats] = (await tracker.transport(recv.id as string).getStats()) as Array<{ maxOutgoingBitrate?: number }>;
    expect(stats?.maxOutgoingBitrate).toBe(5_000_000);
  });

  it('1,000 consumers of one producer asked at once: one consumer', async () => {
    const roomId = await newRoom();
    const speaker = await join(roomId, 'm1');
    const observer = await join(roomId, 'o1', 'observer');
    const send = await speaker.ok('transport:create', { direction: 'send' });
    const { producerId } = await speaker.ok('producer:create', {
      transportId: send.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opusRtpParameters(),
    });
    const recv = await observer.ok('transport:create', { direction: 'recv' });

    const acks = await burst(
      observer,
      'consumer:create',
      Array.from({ length: 1000 }, () => ({ transportId: recv.id, producerId })),
    );
    expect(accepted(acks)).toHaveLength(1);
    expect(refusals(acks)).toEqual(Array(999).fill('CONFLICT'));
    const consumers = tracker.consumers.filter((c) => !c.closed && c.producerId === producerId);
    expect(consumers.map((c) => c.id)).toEqual([accepted(acks)[0]?.data.id]);
  });

  it('a participant holds at most 500 consumers, however many producers the room has', async () => {
    // Built through the SFU's own API: 167 publishers with a microphone, a camera and a screen each.
    if (!(server.gateway instanceof MediasoupGateway)) throw new Error('expected the real mediasoup gateway');
    const room = await server.gateway.openRoom(await newRoom());
    const producerIds: string[] = [];
    for (let n = 0; n < 167; n++) {
      const peerId = `publisher-${n}`;
      room.addPeer(peerId, { rtpCapabilities: await room.rtpCapabilities(), canProduce: true });
      const { id: transportId } = await room.createPlainTransport(peerId, 'send');
      const mic = await room.produce(peerId, {
        transportId,
        kind: 'audio',
        source: 'mic',
        rtpParameters: opusRtpParameters(),
      });
      producerIds.push(mic.producerId);
      for (const source of ['camera', 'screen'] as const) {
        const video = await room.produce(peerId, {
          transportId,
          kind: 'video',
          source,
          rtpParameters: vp8SimulcastRtpParameters(),
        });
        producerIds.push(video.producerId);
      }
    }
    room.addPeer('watcher', { rtpCapabilities: await room.rtpCapabilities(), canProduce: false });
    const recv = await room.createTransport('watcher', 'recv');

    const results = await Promise.allSettled(
      producerIds.map((producerId) => room.consume('watcher', { transportId: recv.id, producerId })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(500);
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : []));
    expect(codes).toEqual(['CONFLICT']);
    room.close();
  });
});
