import { randomBytes } from 'node:crypto';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { pino } from 'pino';
import { MEDIA_CODECS, type MediaRoom, MediasoupGateway } from '@yishi/sfu';
import type { RtpCapabilities, RtpParameters } from '@yishi/shared';
import { testMediaConfig } from '../../tests/support/media.js';
import { PRODUCER_PARAMETERS } from './publisher.js';

/**
 * One SFU under load: a publisher's plain transport (audio + three-layer VP8) and any number of
 * consumers, each on its own plain transport sending to the UDP sink. Two rigs carry the same
 * load: `bare` is mediasoup alone; `yishi` goes through Yishi's SFU layer (worker pool, room
 * router with its active-speaker observer, produce/consume with Yishi's checks and options).
 */
export interface FanoutRig {
  readonly name: 'bare' | 'yishi';
  /** Where the publisher sends RTP. */
  readonly input: { ip: string; port: number };
  addConsumers(count: number, sinkPorts: number[]): Promise<void>;
  /** The video layer one consumer is being sent (what every consumer gets). */
  videoLayer(): Promise<number>;
  /** CPU time of the mediasoup worker so far (user + system, ms). */
  workerCpuMs(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Consumers' transports encrypt like WebRTC ones: that is most of the per-packet work of a real
 * SFU. Chromium with mediasoup negotiates AEAD_AES_256_GCM (AES-NI does most of it); older peers
 * AES_CM_128_HMAC_SHA1_80. The sink only counts, so it never needs to decrypt.
 */
export const SRTP_SUITES = ['AEAD_AES_256_GCM', 'AES_CM_128_HMAC_SHA1_80'] as const;
export type SrtpSuite = (typeof SRTP_SUITES)[number];
/** Master key + salt, bytes (RFC 7714, RFC 3711). */
const KEY_BYTES: Record<SrtpSuite, number> = { AEAD_AES_256_GCM: 44, AES_CM_128_HMAC_SHA1_80: 30 };
const remoteSrtp = (suite: SrtpSuite): types.SrtpParameters => ({
  cryptoSuite: suite,
  keyBase64: randomBytes(KEY_BYTES[suite]).toString('base64'),
});

const cpuMs = async (worker: types.Worker) => {
  const usage = await worker.getResourceUsage();
  return usage.ru_utime + usage.ru_stime;
};

export async function bareRig(suite: SrtpSuite): Promise<FanoutRig> {
  const worker = await mediasoup.createWorker({ logLevel: 'error' });
  const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  const input = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
    rtcpMux: true,
    comedia: true,
  });
  const audio = await input.produce({ kind: 'audio', rtpParameters: PRODUCER_PARAMETERS.audio as types.RtpParameters });
  const video = await input.produce({ kind: 'video', rtpParameters: PRODUCER_PARAMETERS.video as types.RtpParameters });
  const consumers: types.Consumer[] = [];
  return {
    name: 'bare',
    input: { ip: '127.0.0.1', port: input.tuple.localPort },
    async addConsumers(count, sinkPorts) {
      for (let i = 0; i < count; i++) {
        const t = await router.createPlainTransport({
          listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
          rtcpMux: true,
          comedia: false,
          enableSrtp: true,
          srtpCryptoSuite: suite,
        });
        await t.connect({
          ip: '127.0.0.1',
          port: sinkPorts[(consumers.length / 2) % sinkPorts.length] as number,
          srtpParameters: remoteSrtp(suite),
        });
        for (const producer of [audio, video]) {
          consumers.push(await t.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities }));
        }
      }
    },
    async videoLayer() {
      return consumers.find((c) => c.kind === 'video')?.currentLayers?.spatialLayer ?? -1;
    },
    workerCpuMs: () => cpuMs(worker),
    async close() {
      worker.close();
    },
  };
}

export async function yishiRig(suite: SrtpSuite): Promise<FanoutRig> {
  const gateway = await MediasoupGateway.start(
    // The fan-out scenario measures one router on one worker.
    testMediaConfig({ numWorkers: 1, peersPerRouter: 100_000 }),
    pino({ level: 'silent' }),
  );
  const room: MediaRoom = await gateway.openRoom('bench');
  const rtpCapabilities = (await room.rtpCapabilities()) as RtpCapabilities;
  room.addPeer('publisher', { rtpCapabilities, canProduce: true });
  const input = await room.createPlainTransport('publisher', 'send');
  const audio = await room.produce('publisher', {
    transportId: input.id,
    kind: 'audio',
    source: 'mic',
    rtpParameters: PRODUCER_PARAMETERS.audio as RtpParameters,
  });
  const video = await room.produce('publisher', {
    transportId: input.id,
    kind: 'video',
    source: 'camera',
    rtpParameters: PRODUCER_PARAMETERS.video as RtpParameters,
  });
  const worker = gateway.pool.slots[0]?.worker as types.Worker;
  let n = 0;
  let probe: { peerId: string; consumerId: string } | undefined;
  return {
    name: 'yishi',
    input: { ip: input.ip, port: input.port },
    async addConsumers(count, sinkPorts) {
      for (let i = 0; i < count; i++, n++) {
        const peerId = `consumer-${n}`;
        room.addPeer(peerId, { rtpCapabilities, canProduce: false });
        const t = await room.createPlainTransport(peerId, 'recv', { srtp: suite });
        await room.connectPlainTransport(peerId, t.id, {
          ip: '127.0.0.1',
          port: sinkPorts[n % sinkPorts.length] as number,
          srtpParameters: remoteSrtp(suite),
        });
        for (const producer of [audio, video]) {
          const consumer = await room.consume(peerId, { transportId: t.id, producerId: producer.producerId });
          await room.setConsumerPaused(peerId, consumer.id, false);
          if (producer === video) probe ??= { peerId, consumerId: consumer.id };
        }
      }
    },
    async videoLayer() {
      return probe ? (room.currentLayers(probe.peerId, probe.consumerId)?.spatialLayer ?? -1) : -1;
    },
    workerCpuMs: () => cpuMs(worker),
    async close() {
      await gateway.close();
    },
  };
}
