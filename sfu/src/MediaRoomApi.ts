import type {
  ConsumerOptions,
  DtlsParameters,
  MediaKind,
  MediaSource,
  ProducerInfo,
  RtpCapabilities,
  RtpParameters,
  TransportOptions,
} from '@yishi/shared';
import type { MediaPipes } from './MediaPipes.js';

/** Events a media room reports to the signaling layer. */
export type MediaRoomEvents = {
  /** A producer went away (closed by its owner, or its peer left). */
  producerClosed: [info: { peerId: string; producerId: string }];
  /** A consumer went away because its producer did; its peer should drop it. */
  consumerClosed: [info: { peerId: string; consumerId: string }];
  /** A producer was paused or resumed (by its owner, by the floor, or by the chair). */
  producerPaused: [info: { peerId: string; producerId: string }];
  producerResumed: [info: { peerId: string; producerId: string }];
  /** The dominant speaker changed; null when they stopped publishing audio. */
  activeSpeaker: [peerId: string | null];
  /** The room's router was lost and replaced: every peer must re-create its transports. */
  reset: [reason: string];
};

export interface ProduceRequest {
  transportId: string;
  kind: MediaKind;
  source: MediaSource;
  rtpParameters: RtpParameters;
}

export interface PeerMediaOptions {
  rtpCapabilities: RtpCapabilities;
  /** False for observers: they may receive but never send media. */
  canProduce: boolean;
  /** Floor control at entry (see setMicAllowed); true when omitted. */
  micAllowed?: boolean;
}

/**
 * The media of one room, as the signaling layer sees it. Peer ids are the signaling layer's;
 * every method refuses with a typed AppError (NOT_FOUND, NOT_ALLOWED, INVALID_REQUEST, CONFLICT).
 */
export interface MediaRoomApi {
  readonly id: string;
  rtpCapabilities(): Promise<RtpCapabilities>;
  addPeer(peerId: string, options: PeerMediaOptions): void;
  removePeer(peerId: string): void;
  producers(): ProducerInfo[];
  /** The dominant speaker now (as last reported by `activeSpeaker`), for someone just joining. */
  activeSpeaker(): string | null;
  createTransport(peerId: string, direction: 'send' | 'recv'): Promise<TransportOptions>;
  connectTransport(peerId: string, transportId: string, dtlsParameters: DtlsParameters): Promise<void>;
  restartIce(peerId: string, transportId: string): Promise<TransportOptions['iceParameters']>;
  produce(peerId: string, request: ProduceRequest): Promise<ProducerInfo>;
  setProducerPaused(peerId: string, producerId: string, paused: boolean): Promise<void>;
  closeProducer(peerId: string, producerId: string): void;
  /**
   * Floor control. While not allowed, the peer's microphone producer stays paused in the SFU and
   * the peer's own requests to resume it are refused (NOT_ALLOWED); allowing it resumes the
   * microphone unless the peer muted it themselves.
   */
  setMicAllowed(peerId: string, allowed: boolean): Promise<void>;
  /** The chair mutes a peer's microphone; the peer may unmute again (if allowed). */
  muteMic(peerId: string): Promise<void>;
  /** Created paused; `spatialLayer` is a layered video's preferred layer from the start. */
  consume(
    peerId: string,
    request: { transportId: string; producerId: string; spatialLayer?: number | undefined },
  ): Promise<ConsumerOptions>;
  setConsumerPaused(peerId: string, consumerId: string, paused: boolean): Promise<void>;
  setPreferredLayers(
    peerId: string,
    consumerId: string,
    layers: { spatialLayer: number; temporalLayer?: number },
  ): Promise<void>;
  readonly pipes: MediaPipes;
  /** Idempotent. */
  close(): void;
  on<K extends keyof MediaRoomEvents>(event: K, listener: (...args: MediaRoomEvents[K]) => void): unknown;
  off<K extends keyof MediaRoomEvents>(event: K, listener: (...args: MediaRoomEvents[K]) => void): unknown;
}
