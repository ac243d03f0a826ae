import type { types } from 'mediasoup';

/** Media settings, validated by the server's config schema and handed to the SFU. */
export interface MediaConfig {
  /** Number of mediasoup workers; one per core is the norm. */
  numWorkers: number;
  /** Address the WebRtcServers listen on (UDP and TCP). */
  listenIp: string;
  /** Address or hostname put in ICE candidates; needed when listenIp is 0.0.0.0 or behind NAT. */
  announcedAddress: string | undefined;
  /** Worker i listens on basePort + i (UDP and TCP); 0 lets the OS choose (tests). */
  basePort: number;
  workerLogLevel: types.WorkerLogLevel;
  /** Starting estimate for a new WebRTC transport's outgoing bitrate (bps). */
  initialOutgoingBitrate: number;
  /** Cap on what one client may send us (bps): every camera layer, a screen share and audio (`MAX_PUBLISH_BITRATE`). */
  maxIncomingBitrate: number;
  /** A room with more peers than this on a router spreads to another router (another worker). */
  peersPerRouter: number;
  /**
   * A worker busier than this (fraction of one core) takes no new peer: the room spreads to a
   * worker below it, or the newcomer's media is refused (UNAVAILABLE) while signaling goes on.
   */
  maxWorkerLoad: number;
}

/**
 * Opus with in-band FEC and DTX (speech on lossy mobile links); VP8, which every browser can
 * simulcast. One codec set for every router so all rooms share the same capabilities.
 */
export const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
  {
    kind: 'audio',
    mimeType: 'audio/opus',
    clockRate: 48000,
    channels: 2,
    parameters: { useinbandfec: 1, usedtx: 1 },
  },
  {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    parameters: { 'x-google-start-bitrate': 500 },
  },
];
