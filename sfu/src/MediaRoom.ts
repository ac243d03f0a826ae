import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import {
  type ConsumerOptions,
  type DtlsParameters,
  Forbidden,
  InvalidRequest,
  NotFound,
  type MediaSource,
  type ProducerInfo,
  type RtpCapabilities,
  type RtpParameters,
  type TransportOptions,
} from '@yishi/shared';
import type { MediaConfig } from './config.js';
import { Emitter } from '@yishi/shared';
import type { MediaRoomApi, MediaRoomEvents, PeerMediaOptions, ProduceRequest } from './MediaRoomApi.js';
import { type Direction, MediaPeer, producerInfo } from './MediaPeer.js';
import { RoomPipes } from './RoomPipes.js';
import { observeWhileOpen } from './speakers.js';
import { MAX_OUTGOING_BITRATE } from './limits.js';
import { clientCall } from './mediasoupErrors.js';
import { type Placement, RouterSet } from './RouterSet.js';
import type { WorkerPool } from './WorkerPool.js';

const SOURCE_KIND: Record<MediaSource, 'audio' | 'video'> = { mic: 'audio', camera: 'video', screen: 'video' };

/** See `MediaRoom.sendStats`; bitrates in bit/s. */
export interface SendStats {
  transports: Array<{
    direction: 'send' | 'recv';
    availableOutgoingBitrate: number;
    sendBitrate: number;
    rtxSendBitrate: number;
    probationSendBitrate: number;
    recvBitrate: number;
  }>;
  consumers: Array<{
    id: string;
    kind: 'audio' | 'video';
    paused: boolean;
    priority: number;
    spatialLayer: number | undefined;
    temporalLayer: number | undefined;
    score: number;
    bitrate: number;
    packetCount: number;
    nackCount: number;
    pliCount: number;
    firCount: number;
  }>;
}

/**
 * A camera's key frame requests after a first one are held for this long and sent as one (if that
 * first key frame has come by then; if not, mediasoup's own retry after 1 s still applies).
 * Chromium ignores a request within 300 ms of the last one it honoured, and mediasoup then asks
 * again only after 1 s: a newcomer's request landing just after another's (a pipe to another node
 * opening, a tile changing layer as they join) waited a second for its first frame. mediasoup holds
 * per layer (SSRC); Chromium's window spans all of a camera's layers, so a request for another
 * layer inside it can still wait. Producers piped in from other nodes need none: their requests
 * are merged at the camera's own node.
 */
const KEY_FRAME_REQUEST_DELAY_MS = 350;

/**
 * The media of one room: per peer its transports, producers and consumers, on the room's routers
 * (see RouterSet: one router per `peersPerRouter` peers, a producer piped to another router when
 * a peer there first consumes it). Audio is also piped to the first router, where the active
 * speaker is observed. When a worker dies the room moves to live workers and tells its peers to
 * re-create their media (event `reset`); the peers themselves stay.
 */
export class MediaRoom extends Emitter<MediaRoomEvents> implements MediaRoomApi {
  readonly id: string;
  readonly #config: MediaConfig;
  readonly #log: Logger;
  readonly #onClose: () => void;
  readonly #peers = new Map<string, MediaPeer>();
  readonly #routers: RouterSet;
  readonly pipes: RoomPipes;
  #dominantPeerId: string | null = null;
  #closed = false;

  private constructor(id: string, pool: WorkerPool, config: MediaConfig, log: Logger, onClose: () => void) {
    super();
    this.id = id;
    this.#config = config;
    this.#log = log.child({ module: 'media-room', roomId: id });
    this.#onClose = onClose;
    this.#routers = new RouterSet(pool, config, this.#log, {
      dominantSpeaker: (peerId) => this.#setDominant(peerId),
      lost: () => {
        for (const peer of this.#peers.values()) peer.forget();
        this.#dominantPeerId = null;
      },
      rehomed: () => this.emit('reset', 'media worker restarted'),
    });
    this.pipes = new RoomPipes(config, {
      router: async (producerId) => {
        const { router } = await this.#routers.home;
        if (producerId) await this.#routers.ensureOn(producerId, router);
        return router;
      },
      localProducer: (producerId) => this.#localProducer(producerId),
      pipedIn: (producer) => this.#watchPiped(producer),
    });
  }

  static async open(
    id: string,
    pool: WorkerPool,
    config: MediaConfig,
    log: Logger,
    onClose: () => void,
  ): Promise<MediaRoom> {
    const room = new MediaRoom(id, pool, config, log, onClose);
    await room.#routers.home;
    return room;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Which worker hosts the room now (tests and metrics). */
  async workerPid(): Promise<number> {
    return (await this.#routers.home).slot.worker.pid;
  }

  async rtpCapabilities(): Promise<RtpCapabilities> {
    return (await this.#routers.home).router.rtpCapabilities as RtpCapabilities;
  }

  addPeer(peerId: string, { rtpCapabilities, canProduce, micAllowed = true }: PeerMediaOptions): void {
    this.#assertOpen();
    // A peer that joins again (reconnect, second tab) starts from a clean slate.
    this.#peers.get(peerId)?.closeAll();
    const peer = new MediaPeer(peerId, canProduce, rtpCapabilities);
    peer.micAllowed = micAllowed;
    this.#peers.set(peerId, peer);
  }

  removePeer(peerId: string): void {
    const peer = this.#peers.get(peerId);
    if (!peer) return;
    this.#peers.delete(peerId);
    peer.closeAll();
    this.#routers.release(peerId);
  }

  /** Every producer here: this node's peers', and those piped in from other nodes. */
  producers(): ProducerInfo[] {
    return [
      ...[...this.#peers.values()].flatMap((peer) => [...peer.producers.values()]),
      ...this.pipes.producers(),
    ].map(producerInfo);
  }

  activeSpeaker(): string | null {
    return this.#dominantPeerId;
  }

  async createTransport(peerId: string, direction: Direction): Promise<TransportOptions> {
    const transport = await this.#addTransport(peerId, direction, ({ router, slot }) =>
      router.createWebRtcTransport<{ direction: Direction }>({
        webRtcServer: slot.webRtcServer,
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: this.#config.initialOutgoingBitrate,
        appData: { direction },
      }),
    );
    if (direction === 'send') await transport.setMaxIncomingBitrate(this.#config.maxIncomingBitrate);
    else await transport.setMaxOutgoingBitrate(MAX_OUTGOING_BITRATE);
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters as DtlsParameters,
    };
  }

  /**
   * A plain RTP transport (no ICE, no DTLS) for media that does not come from a browser: server
   * side recording or ingest, and load tests on loopback. A send transport learns its remote
   * address from the first packet (comedia); a receive one is told where to send with
   * `connectPlainTransport`. Not reachable from clients.
   */
  async createPlainTransport(
    peerId: string,
    direction: Direction,
    /** `srtp`: encrypt with this suite (as a browser's transport would); plain RTP without. */
    options: { srtp?: types.SrtpCryptoSuite | undefined } = {},
  ): Promise<{ id: string; ip: string; port: number; srtpParameters?: types.SrtpParameters | undefined }> {
    const transport = await this.#addTransport(peerId, direction, ({ router }) =>
      router.createPlainTransport<{ direction: Direction }>({
        listenInfo: { protocol: 'udp', ip: this.#config.listenIp },
        rtcpMux: true,
        comedia: direction === 'send',
        enableSrtp: options.srtp !== undefined,
        ...(options.srtp ? { srtpCryptoSuite: options.srtp } : {}),
        appData: { direction },
      }),
    );
    return {
      id: transport.id,
      ip: transport.tuple.localAddress,
      port: transport.tuple.localPort,
      srtpParameters: transport.srtpParameters,
    };
  }

  /** Where a plain transport sends; with SRTP, the remote side's keys. */
  async connectPlainTransport(
    peerId: string,
    transportId: string,
    remote: { ip: string; port: number; srtpParameters?: types.SrtpParameters },
  ): Promise<void> {
    await this.#peer(peerId).plainTransport(transportId).connect(remote);
  }

  /** Creates a transport for `peerId` within the per-direction limit, and forgets it when it closes. */
  async #addTransport<T extends types.Transport<{ direction: Direction }>>(
    peerId: string,
    direction: Direction,
    create: (placement: Placement) => Promise<T>,
  ): Promise<T> {
    const peer = this.#peer(peerId);
    if (direction === 'send' && !peer.canProduce) throw new Forbidden('this role may not send media');
    const release = peer.reserveTransport(direction);
    try {
      const transport = await create(await this.#routers.placementOf(peerId));
      // The peer may have left, or the room been reset, while the transport was being created.
      if (this.#peers.get(peerId) !== peer || transport.closed) {
        transport.close();
        throw new NotFound('participant left the room');
      }
      peer.transports.set(transport.id, transport);
      transport.observer.on('close', () => peer.transports.delete(transport.id));
      return transport;
    } finally {
      release();
    }
  }

  async connectTransport(peerId: string, transportId: string, dtlsParameters: DtlsParameters): Promise<void> {
    const transport = this.#peer(peerId).webRtcTransport(transportId);
    await clientCall('connect transport', () =>
      transport.connect({ dtlsParameters: dtlsParameters as types.DtlsParameters }),
    );
  }

  async restartIce(peerId: string, transportId: string): Promise<TransportOptions['iceParameters']> {
    const transport = this.#peer(peerId).webRtcTransport(transportId);
    return clientCall('restart ICE', () => transport.restartIce());
  }

  async produce(peerId: string, { transportId, kind, source, rtpParameters }: ProduceRequest): Promise<ProducerInfo> {
    const peer = this.#peer(peerId);
    if (!peer.canProduce) throw new Forbidden('this role may not send media');
    if (SOURCE_KIND[source] !== kind) throw new InvalidRequest(`a ${source} producer must be ${SOURCE_KIND[source]}`);
    const transport = peer.transport(transportId, 'send');
    // Taken before the first await: three microphones asked at once are one and two refusals.
    const release = peer.reserveSource(source);
    try {
      const { router: primary, speakerObserver } = await this.#routers.home;
      const { router } = await this.#routers.placementOf(peerId);
      const producer = await clientCall('produce', () =>
        transport.produce<{ peerId: string; source: MediaSource }>({
          kind,
          rtpParameters: rtpParameters as types.RtpParameters,
          // A gated microphone starts paused: not one packet reaches others before the floor allows it.
          paused: source === 'mic' && !peer.micAllowed,
          keyFrameRequestDelay: kind === 'video' ? KEY_FRAME_REQUEST_DELAY_MS : 0,
          appData: { peerId, source },
        }),
      );
      if (source === 'mic') peer.micMuted = false;
      peer.producers.set(producer.id, producer);
      this.#routers.addSource(producer, router);
      producer.observer.on('close', () => {
        peer.producers.delete(producer.id);
        // A lost router is reported once, as `reset`, not producer by producer.
        if (!this.#closed && !router.closed) this.emit('producerClosed', { peerId, producerId: producer.id });
      });
      if (kind === 'audio')
        await this.#watchVoice(producer, speakerObserver, this.#routers.ensureOn(producer.id, primary));
      // The floor may have changed while the producer was being created (no mic to apply it to then).
      if (source === 'mic') await this.#applyMic(peer);
      return producerInfo(producer);
    } finally {
      release();
    }
  }

  async setProducerPaused(peerId: string, producerId: string, paused: boolean): Promise<void> {
    const peer = this.#peer(peerId);
    const producer = peer.producer(producerId);
    if (producer.appData.source === 'mic') {
      if (!paused && !peer.micAllowed) throw new Forbidden('the floor is not yours: request to speak first');
      peer.micMuted = paused;
      return this.#applyMic(peer);
    }
    await this.#setPaused(peer.id, producer, paused);
  }

  async setMicAllowed(peerId: string, allowed: boolean): Promise<void> {
    const peer = this.#peer(peerId);
    peer.micAllowed = allowed;
    await this.#applyMic(peer);
  }

  async muteMic(peerId: string): Promise<void> {
    const peer = this.#peer(peerId);
    peer.micMuted = true;
    await this.#applyMic(peer);
  }

  /**
   * A microphone sounds only when the floor allows it and nobody muted it. Changes run one at a
   * time, each reading the flags when its turn comes: mediasoup updates `producer.paused` only when
   * the worker answers, so a pause decided while a resume is in flight would otherwise be skipped
   * as already done, leaving the microphone live without the floor.
   */
  #applyMic(peer: MediaPeer): Promise<void> {
    const run = peer.micApplied.then(async () => {
      const mic = peer.mic();
      if (mic) await this.#setPaused(peer.id, mic, peer.micMuted || !peer.micAllowed);
    });
    peer.micApplied = run.catch(() => undefined);
    return run;
  }

  async #setPaused(peerId: string, producer: types.Producer, paused: boolean): Promise<void> {
    if (producer.paused === paused || producer.closed) return;
    await (paused ? producer.pause() : producer.resume());
    this.emit(paused ? 'producerPaused' : 'producerResumed', { peerId, producerId: producer.id });
  }

  closeProducer(peerId: string, producerId: string): void {
    this.#peer(peerId).producer(producerId).close();
  }

  async consume(
    peerId: string,
    {
      transportId,
      producerId,
      spatialLayer,
    }: { transportId: string; producerId: string; spatialLayer?: number | undefined },
  ): Promise<ConsumerOptions> {
    const peer = this.#peer(peerId);
    const transport = peer.transport(transportId, 'recv');
    const producer = this.#findProducer(producerId);
    if (producer.appData.peerId === peerId) throw new InvalidRequest('cannot consume your own producer');
    const release = peer.reserveConsumer(producerId);
    try {
      const { router } = await this.#routers.placementOf(peerId);
      await this.#routers.ensureOn(producerId, router);
      if (!router.canConsume({ producerId, rtpCapabilities: peer.rtpCapabilities as types.RtpCapabilities })) {
        throw new InvalidRequest('your device cannot receive this stream (no common codec)');
      }
      const consumer = await clientCall('consume', () =>
        transport.consume({
          producerId,
          rtpCapabilities: peer.rtpCapabilities as types.RtpCapabilities,
          // Paused until the client has its side ready, so no keyframe is lost before it listens.
          paused: true,
          enableRtx: true,
          ignoreDtx: true,
          // mediasoup applies it to a simulcast or SVC consumer and ignores it for a simple one.
          ...(spatialLayer === undefined ? {} : { preferredLayers: { spatialLayer } }),
        }),
      );
      peer.consumers.set(consumer.id, consumer);
      consumer.observer.on('close', () => peer.consumers.delete(consumer.id));
      consumer.on('producerclose', () => {
        if (!this.#closed) this.emit('consumerClosed', { peerId, consumerId: consumer.id });
      });
      return {
        id: consumer.id,
        producerId,
        peerId: producer.appData.peerId,
        kind: consumer.kind,
        source: producer.appData.source,
        rtpParameters: consumer.rtpParameters as RtpParameters,
        type: consumer.type,
        producerPaused: consumer.producerPaused,
      };
    } finally {
      release();
    }
  }

  async setConsumerPaused(peerId: string, consumerId: string, paused: boolean): Promise<void> {
    const consumer = this.#peer(peerId).consumer(consumerId);
    await (paused ? consumer.pause() : consumer.resume());
  }

  async setPreferredLayers(
    peerId: string,
    consumerId: string,
    layers: { spatialLayer: number; temporalLayer?: number },
  ): Promise<void> {
    const consumer = this.#peer(peerId).consumer(consumerId);
    if (consumer.type !== 'simulcast' && consumer.type !== 'svc') {
      throw new InvalidRequest('this stream has no layers to choose from');
    }
    await consumer.setPreferredLayers(layers);
  }

  /** The simulcast layer a consumer is being sent now (diagnostics and load tests). */
  currentLayers(peerId: string, consumerId: string): { spatialLayer: number; temporalLayer?: number } | undefined {
    return this.#peer(peerId).consumer(consumerId).currentLayers;
  }

  /**
   * What the SFU sends a peer now (diagnostics and benchmarks): per transport its bandwidth
   * estimate and what it spends (media, retransmissions, probing) or receives, and per
   * consumer the layer sent, its score and the repair asked for (NACKs, keyframe requests).
   */
  async sendStats(peerId: string): Promise<SendStats> {
    const peer = this.#peer(peerId);
    const transports = [];
    for (const transport of peer.transports.values()) {
      const [s] = (await transport.getStats()) as Array<types.WebRtcTransportStat | undefined>;
      if (!s) continue;
      transports.push({
        direction: transport.appData.direction,
        availableOutgoingBitrate: s.availableOutgoingBitrate ?? 0,
        sendBitrate: s.sendBitrate,
        rtxSendBitrate: s.rtxSendBitrate,
        probationSendBitrate: s.probationSendBitrate,
        recvBitrate: s.recvBitrate,
      });
    }
    const consumers = [];
    for (const consumer of peer.consumers.values()) {
      const outbound = (await consumer.getStats()).find((s) => s.type === 'outbound-rtp');
      consumers.push({
        id: consumer.id,
        kind: consumer.kind,
        paused: consumer.paused,
        priority: consumer.priority,
        spatialLayer: consumer.currentLayers?.spatialLayer,
        temporalLayer: consumer.currentLayers?.temporalLayer,
        score: consumer.score.score,
        bitrate: outbound?.bitrate ?? 0,
        packetCount: outbound?.packetCount ?? 0,
        nackCount: outbound?.nackCount ?? 0,
        pliCount: outbound?.pliCount ?? 0,
        firCount: outbound?.firCount ?? 0,
      });
    }
    return { transports, consumers };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.#peers.values()) peer.forget();
    this.#peers.clear();
    this.#routers.close();
    this.removeAllListeners();
    this.#onClose();
  }

  #assertOpen(): void {
    if (this.#closed) throw new NotFound(`room ${this.id} is closed`);
  }

  #peer(peerId: string): MediaPeer {
    this.#assertOpen();
    const peer = this.#peers.get(peerId);
    if (!peer) throw new NotFound('join the room first');
    return peer;
  }

  #findProducer(producerId: string): types.Producer<{ peerId: string; source: MediaSource }> {
    const piped = this.pipes.producer(producerId);
    return piped ?? this.#localProducer(producerId);
  }

  #localProducer(producerId: string): types.Producer<{ peerId: string; source: MediaSource }> {
    this.#assertOpen();
    for (const peer of this.#peers.values()) {
      const producer = peer.producers.get(producerId);
      if (producer) return producer;
    }
    throw new NotFound(`producer ${producerId} not found`);
  }

  /** A producer piped in from another node is reported like a local one: active speaker, pause, close. */
  #watchPiped(producer: types.Producer<{ peerId: string; source: MediaSource }>): void {
    const { peerId } = producer.appData;
    const info = { peerId, producerId: producer.id };
    producer.observer.on('pause', () => this.emit('producerPaused', info));
    producer.observer.on('resume', () => this.emit('producerResumed', info));
    producer.observer.on('close', () => {
      if (!this.#closed) this.emit('producerClosed', info);
    });
    if (producer.kind === 'audio') {
      this.#routers.home
        .then(({ speakerObserver }) => this.#watchVoice(producer, speakerObserver, Promise.resolve()))
        .catch((err: unknown) => this.#log.warn({ err, peerId }, 'could not observe piped audio producer'));
    }
  }

  /**
   * An audio producer counts as a speaker while it is open; its peer stops being the active speaker
   * when it is paused or closed (mediasoup's observer drops it silently).
   */
  #watchVoice(
    producer: types.Producer<{ peerId: string }>,
    speakerObserver: types.ActiveSpeakerObserver,
    ready: Promise<unknown>,
  ): Promise<void> {
    const { peerId } = producer.appData;
    const silenced = () => {
      if (this.#dominantPeerId === peerId) this.#setDominant(null);
    };
    producer.observer.on('pause', silenced);
    producer.observer.on('close', silenced);
    const log = (err: unknown) => this.#log.warn({ err, peerId }, 'could not observe audio producer');
    return observeWhileOpen(producer, speakerObserver, ready, log);
  }

  #setDominant(peerId: string | null): void {
    if (this.#dominantPeerId === peerId) return;
    this.#dominantPeerId = peerId;
    this.emit('activeSpeaker', peerId);
  }
}
