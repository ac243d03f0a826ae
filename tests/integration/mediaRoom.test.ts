import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type MediaConfig, type MediaRoom, type MediaRoomEvents, MediasoupGateway } from '@yishi/sfu';
import { AppError, type ErrorCode, type RtpCapabilities } from '@yishi/shared';
import { events, MediasoupTracker, testLogger, testMediaConfig, until } from '../support/media.js';
import {
  opusRtpParameters,
  unsupportedCodecRtpParameters,
  vp8SimulcastRtpParameters,
} from '../support/mediaFixtures.js';

const tracker = new MediasoupTracker();
const gateways: MediasoupGateway[] = [];

async function startGateway(overrides: Partial<MediaConfig> = {}): Promise<MediasoupGateway> {
  const gateway = await MediasoupGateway.start(testMediaConfig({ numWorkers: 2, ...overrides }), testLogger());
  gateways.push(gateway);
  return gateway;
}

afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close();
});

afterAll(async () => {
  await tracker.expectAllWorkersGone();
});

/** The typed AppError a call was refused with; fails the test if it succeeded or threw anything else. */
async function refusal(call: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof call === 'function' ? call() : call);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected the call to be refused');
}

async function expectRefused(call: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<AppError> {
  const err = await refusal(call);
  expect(err.code).toBe(code);
  return err;
}

/** A room with two members ("alice" publishes, "bob" receives) and their transports. */
async function roomWithTwoMembers(gateway: MediasoupGateway, roomId = 'room-a') {
  const room = await gateway.openRoom(roomId);
  const caps = await room.rtpCapabilities();
  room.addPeer('alice', { rtpCapabilities: caps, canProduce: true });
  room.addPeer('bob', { rtpCapabilities: caps, canProduce: true });
  const aliceSend = await room.createTransport('alice', 'send');
  const aliceRecv = await room.createTransport('alice', 'recv');
  const bobRecv = await room.createTransport('bob', 'recv');
  return { room, caps, aliceSend, aliceRecv, bobRecv };
}

/** Alice publishes a microphone and a 3-layer simulcast camera on `transportId`. */
async function publishMicAndCamera(room: MediaRoom, transportId: string) {
  const mic = await room.produce('alice', {
    transportId,
    kind: 'audio',
    source: 'mic',
    rtpParameters: opusRtpParameters(),
  });
  const camera = await room.produce('alice', {
    transportId,
    kind: 'video',
    source: 'camera',
    rtpParameters: vp8SimulcastRtpParameters(),
  });
  return { mic, camera };
}

function routersInUse(gateway: MediasoupGateway): number {
  return gateway.pool.slots.reduce((n, s) => n + s.routers, 0);
}

describe('MediaRoom via MediasoupGateway (real mediasoup workers)', () => {
  it('openRoom creates one router per room id, also when opened concurrently, on the least-loaded worker', async () => {
    const gateway = await startGateway();
    const routersBefore = tracker.routers.length;

    const [first, second] = await Promise.all([gateway.openRoom('room-a'), gateway.openRoom('room-a')]);
    expect(second).toBe(first);
    expect(await gateway.openRoom('room-a')).toBe(first);
    expect(tracker.routers.length - routersBefore).toBe(1);
    expect(routersInUse(gateway)).toBe(1);
    expect(gateway.roomCount).toBe(1);

    const other = await gateway.openRoom('room-b');
    expect(other).not.toBe(first);
    expect(tracker.routers.length - routersBefore).toBe(2);
    // Two workers, one room each: the second room went to the idle worker.
    expect(await other.workerPid()).not.toBe(await first.workerPid());
    expect(gateway.pool.slots.map((s) => s.routers)).toEqual([1, 1]);
  });

  it('offers opus and VP8 in its router capabilities', async () => {
    const gateway = await startGateway();
    const room = await gateway.openRoom('room-a');
    const caps = await room.rtpCapabilities();
    const mimeTypes = caps.codecs?.map((c) => c.mimeType.toLowerCase());
    expect(mimeTypes).toContain('audio/opus');
    expect(mimeTypes).toContain('video/vp8');
  });

  it('creates send and recv WebRTC transports with ICE/DTLS parameters and loopback candidates', async () => {
    const gateway = await startGateway();
    const room = await gateway.openRoom('room-a');
    room.addPeer('alice', { rtpCapabilities: await room.rtpCapabilities(), canProduce: true });
    const slot = gateway.pool.slots.find((s) => s.routers === 1)!;
    const serverDump = await slot.webRtcServer.dump();
    const serverPorts = [...serverDump.udpSockets, ...serverDump.tcpServers].map((s) => s.port);

    const send = await room.createTransport('alice', 'send');
    const recv = await room.createTransport('alice', 'recv');

    expect(send.id).not.toBe(recv.id);
    for (const transport of [send, recv]) {
      expect(transport.iceParameters.usernameFragment.length).toBeGreaterThan(0);
      expect(transport.iceParameters.password.length).toBeGreaterThan(0);
      expect(transport.iceParameters.iceLite).toBe(true);
      expect(transport.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
      expect(transport.dtlsParameters.fingerprints.map((f) => f.algorithm)).toContain('sha-256');
      expect(transport.iceCandidates.map((c) => c.protocol).sort()).toEqual(['tcp', 'udp']);
      for (const candidate of transport.iceCandidates) {
        expect(candidate.address).toBe('127.0.0.1');
        expect(candidate.type).toBe('host');
        // Every transport of a worker shares its WebRtcServer's ports.
        expect(serverPorts).toContain(candidate.port);
      }
    }
    expect(tracker.transport(send.id).appData).toEqual({ direction: 'send' });
    expect(tracker.transport(recv.id).appData).toEqual({ direction: 'recv' });
  });

  it('refuses a third transport in one direction, and transports for a peer that has not joined', async () => {
    const gateway = await startGateway();
    const room = await gateway.openRoom('room-a');
    room.addPeer('alice', { rtpCapabilities: await room.rtpCapabilities(), canProduce: true });
    await room.createTransport('alice', 'recv');
    await room.createTransport('alice', 'recv');

    await expectRefused(room.createTransport('alice', 'recv'), 'CONFLICT');
    await expectRefused(room.createTransport('nobody', 'recv'), 'NOT_FOUND');
  });

  it('lets an observer receive but never send', async () => {
    const gateway = await startGateway();
    const room = await gateway.openRoom('room-a');
    const caps = await room.rtpCapabilities();
    room.addPeer('alice', { rtpCapabilities: caps, canProduce: true });
    room.addPeer('watcher', { rtpCapabilities: caps, canProduce: false });
    const aliceSend = await room.createTransport('alice', 'send');
    const mic = await room.produce('alice', {
      transportId: aliceSend.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opusRtpParameters(),
    });

    await expectRefused(room.createTransport('watcher', 'send'), 'NOT_ALLOWED');
    const watcherRecv = await room.createTransport('watcher', 'recv');
    await expectRefused(
      room.produce('watcher', {
        transportId: watcherRecv.id,
        kind: 'audio',
        source: 'mic',
        rtpParameters: opusRtpParameters(),
      }),
      'NOT_ALLOWED',
    );
    expect(room.producers().map((p) => p.peerId)).toEqual(['alice']);

    const consumer = await room.consume('watcher', { transportId: watcherRecv.id, producerId: mic.producerId });
    expect(consumer.kind).toBe('audio');
  });

  it('publishes a microphone and a 3-layer simulcast camera, and another peer consumes them paused', async () => {
    const gateway = await startGateway();
    const { room, aliceSend, bobRecv } = await roomWithTwoMembers(gateway);

    const { mic, camera } = await publishMicAndCamera(room, aliceSend.id);
    expect(mic).toMatchObject({ peerId: 'alice', kind: 'audio', source: 'mic', paused: false });
    expect(camera).toMatchObject({ peerId: 'alice', kind: 'video', source: 'camera', paused: false });
    expect(tracker.producer(camera.producerId).type).toBe('simulcast');
    expect(tracker.producer(camera.producerId).rtpParameters.encodings?.map((e) => e.rid)).toEqual(['r0', 'r1', 'r2']);
    expect(room.producers()).toEqual(expect.arrayContaining([mic, camera]));
    expect(room.producers()).toHaveLength(2);

    const video = await room.consume('bob', { transportId: bobRecv.id, producerId: camera.producerId });
    expect(video).toMatchObject({
      producerId: camera.producerId,
      peerId: 'alice',
      kind: 'video',
      source: 'camera',
      type: 'simulcast',
      producerPaused: false,
    });
    expect(video.rtpParameters.codecs.map((c) => c.mimeType)).toContain('video/VP8');
    // One outgoing stream carrying the three spatial layers (and RTX, since the consumer asked for it).
    expect(video.rtpParameters.encodings).toHaveLength(1);
    expect(video.rtpParameters.encodings?.[0]?.scalabilityMode).toMatch(/^L3T3/);
    expect(video.rtpParameters.encodings?.[0]?.rtx?.ssrc).toBeTypeOf('number');
    expect(tracker.consumer(video.id).paused).toBe(true);

    const audio = await room.consume('bob', { transportId: bobRecv.id, producerId: mic.producerId });
    expect(audio).toMatchObject({ producerId: mic.producerId, kind: 'audio', source: 'mic', type: 'simple' });
    expect(audio.rtpParameters.codecs[0]?.mimeType).toBe('audio/opus');
    expect(tracker.consumer(audio.id).paused).toBe(true);

    // The client confirms it is ready: resume. Layers can be chosen on the simulcast stream only.
    await room.setConsumerPaused('bob', video.id, false);
    expect(tracker.consumer(video.id).paused).toBe(false);
    await room.setPreferredLayers('bob', video.id, { spatialLayer: 1, temporalLayer: 2 });
    expect(tracker.consumer(video.id).preferredLayers).toEqual({ spatialLayer: 1, temporalLayer: 2 });
    await expectRefused(room.setPreferredLayers('bob', audio.id, { spatialLayer: 0 }), 'INVALID_REQUEST');
  });

  it('starts a simulcast consumer at the layer asked for with it, and ignores a layer for a simple one', async () => {
    const gateway = await startGateway();
    const { room, aliceSend, bobRecv } = await roomWithTwoMembers(gateway);
    const { mic, camera } = await publishMicAndCamera(room, aliceSend.id);
    const video = await room.consume('bob', {
      transportId: bobRecv.id,
      producerId: camera.producerId,
      spatialLayer: 0,
    });
    expect(tracker.consumer(video.id).preferredLayers).toEqual({ spatialLayer: 0, temporalLayer: 2 });
    expect(tracker.consumer(video.id).paused).toBe(true);
    const audio = await room.consume('bob', { transportId: bobRecv.id, producerId: mic.producerId, spatialLayer: 1 });
    expect(tracker.consumer(audio.id).type).toBe('simple');
    expect(tracker.consumer(audio.id).preferredLayers).toBeUndefined();
  });

  it('pausing a producer is seen by its consumers', async () => {
    const gateway = await startGateway();
    const { room, aliceSend, bobRecv } = await roomWithTwoMembers(gateway);
    const mic = await room.produce('alice', {
      transportId: aliceSend.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opusRtpParameters(),
    });
    await room.setProducerPaused('alice', mic.producerId, true);
    expect(room.producers()[0]?.paused).toBe(true);

    const consumer = await room.consume('bob', { transportId: bobRecv.id, producerId: mic.producerId });
    expect(consumer.producerPaused).toBe(true);

    await room.setProducerPaused('alice', mic.producerId, false);
    expect(room.producers()[0]?.paused).toBe(false);
    await expectRefused(room.setProducerPaused('bob', mic.producerId, true), 'NOT_FOUND');
  });

  it('names only an open microphone the active speaker: a gated or muted one never is', async () => {
    // No RTP flows here: mediasoup's observer names a lone candidate at once, and among several keeps
    // the first it picked unless another is clearly louder. So a silent gated member, watched first,
    // would hold the large view against the chair for as long as the chair's voice took to win.
    const gateway = await startGateway();
    const room = await gateway.openRoom('speakers');
    const caps = await room.rtpCapabilities();
    const speakers: (string | null)[] = [];
    room.on('activeSpeaker', (peerId) => speakers.push(peerId));
    const publishMic = async (peerId: string, micAllowed: boolean) => {
      room.addPeer(peerId, { rtpCapabilities: caps, canProduce: true, micAllowed });
      const send = await room.createTransport(peerId, 'send');
      return room.produce(peerId, {
        transportId: send.id,
        kind: 'audio',
        source: 'mic',
        rtpParameters: opusRtpParameters(),
      });
    };
    const spoken = (...expected: (string | null)[]) =>
      until(() => speakers.length >= expected.length, `${expected.at(-1)} is named`).then(() =>
        expect(speakers).toEqual(expected),
      );

    await publishMic('alice', false);
    await publishMic('bob', false);
    const chairMic = await publishMic('chair', true);
    await spoken('chair');

    // Alice is given the floor: her microphone opens, but the chair, already speaking, stays.
    await room.setMicAllowed('alice', true);
    // The chair mutes: the only open microphone left is alice's.
    await room.setProducerPaused('chair', chairMic.producerId, true);
    await spoken('chair', null, 'alice');

    // The floor goes back: alice's microphone closes and nobody is speaking.
    await room.setMicAllowed('alice', false);
    await spoken('chair', null, 'alice', null);
    // The chair unmutes and speaks again.
    await room.setProducerPaused('chair', chairMic.producerId, false);
    await spoken('chair', null, 'alice', null, 'chair');
  });

  it('refuses bad produce and consume requests with typed errors, and stays usable', async () => {
    const gateway = await startGateway();
    const { room, aliceSend, aliceRecv, bobRecv } = await roomWithTwoMembers(gateway);

    // A source carries one kind only.
    await expectRefused(
      room.produce('alice', {
        transportId: aliceSend.id,
        kind: 'video',
        source: 'mic',
        rtpParameters: vp8SimulcastRtpParameters(),
      }),
      'INVALID_REQUEST',
    );
    await expectRefused(
      room.produce('alice', {
        transportId: aliceSend.id,
        kind: 'audio',
        source: 'camera',
        rtpParameters: opusRtpParameters(),
      }),
      'INVALID_REQUEST',
    );
    // A codec the router does not offer is the client's mistake, not a server crash.
    const unsupported = await expectRefused(
      room.produce('alice', {
        transportId: aliceSend.id,
        kind: 'audio',
        source: 'mic',
        rtpParameters: unsupportedCodecRtpParameters(),
      }),
      'INVALID_REQUEST',
    );
    expect(unsupported.message).toMatch(/codec/i);
    // Producing needs one of your own send transports.
    await expectRefused(
      room.produce('alice', {
        transportId: aliceRecv.id,
        kind: 'audio',
        source: 'mic',
        rtpParameters: opusRtpParameters(),
      }),
      'NOT_FOUND',
    );
    expect(room.producers()).toEqual([]);

    const mic = await room.produce('alice', {
      transportId: aliceSend.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opusRtpParameters(),
    });
    // One producer per source.
    await expectRefused(
      room.produce('alice', {
        transportId: aliceSend.id,
        kind: 'audio',
        source: 'mic',
        rtpParameters: opusRtpParameters(),
      }),
      'CONFLICT',
    );
    expect(room.producers()).toHaveLength(1);

    await expectRefused(
      room.consume('alice', { transportId: aliceRecv.id, producerId: mic.producerId }),
      'INVALID_REQUEST',
    );
    await expectRefused(room.consume('bob', { transportId: bobRecv.id, producerId: 'no-such-producer' }), 'NOT_FOUND');
    await expectRefused(room.consume('bob', { transportId: aliceRecv.id, producerId: mic.producerId }), 'NOT_FOUND');

    // A peer whose device has no common codec cannot consume.
    const videoOnly: RtpCapabilities = {
      codecs: (await room.rtpCapabilities()).codecs?.filter((c) => c.kind === 'video'),
    };
    room.addPeer('carol', { rtpCapabilities: videoOnly, canProduce: true });
    const carolRecv = await room.createTransport('carol', 'recv');
    await expectRefused(
      room.consume('carol', { transportId: carolRecv.id, producerId: mic.producerId }),
      'INVALID_REQUEST',
    );

    // Still fully working after all that.
    const consumer = await room.consume('bob', { transportId: bobRecv.id, producerId: mic.producerId });
    expect(consumer.producerId).toBe(mic.producerId);
  });

  it('refuses a MID or SSRC the peer already uses on the transport with CONFLICT, not INTERNAL', async () => {
    const gateway = await startGateway();
    const { room, aliceSend } = await roomWithTwoMembers(gateway);
    const micParameters = opusRtpParameters();
    await room.produce('alice', {
      transportId: aliceSend.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: micParameters,
    });

    await expectRefused(
      room.produce('alice', {
        transportId: aliceSend.id,
        kind: 'video',
        source: 'camera',
        rtpParameters: { ...vp8SimulcastRtpParameters(), mid: micParameters.mid },
      }),
      'CONFLICT',
    );
    await expectRefused(
      room.produce('alice', {
        transportId: aliceSend.id,
        kind: 'video',
        source: 'screen',
        rtpParameters: { ...vp8SimulcastRtpParameters(), encodings: [{ ssrc: micParameters.encodings?.[0]?.ssrc }] },
      }),
      'CONFLICT',
    );
    expect(room.producers().map((p) => p.source)).toEqual(['mic']);
  });

  it('closing a producer reports producerClosed, and consumerClosed to the peer consuming it', async () => {
    const gateway = await startGateway();
    const { room, aliceSend, bobRecv } = await roomWithTwoMembers(gateway);
    const camera = await room.produce('alice', {
      transportId: aliceSend.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: vp8SimulcastRtpParameters(),
    });
    const consumer = await room.consume('bob', { transportId: bobRecv.id, producerId: camera.producerId });
    const roomEvents = events<MediaRoomEvents>(room);
    const producerClosed = roomEvents.next('producerClosed');
    const consumerClosed = roomEvents.next('consumerClosed');

    await expectRefused(() => room.closeProducer('bob', camera.producerId), 'NOT_FOUND');
    room.closeProducer('alice', camera.producerId);

    expect(await producerClosed).toEqual([{ peerId: 'alice', producerId: camera.producerId }]);
    expect(await consumerClosed).toEqual([{ peerId: 'bob', consumerId: consumer.id }]);
    expect(room.producers()).toEqual([]);
    expect(tracker.producer(camera.producerId).closed).toBe(true);
    expect(tracker.consumer(consumer.id).closed).toBe(true);
    await expectRefused(room.setConsumerPaused('bob', consumer.id, false), 'NOT_FOUND');

    // The source is free again.
    const again = await room.produce('alice', {
      transportId: aliceSend.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: vp8SimulcastRtpParameters(),
    });
    expect(room.producers()).toEqual([again]);
  });

  it('removePeer closes all of that peer’s transports, producers and consumers', async () => {
    const gateway = await startGateway();
    const { room, aliceSend, aliceRecv, bobRecv } = await roomWithTwoMembers(gateway);
    const bobSend = await room.createTransport('bob', 'send');
    const aliceMic = await room.produce('alice', {
      transportId: aliceSend.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opusRtpParameters(),
    });
    const aliceCamera = await room.produce('alice', {
      transportId: aliceSend.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: vp8SimulcastRtpParameters(),
    });
    const bobMic = await room.produce('bob', {
      transportId: bobSend.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opusRtpParameters(),
    });
    const bobConsumesMic = await room.consume('bob', { transportId: bobRecv.id, producerId: aliceMic.producerId });
    const bobConsumesCamera = await room.consume('bob', {
      transportId: bobRecv.id,
      producerId: aliceCamera.producerId,
    });
    const aliceConsumesBob = await room.consume('alice', { transportId: aliceRecv.id, producerId: bobMic.producerId });

    const closedProducers: string[] = [];
    const closedConsumers: Array<{ peerId: string; consumerId: string }> = [];
    room.on('producerClosed', ({ producerId }) => closedProducers.push(producerId));
    room.on('consumerClosed', (info) => closedConsumers.push(info));
    const lastConsumerClosed = events<MediaRoomEvents>(room).next('consumerClosed', () => closedConsumers.length === 2);

    room.removePeer('alice');
    room.removePeer('alice'); // twice is harmless

    await lastConsumerClosed;
    expect(closedProducers.sort()).toEqual([aliceMic.producerId, aliceCamera.producerId].sort());
    expect(closedConsumers).toEqual(
      expect.arrayContaining([
        { peerId: 'bob', consumerId: bobConsumesMic.id },
        { peerId: 'bob', consumerId: bobConsumesCamera.id },
      ]),
    );
    for (const id of [aliceSend.id, aliceRecv.id]) expect(tracker.transport(id).closed).toBe(true);
    expect(tracker.consumer(aliceConsumesBob.id).closed).toBe(true);
    expect(tracker.transport(bobRecv.id).closed).toBe(false);
    expect(room.producers()).toEqual([bobMic]);
    await expectRefused(room.createTransport('alice', 'recv'), 'NOT_FOUND');
  });

  it('close() is idempotent, frees the router, and the room id can be opened afresh', async () => {
    const gateway = await startGateway();
    const { room, aliceSend } = await roomWithTwoMembers(gateway);
    const routerCount = tracker.routers.length;
    const router = tracker.routers.at(-1)!;
    expect(router.closed).toBe(false);
    expect(routersInUse(gateway)).toBe(1);

    room.close();
    room.close();

    expect(room.closed).toBe(true);
    expect(gateway.roomCount).toBe(0);
    // The router is released once the room's home (a promise) settles: a bounded wait.
    await until(() => router.closed, 'the router is closed');
    expect(tracker.transport(aliceSend.id).closed).toBe(true);
    expect(routersInUse(gateway)).toBe(0);
    await expectRefused(room.createTransport('alice', 'recv'), 'NOT_FOUND');
    await expectRefused(() => room.addPeer('dave', { rtpCapabilities: {}, canProduce: true }), 'NOT_FOUND');

    const reopened = await gateway.openRoom('room-a');
    expect(reopened).not.toBe(room);
    expect(tracker.routers.length).toBe(routerCount + 1);
    expect(routersInUse(gateway)).toBe(1);
  });

  describe('when the worker hosting the room dies', () => {
    async function killAndExpectReset(gateway: MediasoupGateway) {
      const { room, aliceSend, bobRecv, caps } = await roomWithTwoMembers(gateway);
      const mic = await room.produce('alice', {
        transportId: aliceSend.id,
        kind: 'audio',
        source: 'mic',
        rtpParameters: opusRtpParameters(),
      });
      await room.consume('bob', { transportId: bobRecv.id, producerId: mic.producerId });
      const oldPid = await room.workerPid();
      const producerClosed: unknown[] = [];
      room.on('producerClosed', (info) => producerClosed.push(info));
      const reset = events<MediaRoomEvents>(room).next('reset');

      process.kill(oldPid, 'SIGKILL');

      const [reason] = await reset;
      expect(reason).toMatch(/worker/);
      // A lost router is reported once, as the reset, not producer by producer.
      expect(producerClosed).toEqual([]);
      expect(room.producers()).toEqual([]);
      return { room, caps, oldPid };
    }

    /** After a reset the same peers re-create their media on the new router, end to end. */
    async function expectMediaWorksAgain(room: MediaRoom, oldPid: number) {
      const send = await room.createTransport('alice', 'send');
      const recv = await room.createTransport('bob', 'recv');
      expect(await room.workerPid()).not.toBe(oldPid);
      expect(send.iceCandidates.every((c) => c.address === '127.0.0.1')).toBe(true);
      const camera = await room.produce('alice', {
        transportId: send.id,
        kind: 'video',
        source: 'camera',
        rtpParameters: vp8SimulcastRtpParameters(),
      });
      const consumer = await room.consume('bob', { transportId: recv.id, producerId: camera.producerId });
      expect(consumer.type).toBe('simulcast');
      expect(room.producers()).toEqual([camera]);
    }

    it('resets and re-homes on another live worker', async () => {
      const gateway = await startGateway({ numWorkers: 2 });
      const { room, oldPid } = await killAndExpectReset(gateway);
      await expectMediaWorksAgain(room, oldPid);
      expect(gateway.pool.slots.map((s) => s.worker.pid)).toContain(await room.workerPid());
    });

    it('resets and re-homes on the respawned worker when it was the only one', async () => {
      const gateway = await startGateway({ numWorkers: 1 });
      const { room, oldPid } = await killAndExpectReset(gateway);
      await expectMediaWorksAgain(room, oldPid);
      expect(await room.workerPid()).toBe(gateway.pool.slots[0]?.worker.pid);
      expect(gateway.pool.slots[0]?.routers).toBe(1);
    });
  });
});
