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
  consume(peerId: string, request: { transportId: string; producerId: string }): Promise<ConsumerOptions>;
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

/** One end of a pipe between two nodes' routers for a session (UDP, RTP and RTCP muxed). */
export interface PipeEnd {
  pipeId: string;
  ip: string;
  port: number;
}

/** What the node that has a producer tells the node that wants it, to produce it there. */
export interface PipeOffer {
  ip: string;
  port: number;
  producer: ProducerInfo;
  rtpParameters: RtpParameters;
}

/**
 * Media crossing nodes: a producer of this room is sent to another node's router for the same
 * session over a PipeTransport, and appears there as a producer of a remote peer, consumed like
 * any other. Pausing or closing the original silences or ends it everywhere.
 */
export interface MediaPipes {
  /** Sends `producerId` to the other node's pipe end `remote`; what that node needs to produce it. */
  pipeOut(producerId: string, remote: { ip: string; port: number }): Promise<PipeOffer & { pipeId: string }>;
  /** A pipe end waiting for another node's offer. */
  openPipeIn(): Promise<PipeEnd>;
  /** Connects pipe `pipeId` to the offer and produces the remote producer here. */
  completePipeIn(pipeId: string, offer: PipeOffer): Promise<ProducerInfo>;
  /** Pauses or resumes a producer piped in here (its owner's node paused or resumed it). */
  setPipedPaused(producerId: string, paused: boolean): Promise<void>;
  /** Closes a pipe, in or out (the piped producer, if any, closes with it). */
  closePipe(pipeId: string): void;
}

/** What signaling needs of the SFU; it never touches mediasoup directly. */
export interface MediaGateway {
  /** The room's media, created on first use (one router on the least-loaded worker). */
  openRoom(roomId: string): Promise<MediaRoomApi>;
  /** True while every worker is up. */
  readonly ready: boolean;
  close(): Promise<void>;
}
