import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type MediaConfig, type MediaRoom, type MediaRoomEvents, MediasoupGateway } from '@yishi/sfu';
import { events, MediasoupTracker, testLogger, testMediaConfig, until } from '../support/media.js';
import { opusRtpParameters, rtpCapabilities } from '../support/mediaFixtures.js';

/**
 * Media between nodes: two gateways (two worker pools, as two nodes have) open the same room; a
 * microphone produced on node A is piped to node B's router and consumed there by a plain RTP
 * receiver, with real mediasoup workers and real packets.
 */

const tracker = new MediasoupTracker();
const cleanup: Array<() => unknown> = [];
let lastGateway: MediasoupGateway | undefined;

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

afterAll(async () => {
  await tracker.expectAllWorkersGone();
});

async function node(overrides: Partial<MediaConfig> = {}): Promise<MediaRoom> {
  const gateway = await MediasoupGateway.start(testMediaConfig({ numWorkers: 1, ...overrides }), testLogger());
  cleanup.push(() => gateway.close());
  lastGateway = gateway;
  return (await gateway.openRoom('plenary')) as MediaRoom;
}

/** A UDP socket counting the RTP packets it receives. */
async function receiver(): Promise<{ port: number; count: () => number }> {
  const socket = dgram.createSocket('udp4');
  let packets = 0;
  socket.on('message', (msg) => {
    // RTP, not RTCP: payload types 200–206 are RTCP when muxed.
    if ((msg[1] ?? 0) < 200 || (msg[1] ?? 0) > 206) packets++;
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanup.push(() => socket.close());
  return { port: socket.address().port, count: () => packets };
}

/** SRTP keys as another node's pipe end would send them (AES-256-GCM: a 32-byte key and a 12-byte salt). */
function peerKeys(): { cryptoSuite: 'AEAD_AES_256_GCM'; keyBase64: string } {
  return { cryptoSuite: 'AEAD_AES_256_GCM', keyBase64: randomBytes(44).toString('base64') };
}

/** A UDP socket keeping every datagram it receives: what an eavesdropper between the nodes sees. */
async function tap(): Promise<{ port: number; datagrams: Buffer[] }> {
  const socket = dgram.createSocket('udp4');
  const datagrams: Buffer[] = [];
  socket.on('message', (msg) => datagrams.push(msg));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanup.push(() => socket.close());
  return { port: socket.address().port, datagrams };
}

/** Sends opus-like RTP packets with `ssrc` to `port` until stopped: `perTick` every 20 ms. */
function sender(port: number, ssrc: number, payloadType: number, perTick = 1): void {
  const socket = dgram.createSocket('udp4');
  let seq = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      const packet = Buffer.alloc(12 + 40, 0x5a);
      packet[0] = 0x80;
      packet[1] = payloadType;
      packet.writeUInt16BE(seq++ & 0xffff, 2);
      packet.writeUInt32BE((seq * 960) >>> 0, 4);
      packet.writeUInt32BE(ssrc, 8);
      socket.send(packet, port, '127.0.0.1');
    }
  }, 20);
  cleanup.push(() => {
    clearInterval(timer);
    socket.close();
  });
}

describe('media piped between nodes', () => {
  it('carries a producer of node A to a consumer on node B, gates it from A, and ends it there', async () => {
    const a = await node();
    const b = await node();

    // Node A: member m1 publishes a microphone over a plain transport.
    a.addPeer('m1', { rtpCapabilities: rtpCapabilities(), canProduce: true });
    const input = await a.createPlainTransport('m1', 'send');
    const rtpParameters = opusRtpParameters();
    const mic = await a.produce('m1', { transportId: input.id, kind: 'audio', source: 'mic', rtpParameters });
    sender(input.port, rtpParameters.encodings?.[0]?.ssrc as number, 111);

    // Node B asks for it: a pipe end there, the offer from A, the producer appears on B.
    const speakersOnB: (string | null)[] = [];
    b.on('activeSpeaker', (peerId) => speakersOnB.push(peerId));
    const end = await b.pipes.openPipeIn();
    const offer = await a.pipes.pipeOut(mic.producerId, end);
    const piped = await b.pipes.completePipeIn(end.pipeId, offer);
    expect(piped).toMatchObject({ producerId: mic.producerId, peerId: 'm1', kind: 'audio', source: 'mic' });
    expect(b.producers().map((p) => p.producerId)).toEqual([mic.producerId]);

    // A listener on node B consumes it like any producer, and packets arrive.
    b.addPeer('listener', { rtpCapabilities: rtpCapabilities(), canProduce: false });
    const out = await b.createPlainTransport('listener', 'recv');
    const sink = await receiver();
    await b.connectPlainTransport('listener', out.id, { ip: '127.0.0.1', port: sink.port });
    const consumer = await b.consume('listener', { transportId: out.id, producerId: mic.producerId });
    expect(consumer.peerId).toBe('m1');
    await b.setConsumerPaused('listener', consumer.id, false);
    await until(() => sink.count() > 10, 'packets from node A arrive at node B');
    await until(() => speakersOnB.at(-1) === 'm1', 'the open microphone speaks on node B');

    // Floor control on node A silences the microphone on node B too, and it no longer speaks there.
    await a.setMicAllowed('m1', false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const gated = sink.count();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sink.count() - gated).toBe(0);
    // The cluster tells node B (RemoteMedia): the microphone no longer speaks there.
    await b.pipes.setPipedPaused(mic.producerId, true);
    expect(speakersOnB).toEqual(['m1', null]);
    await a.setMicAllowed('m1', true);
    await b.pipes.setPipedPaused(mic.producerId, false);
    await until(() => sink.count() > gated + 10, 'packets flow again once the floor allows it');
    await until(() => speakersOnB.length === 3, 'the microphone speaks again on node B');
    expect(speakersOnB).toEqual(['m1', null, 'm1']);

    // When node A reports it gone, node B closes its end of the pipe: the piped producer closes there.
    const closed = events<MediaRoomEvents>(b).next('producerClosed');
    a.pipes.closePipe(offer.pipeId);
    b.pipes.closePipe(end.pipeId);
    expect(await closed).toEqual([{ peerId: 'm1', producerId: mic.producerId }]);
    expect(b.producers()).toEqual([]);
  });

  it('encrypts what crosses between nodes: the payload never appears on the wire, and both ends hold keys', async () => {
    const a = await node();
    a.addPeer('m1', { rtpCapabilities: rtpCapabilities(), canProduce: true });
    const input = await a.createPlainTransport('m1', 'send');
    const rtpParameters = opusRtpParameters();
    const mic = await a.produce('m1', { transportId: input.id, kind: 'audio', source: 'mic', rtpParameters });
    sender(input.port, rtpParameters.encodings?.[0]?.ssrc as number, 111);

    // The pipe's far end is a socket recording what arrives, as someone on the network between
    // the nodes would. The sender's payload is forty 0x5a bytes: plain RTP carries them as they are.
    const wire = await tap();
    await a.pipes.pipeOut(mic.producerId, { ip: '127.0.0.1', port: wire.port, srtpParameters: peerKeys() });
    const rtp = () => wire.datagrams.filter((d) => (d[1] ?? 0) < 200 || (d[1] ?? 0) > 206);
    await until(() => rtp().length >= 20, 'packets leave node A through the pipe');
    const payload = Buffer.alloc(40, 0x5a);
    expect(rtp().filter((d) => d.includes(payload)).length).toBe(0);
    // SRTP's authentication tag (16 bytes with AES-GCM) follows every packet.
    expect(rtp().every((d) => d.length >= 12 + 40 + 16)).toBe(true);

    const end = await (await node()).pipes.openPipeIn();
    expect(end.srtpParameters).toMatchObject({ cryptoSuite: expect.any(String), keyBase64: expect.any(String) });
  });

  it('refuses to pipe a producer that is not there', async () => {
    const a = await node();
    const remote = { ip: '127.0.0.1', port: 9, srtpParameters: peerKeys() };
    await expect(a.pipes.pipeOut('no-such-producer', remote)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(a.pipes.completePipeIn('no-such-pipe', {} as never)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('a room that outgrows a worker', () => {
  it('spreads peers over routers on other workers and pipes media between them', async () => {
    // One peer per router: the room spreads to the second worker as soon as a second peer comes.
    const room = await node({ numWorkers: 2, peersPerRouter: 1 });
    room.addPeer('speaker', { rtpCapabilities: rtpCapabilities(), canProduce: true });
    const input = await room.createPlainTransport('speaker', 'send');
    const rtpParameters = opusRtpParameters();
    const mic = await room.produce('speaker', { transportId: input.id, kind: 'audio', source: 'mic', rtpParameters });
    sender(input.port, rtpParameters.encodings?.[0]?.ssrc as number, 111);

    const sinks = [];
    for (const listener of ['l1', 'l2']) {
      room.addPeer(listener, { rtpCapabilities: rtpCapabilities(), canProduce: false });
      const out = await room.createPlainTransport(listener, 'recv');
      const sink = await receiver();
      await room.connectPlainTransport(listener, out.id, { ip: '127.0.0.1', port: sink.port });
      const consumer = await room.consume(listener, { transportId: out.id, producerId: mic.producerId });
      await room.setConsumerPaused(listener, consumer.id, false);
      sinks.push(sink);
    }
    // One router per worker (a second router on the same worker would gain nothing): the
    // speaker and l2 share the first, l1 is on the other worker and hears the speaker through a pipe.
    const pool = (lastGateway as MediasoupGateway).pool;
    expect(pool.slots.map((s) => s.routers)).toEqual([1, 1]);
    for (const sink of sinks) await until(() => sink.count() > 10, 'packets reach every listener');

    // Floor control on the speaker's own router silences every router.
    await room.setMicAllowed('speaker', false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const gated = sinks.map((s) => s.count());
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sinks.map((s) => s.count())).toEqual(gated);
  });
  it('admits no newcomer to a busy worker: the room spreads, and with no worker left the media is refused', async () => {
    // A low ceiling (2 % of a core), so a few thousand packets a second make a worker busy.
    const room = await node({ numWorkers: 2, peersPerRouter: 10_000, maxWorkerLoad: 0.02 });
    const pool = (lastGateway as MediasoupGateway).pool;
    room.addPeer('speaker', { rtpCapabilities: rtpCapabilities(), canProduce: true });
    const input = await room.createPlainTransport('speaker', 'send');
    const rtpParameters = opusRtpParameters();
    const mic = await room.produce('speaker', { transportId: input.id, kind: 'audio', source: 'mic', rtpParameters });
    sender(input.port, rtpParameters.encodings?.[0]?.ssrc as number, 111, 10);
    const sink = await receiver();
    const listen = async (peerId: string) => {
      room.addPeer(peerId, { rtpCapabilities: rtpCapabilities(), canProduce: false });
      const out = await room.createPlainTransport(peerId, 'recv');
      await room.connectPlainTransport(peerId, out.id, { ip: '127.0.0.1', port: sink.port });
      const consumer = await room.consume(peerId, { transportId: out.id, producerId: mic.producerId });
      await room.setConsumerPaused(peerId, consumer.id, false);
    };
    // Listeners come one by one until no worker admits another (bounded: it must happen).
    const placedOn: number[] = [];
    let refused: unknown;
    for (let i = 0; i < 400 && refused === undefined; i++) {
      const before = pool.slots.map((s) => s.routers);
      try {
        await listen(`l${i}`);
        placedOn.push(pool.slots.findIndex((s, k) => s.routers > (before[k] ?? 0)));
      } catch (err) {
        refused = err;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(refused).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/at capacity/) });
    // The room spread once, when the first worker got busy; both were busy when the last came.
    expect(pool.slots.map((s) => s.routers)).toEqual([1, 1]);
    expect(placedOn.filter((k) => k !== -1)).toHaveLength(1);
    expect(pool.slots.every((s) => !pool.admits(s))).toBe(true);
    // Those already in keep receiving.
    const received = sink.count();
    await until(() => sink.count() > received + 100, 'listeners admitted before keep receiving');
  });

  it('starts again on live workers, in one piece, when the worker it spread to dies', async () => {
    const room = await node({ numWorkers: 2, peersPerRouter: 1 });
    const pool = (lastGateway as MediasoupGateway).pool;
    for (const peer of ['p1', 'p2']) {
      room.addPeer(peer, { rtpCapabilities: rtpCapabilities(), canProduce: true });
      await room.createPlainTransport(peer, 'recv');
    }
    expect(pool.slots.map((s) => s.routers)).toEqual([1, 1]);
    const homePid = await room.workerPid();
    const spreadPid = pool.slots.find((s) => s.worker.pid !== homePid)?.worker.pid as number;
    const reset = events<MediaRoomEvents>(room).next('reset');
    process.kill(spreadPid, 'SIGKILL');
    expect(await reset).toEqual(['media worker restarted']);
    // Everyone's media was dropped, on both routers; they re-create it and the room spreads again.
    await until(() => pool.ready, 'the killed worker is respawned');
    for (const peer of ['p1', 'p2']) await room.createPlainTransport(peer, 'recv');
    expect(pool.slots.map((s) => s.routers).reduce((a, b) => a + b, 0)).toBe(2);
  });
});
