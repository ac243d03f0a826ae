import { Device, type types } from 'mediasoup-client';
import {
  canPublish,
  type ConsumerOptions,
  type ErrorBody,
  type MediaSource,
  type PeerInfo,
  type ProducerInfo,
  type RtpCapabilities,
  type TokenClaims,
} from '@yishi/shared';
import { Consultation } from './Consultation.js';
import {
  type ConsumerRef,
  classifyQuality,
  computeLayout,
  type Decision,
  type Degradation,
  type DegradationState,
  decideConsumer,
  INITIAL_DEGRADATION,
  type Layout,
  type LinkSample,
  measureLink,
  nextDegradation,
  type Quality,
  type ReceiveMode,
  type StatsCounters,
  type StatsEntry,
  type VideoSource,
} from './ReceivePolicy.js';
import { RequestError, Signaling } from './signaling.js';
import { Store } from './store.js';

/**
 * Three VP8 simulcast layers (¼, ½ and full resolution: `LAYER` in ReceivePolicy); the SFU
 * forwards each receiver the one its link can carry. A small capture gets fewer: Chromium drops
 * the top ones (640×480 sends only ¼ and ½), and the SFU keeps the numbering and falls back to the
 * highest layer there is, so the receive policy needs no change for such cameras.
 */
const CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000, scalabilityMode: 'L1T3' },
];
/** Speech on lossy links: in-band FEC and DTX, mono. */
const MIC_OPTIONS: types.ProducerCodecOptions = { opusStereo: false, opusDtx: true, opusFec: true };
/** A screen share: one layer, sharp text over smooth motion. */
const SCREEN_ENCODINGS: types.RtpEncodingParameters[] = [{ maxBitrate: 1_500_000, maxFramerate: 15 }];
/** How often the receive link is measured. */
const QUALITY_INTERVAL_MS = 2000;
/** After the server refused a reconnection for now (a limit, a node shutting down): try again after this. */
const RETRY_REFUSED_MS = 5000;

export interface RemotePeer {
  info: PeerInfo;
  tracks: Partial<Record<MediaSource, MediaStreamTrack>>;
  micOn: boolean;
  /** Video not arriving now: paused by its owner, or by our receive policy (data saver, off-page). */
  videoOff?: Partial<Record<VideoSource, boolean>>;
  /** Video that should play but whose frames stopped (or crawl): the SFU cannot send it over our link. */
  videoStalled?: Partial<Record<VideoSource, boolean>>;
}

export type Phase = 'joining' | 'joined' | 'reconnecting' | 'restoring' | 'left' | 'replaced' | 'removed' | 'failed';

export interface RoomState {
  phase: Phase;
  self?: PeerInfo;
  /** Everyone else in the room, in join order. */
  peers: RemotePeer[];
  activeSpeakerId: string | null;
  /** The user wants their microphone on. */
  micOn: boolean;
  /** The floor lets the microphone sound now (moderated mode gates it to the speaker). */
  micAllowed: boolean;
  /** The chair muted us (cleared when we unmute). */
  mutedByChair: boolean;
  camOn: boolean;
  /** This client is sharing its screen. */
  screenOn: boolean;
  /** What to receive: everything, data saver (the large view's video at the lowest layer), audio only. */
  receiveMode: ReceiveMode;
  /** The receive link, measured every 2 s; undefined until something could be measured. */
  quality: Quality | undefined;
  /** The last measurement behind `quality` (loss, jitter, round-trip time). */
  link: LinkSample;
  /** How far received layers are lowered for a poor link (see `nextDegradation`). */
  degradation: Degradation;
  /**
   * The last remote participant heard speaking (the SFU's active speaker) or just given the
   * floor, whichever came last: the large view follows them.
   */
  lastRemoteSpeakerId: string | null;
  /** The grid page shown (0-based). */
  page: number;
  error?: { code: string; message: string };
  /** Why the chair removed this participant (phase `removed`). */
  removedReason?: string;
}

export interface LocalMedia {
  mic?: MediaStreamTrack;
  camera?: MediaStreamTrack;
  /** The screen share, while there is one. */
  screen?: MediaStreamTrack;
}

export interface JoinOptions {
  /** The pre-join "audio only" choice carries data saver into the room. */
  receiveMode?: ReceiveMode;
}

interface ConsumerEntry {
  consumer: types.Consumer;
  peerId: string;
  source: MediaSource;
  ref: ConsumerRef;
  /** What the SFU was last told; undefined while the consumer is still paused as created. */
  applied: Decision | undefined;
  /** The producer's owner paused it (camera turned off). */
  ownerPaused: boolean;
  /** Off (paused by its owner or by us) when last shown; `playing` counts the times it started playing. */
  shownOff?: boolean;
  playing?: number;
  /** Should play, but the last measurement found its frames stopped (see `measureLink`). */
  stalled?: boolean;
  /** Changes to this consumer run one at a time. */
  chain: Promise<void>;
}

/**
 * One participant's presence in a room: signaling, the mediasoup-client Device, a send and a
 * receive transport, local producers and remote consumers. After a short loss of connection the
 * server has kept its media (same page, `instanceId`): it restarts ICE and catches up; after a
 * longer one or a `media:reset` it rebuilds its media from scratch. Room state lives on the server.
 */
export class RoomSession {
  readonly state: Store<RoomState>;
  readonly identity: TokenClaims;
  readonly local: LocalMedia;
  readonly #signaling: Signaling;
  readonly #device = new Device();
  readonly #producers = new Map<MediaSource, types.Producer>();
  readonly #consumers = new Map<string, ConsumerEntry>();
  /** Producer ids already consumed or being consumed, so a producer is never consumed twice. */
  readonly #consuming = new Set<string>();
  #sendTransport: types.Transport | undefined;
  #recvTransport: Promise<types.Transport> | undefined;
  #generation = 0;
  #qualityTimer: ReturnType<typeof setInterval> | undefined;
  #statsCounters: { transportId: string; counters: StatsCounters } | undefined;
  /** The receive policy's degradation with its hysteresis; `state.degradation` is its level. */
  #degradation: DegradationState = INITIAL_DEGRADATION;
  #policyQueued = false;
  #floorHolderId: string | undefined;
  /** This page's id for the server: coming back with it resumes instead of replacing. */
  readonly #instanceId = crypto.randomUUID();
  /** Closing the page is leaving, not a lost connection: the others need not wait for us. */
  readonly #onPageHide = (e: PageTransitionEvent) => {
    // A page kept in the back-forward cache may come back; one being unloaded is leaving.
    if (!e.persisted) this.#signaling.socket.disconnect();
  };

  /** The invitation token: it also authorizes the REST exports. */
  readonly token: string;

  private constructor(
    signaling: Signaling,
    token: string,
    identity: TokenClaims,
    local: LocalMedia,
    options: JoinOptions,
  ) {
    this.#signaling = signaling;
    this.token = token;
    this.identity = identity;
    this.local = local;
    this.state = new Store<RoomState>({
      phase: 'joining',
      peers: [],
      activeSpeakerId: null,
      micOn: Boolean(local.mic),
      micAllowed: true,
      mutedByChair: false,
      camOn: Boolean(local.camera),
      screenOn: false,
      receiveMode: options.receiveMode ?? 'full',
      quality: undefined,
      link: {},
      degradation: 0,
      lastRemoteSpeakerId: null,
      page: 0,
    });
    // Whatever changes (people, speaker, page, mode, link), the consumers follow the policy.
    this.state.subscribe(() => this.#scheduleReceivePolicy());
  }

  /** The consultation (queue, comments, minutes); set once joined. */
  consultation!: Consultation;

  /** Connects, joins and starts publishing `local`; rejects with a RequestError if refused. */
  static async join(
    roomId: string,
    token: string,
    identity: TokenClaims,
    local: LocalMedia,
    options: JoinOptions = {},
  ): Promise<RoomSession> {
    const signaling = await Signaling.connect(roomId, token);
    const session = new RoomSession(signaling, token, identity, canPublish(identity.role) ? local : {}, options);
    session.#listen();
    try {
      await session.#enter();
    } catch (err) {
      signaling.close();
      throw err;
    }
    session.#qualityTimer = setInterval(() => void session.#measureQuality(), QUALITY_INTERVAL_MS);
    globalThis.addEventListener?.('pagehide', session.#onPageHide);
    return session;
  }

  /** Turns the microphone on or off; turning it on is refused (NOT_ALLOWED) while the floor gates it. */
  async setMic(on: boolean): Promise<void> {
    await this.#setSource('mic', on);
    this.state.update((s) => ({ ...s, micOn: on, mutedByChair: false }));
    this.#applyLocalMic();
  }

  async setCamera(on: boolean): Promise<void> {
    await this.#setSource('camera', on);
    this.state.update((s) => ({ ...s, camOn: on }));
  }

  /** Whether this participant may publish at all (observers may not) and the browser can capture a screen. */
  get canShareScreen(): boolean {
    return canPublish(this.identity.role) && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  }

  /**
   * Shares a screen (the browser asks which); it stops when the user stops it in the browser's
   * own bar or calls `stopScreenShare`. Rejects when the user cancels the picker.
   */
  async startScreenShare(): Promise<void> {
    if (this.local.screen || !this.canShareScreen) return;
    const stream = await navigator.mediaDevices.getDisplayMedia({
      video: { frameRate: { ideal: 15, max: 30 } },
      audio: false,
    });
    const [track] = stream.getVideoTracks();
    if (!track) return;
    track.contentHint = 'detail';
    track.addEventListener('ended', () => void this.stopScreenShare());
    this.local.screen = track;
    this.state.update((s) => ({ ...s, screenOn: true }));
    try {
      const generation = this.#generation;
      if (!this.#sendTransport) {
        const transport = await this.#createTransport('send');
        if (generation !== this.#generation) return void transport.close();
        this.#sendTransport = transport;
      }
      await this.#produceScreen();
    } catch (err) {
      await this.stopScreenShare();
      throw err;
    }
  }

  async stopScreenShare(): Promise<void> {
    const track = this.local.screen;
    const producer = this.#producers.get('screen');
    delete this.local.screen;
    this.#producers.delete('screen');
    track?.stop();
    if (this.state.get().screenOn) this.state.update((s) => ({ ...s, screenOn: false }));
    if (producer && !producer.closed) {
      producer.close();
      await this.#signaling.request('producer:close', { producerId: producer.id }).catch(() => undefined);
    }
  }

  /** Data saver and audio only lower what is received; `full` resumes every visible video. */
  setReceiveMode(mode: ReceiveMode): void {
    this.state.update((s) => ({ ...s, receiveMode: mode }));
  }

  /** Shows another page of the grid (clamped by the layout). */
  setPage(page: number): void {
    this.state.update((s) => ({ ...s, page: Math.max(0, page) }));
  }

  /** The large view and the grid as they are now (the same function the UI renders from). */
  layout(): Layout {
    const s = this.state.get();
    return computeLayout({
      selfId: s.self?.id,
      peers: s.peers.map((p) => ({
        id: p.info.id,
        role: p.info.role,
        sources: Object.keys(p.tracks) as MediaSource[],
      })),
      selfScreen: s.screenOn,
      lastRemoteSpeakerId: s.lastRemoteSpeakerId,
      floorHolderId: this.consultation?.state.get().queue.current?.speaker.id,
      page: s.page,
    });
  }

  async leave(): Promise<void> {
    await this.#signaling.request('room:leave', {}).catch(() => undefined);
    this.#close('left');
  }

  /** Per remote consumer, what the browser has received (for diagnostics and end-to-end tests). */
  async inboundStats(): Promise<
    Array<{
      consumerId: string;
      peerId: string;
      source: MediaSource;
      kind: string;
      packetsReceived: number;
      framesDecoded: number;
      /** Width of the last decoded frame (video): shows which simulcast layer arrives. */
      frameWidth: number;
      /** Paused by the receive policy (data saver, off-page). */
      paused: boolean;
      /** The spatial layer asked of the SFU, if any. */
      spatialLayer: number | undefined;
    }>
  > {
    const rows = [];
    for (const { consumer, peerId, source, applied } of this.#consumers.values()) {
      let packetsReceived = 0;
      let framesDecoded = 0;
      let frameWidth = 0;
      for (const s of (await consumer.getStats()).values()) {
        if (s.type === 'inbound-rtp') {
          packetsReceived += s.packetsReceived ?? 0;
          framesDecoded += s.framesDecoded ?? 0;
          frameWidth = Math.max(frameWidth, s.frameWidth ?? 0);
        }
      }
      rows.push({
        consumerId: consumer.id,
        peerId,
        source,
        kind: consumer.kind,
        packetsReceived,
        framesDecoded,
        frameWidth,
        paused: applied?.paused ?? true,
        spatialLayer: applied?.spatialLayer,
      });
    }
    return rows;
  }

  #listen(): void {
    const sig = this.#signaling;
    sig.on('peer:joined', (info) =>
      this.#updatePeers((peers) => [...peers.filter((p) => p.info.id !== info.id), { info, tracks: {}, micOn: false }]),
    );
    sig.on('peer:left', ({ peerId }) => {
      this.#updatePeers((peers) => peers.filter((p) => p.info.id !== peerId));
      if (this.state.get().lastRemoteSpeakerId === peerId)
        this.state.update((s) => ({ ...s, lastRemoteSpeakerId: null }));
      for (const [id, entry] of this.#consumers) if (entry.peerId === peerId) this.#dropConsumer(id);
    });
    sig.on('producer:new', (info) => void this.#consume(info, this.#generation));
    sig.on('producer:paused', ({ peerId, producerId }) => this.#setRemotePaused(peerId, producerId, true));
    sig.on('producer:resumed', ({ peerId, producerId }) => this.#setRemotePaused(peerId, producerId, false));
    sig.on('consumer:closed', ({ consumerId }) => this.#dropConsumer(consumerId));
    sig.on('speaker:active', ({ peerId }) =>
      this.state.update((s) => ({
        ...s,
        activeSpeakerId: peerId,
        // Oneself speaking does not take the others' large view away from the last remote speaker.
        lastRemoteSpeakerId: peerId && peerId !== s.self?.id ? peerId : s.lastRemoteSpeakerId,
      })),
    );
    sig.on('media:reset', () => {
      // Every producer went with the old router; the others' new ones arrive as producer:new.
      this.state.update((s) => ({ ...s, phase: 'restoring' }));
      void this.#rebuildMedia([]);
    });
    sig.on('mic:state', ({ allowed, mutedByChair }) => {
      this.state.update((s) => ({
        ...s,
        micAllowed: allowed,
        ...(mutedByChair ? { micOn: false, mutedByChair: true } : {}),
      }));
      this.#applyLocalMic();
    });
    sig.on('session:replaced', () => this.#close('replaced'));
    sig.on('session:removed', ({ reason }) => {
      this.state.update((s) => ({ ...s, removedReason: reason }));
      this.#close('removed');
    });
    // The server is shutting down: the connection closes next and Socket.IO reconnects (to another node).
    sig.on('server:draining', () => this.state.update((s) => ({ ...s, phase: 'reconnecting' })));
    sig.socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      if (reason === 'io server disconnect') {
        const { phase } = this.state.get();
        if (phase !== 'replaced' && phase !== 'removed') this.#close('left');
        return;
      }
      this.consultation?.outbox.offline();
      this.state.update((s) => ({ ...s, phase: 'reconnecting' }));
    });
    // Connected again (the first connect was before listening): join again — the server resumes
    // this page's participant and media if it kept them, or starts afresh.
    sig.socket.on('connect', () => void this.#enter().catch((err: unknown) => this.#fail(err)));
    sig.socket.on('connect_error', (err: Error & { data?: ErrorBody }) => {
      const code = err.data?.code;
      if (!code) return; // the network: Socket.IO keeps trying by itself
      // Refused on the way back. A limit or a node shutting down passes, so try again; anything
      // else (an expired invitation, a closed session) is final and shown.
      if (code === 'RATE_LIMITED' || code === 'UNAVAILABLE') {
        const generation = this.#generation;
        // Not if the page left (or was replaced, removed) meanwhile.
        setTimeout(() => generation === this.#generation && sig.socket.connect(), RETRY_REFUSED_MS);
      } else this.#fail(new RequestError(code, err.data?.message ?? err.message));
    });
  }

  /** Joins the room and builds media: used for the first join and after every reconnect. */
  async #enter(): Promise<void> {
    const { rtpCapabilities } = await this.#signaling.request('media:routerCapabilities', {});
    if (!this.#device.loaded) {
      await this.#device.load({ routerRtpCapabilities: rtpCapabilities as types.RtpCapabilities });
    }
    const joined = await this.#signaling.request('room:join', {
      rtpCapabilities: this.#device.recvRtpCapabilities as RtpCapabilities,
      instanceId: this.#instanceId,
    });
    const micOn = (info: PeerInfo, producers: ProducerInfo[]) =>
      producers.some((p) => p.peerId === info.id && p.source === 'mic' && !p.paused);
    // Resuming keeps the tiles' tracks; consumers of producers gone meanwhile are dropped below.
    const tracksOf = (id: string) =>
      joined.resumed ? this.state.get().peers.find((p) => p.info.id === id) : undefined;
    this.state.update((s) => ({
      ...s,
      phase: 'joined',
      self: joined.self,
      micAllowed: joined.micAllowed,
      activeSpeakerId: joined.activeSpeakerId,
      lastRemoteSpeakerId:
        joined.activeSpeakerId && joined.activeSpeakerId !== joined.self.id
          ? joined.activeSpeakerId
          : s.lastRemoteSpeakerId,
      peers: joined.peers.map((info) => ({
        tracks: {},
        ...tracksOf(info.id),
        info,
        micOn: micOn(info, joined.producers),
      })),
    }));
    if (this.consultation) this.consultation.reset(joined.snapshot, this.#signaling.socket.recovered);
    else {
      this.consultation = new Consultation(this.#signaling, joined.snapshot);
      this.#floorHolderId = this.consultation.state.get().queue.current?.speaker.id;
      this.consultation.state.subscribe(({ queue }) => {
        // Given the floor is starting to speak: the large view turns to them at once, without
        // waiting for the SFU's voice detection (which then takes over again).
        const holder = queue.current?.speaker.id;
        if (holder !== this.#floorHolderId) {
          this.#floorHolderId = holder;
          const s = this.state.get();
          if (holder && holder !== s.self?.id && s.peers.some((p) => p.info.id === holder)) {
            this.state.update((x) => ({ ...x, lastRemoteSpeakerId: holder }));
          }
        }
        this.#scheduleReceivePolicy();
      });
    }
    // Joined: what waited to be sent goes now, not after the media (slow on a weak link).
    this.consultation.outbox.online();
    if (joined.resumed && this.#recvTransport) await this.#resumeMedia(joined.producers);
    else await this.#rebuildMedia(joined.producers);
  }

  /**
   * The server kept this page's media over a short loss: new ICE credentials for each transport
   * (the network path may have changed), then catch up with producers that came or went.
   */
  async #resumeMedia(producers: ProducerInfo[]): Promise<void> {
    const generation = this.#generation;
    try {
      const transports = [this.#sendTransport, await this.#recvTransport].filter(
        (t): t is types.Transport => t !== undefined && !t.closed,
      );
      await Promise.all(transports.map((transport) => this.#restartIce(transport)));
    } catch {
      // The server no longer has them (a media reset while we were away): start afresh.
      return this.#rebuildMedia(producers);
    }
    const live = new Set(producers.map((p) => p.producerId));
    for (const [id, entry] of this.#consumers) if (!live.has(entry.consumer.producerId)) this.#dropConsumer(id);
    for (const p of producers) this.#setRemotePaused(p.peerId, p.producerId, p.paused);
    this.#applyLocalMic();
    await Promise.all(producers.map((p) => this.#consume(p, generation)));
  }

  /** New ICE credentials from the server for `transport` (the network path may have changed). */
  async #restartIce(transport: types.Transport): Promise<void> {
    const { iceParameters } = await this.#signaling.request('transport:restartIce', { transportId: transport.id });
    await transport.restartIce({ iceParameters });
  }

  /** Drops every transport and builds them again: after a join, reconnect or media reset. */
  async #rebuildMedia(producers: ProducerInfo[]): Promise<void> {
    const generation = ++this.#generation;
    this.#sendTransport?.close();
    this.#sendTransport = undefined;
    void this.#recvTransport?.then(
      (t) => t.close(),
      () => undefined,
    );
    for (const id of [...this.#consumers.keys()]) this.#dropConsumer(id);
    this.#producers.clear();
    this.#consuming.clear();
    this.#statsCounters = undefined;
    this.#recvTransport = this.#createTransport('recv');
    try {
      if (this.local.mic || this.local.camera || this.local.screen) {
        this.#sendTransport = await this.#createTransport('send');
        if (generation !== this.#generation) return;
        await this.#publish();
      }
      await Promise.all(producers.map((p) => this.#consume(p, generation)));
      this.state.update((s) => ({ ...s, phase: 'joined' }));
    } catch (err) {
      if (generation === this.#generation) this.#fail(err);
    }
  }

  async #createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const options = await this.#signaling.request('transport:create', { direction });
    const transport =
      direction === 'send'
        ? this.#device.createSendTransport(options as types.TransportOptions)
        : this.#device.createRecvTransport(options as types.TransportOptions);
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      this.#signaling
        .request('transport:connect', { transportId: transport.id, dtlsParameters })
        .then(() => done(), fail);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
      this.#signaling
        .request('producer:create', {
          transportId: transport.id,
          kind,
          source: appData.source as MediaSource,
          rtpParameters: rtpParameters as never,
        })
        .then(({ producerId }) => done({ id: producerId }), fail);
    });
    transport.on('connectionstatechange', (state) => {
      // A short network change: new ICE credentials over the (re)connected signaling.
      if (state === 'failed' || state === 'disconnected') this.#restartIce(transport).catch(() => undefined);
    });
    return transport;
  }

  async #publish(): Promise<void> {
    const transport = this.#sendTransport;
    if (!transport) return;
    const { micOn, camOn } = this.state.get();
    if (this.local.mic) {
      const producer = await transport.produce({
        track: this.local.mic,
        codecOptions: MIC_OPTIONS,
        stopTracks: false,
        appData: { source: 'mic' },
      });
      this.#producers.set('mic', producer);
      if (!micOn) await this.#setSource('mic', false);
      this.#applyLocalMic();
    }
    if (this.local.camera) {
      const producer = await transport.produce({
        track: this.local.camera,
        encodings: CAMERA_ENCODINGS,
        codecOptions: { videoGoogleStartBitrate: 1000 },
        stopTracks: false,
        appData: { source: 'camera' },
      });
      this.#producers.set('camera', producer);
      if (!camOn) await this.#setSource('camera', false);
    }
    // A screen share outlives a media reset: publish it again.
    await this.#produceScreen();
  }

  async #produceScreen(): Promise<void> {
    const transport = this.#sendTransport;
    const track = this.local.screen;
    if (!transport || !track || track.readyState === 'ended' || this.#producers.has('screen')) return;
    const producer = await transport.produce({
      track,
      encodings: SCREEN_ENCODINGS,
      codecOptions: { videoGoogleStartBitrate: 1000 },
      stopTracks: false,
      appData: { source: 'screen' },
    });
    // Stopped while the producer was being created.
    if (this.local.screen !== track) {
      producer.close();
      await this.#signaling.request('producer:close', { producerId: producer.id }).catch(() => undefined);
      return;
    }
    this.#producers.set('screen', producer);
  }

  async #consume(info: ProducerInfo, generation: number): Promise<void> {
    if (this.#consuming.has(info.producerId)) return;
    this.#consuming.add(info.producerId);
    try {
      const transport = await this.#recvTransport;
      if (!transport || generation !== this.#generation) return;
      const options: ConsumerOptions = await this.#signaling.request('consumer:create', {
        transportId: transport.id,
        producerId: info.producerId,
      });
      const consumer = await transport.consume({
        id: options.id,
        producerId: options.producerId,
        kind: options.kind,
        rtpParameters: options.rtpParameters as types.RtpParameters,
      });
      if (generation !== this.#generation) return consumer.close();
      const entry: ConsumerEntry = {
        consumer,
        peerId: options.peerId,
        source: options.source,
        ref: {
          id: consumer.id,
          peerId: options.peerId,
          kind: options.kind,
          source: options.source,
          layered: options.type === 'simulcast' || options.type === 'svc',
        },
        applied: undefined,
        ownerPaused: options.producerPaused,
        chain: Promise.resolve(),
      };
      this.#consumers.set(consumer.id, entry);
      this.#updatePeer(options.peerId, (p) => ({
        ...p,
        tracks: { ...p.tracks, [options.source]: consumer.track },
        micOn: options.source === 'mic' ? !options.producerPaused : p.micOn,
      }));
      // Resumed (or left paused, with its layer chosen first) as the receive policy says.
      await this.#applyConsumer(entry);
    } catch (err) {
      this.#consuming.delete(info.producerId);
      // The producer may be gone already (its owner left); that is not an error for us.
      if (!(err instanceof RequestError && err.code === 'NOT_FOUND')) console.warn('consume failed', err);
    }
  }

  #dropConsumer(consumerId: string): void {
    const entry = this.#consumers.get(consumerId);
    if (!entry) return;
    this.#consumers.delete(consumerId);
    this.#consuming.delete(entry.consumer.producerId);
    entry.consumer.close();
    this.#updatePeer(entry.peerId, (p) => {
      const tracks = { ...p.tracks };
      delete tracks[entry.source];
      return { ...p, tracks, micOn: entry.source === 'mic' ? false : p.micOn };
    });
  }

  /** Runs the receive policy once after the current burst of state changes. */
  #scheduleReceivePolicy(): void {
    if (this.#policyQueued) return;
    this.#policyQueued = true;
    queueMicrotask(() => {
      this.#policyQueued = false;
      for (const entry of this.#consumers.values()) {
        if (entry.ref.kind === 'video' && !sameDecision(entry.applied, this.#decide(entry))) {
          void this.#applyConsumer(entry);
        }
      }
    });
  }

  #decide(entry: ConsumerEntry): Decision {
    const { receiveMode, degradation } = this.state.get();
    const layout = this.layout();
    return decideConsumer(entry.ref, {
      mode: receiveMode,
      featured: layout.featured,
      visible: new Set(layout.visibleKeys),
      degradation,
    });
  }

  /**
   * Tells the SFU what the policy wants of one consumer: the layer first (so a resumed video
   * starts at the right size), then pause or resume. Decided when its turn comes, so a burst of
   * changes ends in the latest decision.
   */
  #applyConsumer(entry: ConsumerEntry): Promise<void> {
    const run = entry.chain.then(async () => {
      if (entry.consumer.closed || this.#consumers.get(entry.consumer.id) !== entry) return;
      const want = this.#decide(entry);
      const had = entry.applied;
      const consumerId = entry.consumer.id;
      if (want.spatialLayer !== undefined && want.spatialLayer !== had?.spatialLayer) {
        await this.#signaling.request('consumer:setPreferredLayers', { consumerId, spatialLayer: want.spatialLayer });
      }
      if (want.paused !== (had?.paused ?? true)) {
        await this.#signaling.request(want.paused ? 'consumer:pause' : 'consumer:resume', { consumerId });
        if (want.paused) entry.consumer.pause();
        else entry.consumer.resume();
      }
      entry.applied = { paused: want.paused, spatialLayer: want.spatialLayer ?? had?.spatialLayer };
      if (want.spatialLayer === undefined && had?.spatialLayer === undefined) delete entry.applied.spatialLayer;
      this.#showVideoState(entry);
    });
    entry.chain = run.catch((err: unknown) => {
      if (!(err instanceof RequestError && err.code === 'NOT_FOUND')) console.warn('receive policy failed', err);
    });
    return entry.chain;
  }

  /**
   * Whether a remote tile has live video: its owner has not paused it and we receive it; and
   * whether, though it should play, its frames have stopped.
   */
  #showVideoState(entry: ConsumerEntry): void {
    if (entry.source === 'mic') return;
    const off = entry.ownerPaused || (entry.applied?.paused ?? true);
    if (entry.shownOff !== off) {
      entry.shownOff = off;
      entry.stalled = false;
      // Playing again: the next measurement is its first full interval, so it is judged after that.
      if (!off) entry.playing = (entry.playing ?? 0) + 1;
    }
    const stalled = !off && Boolean(entry.stalled);
    const source = entry.source;
    const peer = this.state.get().peers.find((p) => p.info.id === entry.peerId);
    if (!peer) return;
    if ((peer.videoOff?.[source] ?? false) === off && (peer.videoStalled?.[source] ?? false) === stalled) return;
    this.#updatePeer(entry.peerId, (p) => ({
      ...p,
      videoOff: { ...p.videoOff, [source]: off },
      videoStalled: { ...p.videoStalled, [source]: stalled },
    }));
  }

  /**
   * Every 2 s: the receive transport's loss (before and after repair), jitter, round-trip time and
   * stalled cameras make the quality indicator, mark stalled tiles, and move the degradation.
   */
  async #measureQuality(): Promise<void> {
    const transport = await this.#recvTransport?.catch(() => undefined);
    if (!transport || transport.closed) return;
    let entries: StatsEntry[];
    try {
      entries = [...(await transport.getStats()).values()] as StatsEntry[];
    } catch {
      return;
    }
    // Cameras that should be playing now, keyed anew each time one starts playing again.
    const playing = new Map<string, string>();
    const byKey = new Map<string, ConsumerEntry>();
    for (const entry of this.#consumers.values()) {
      if (entry.source !== 'camera' || entry.consumer.closed || entry.shownOff !== false) continue;
      const key = `${entry.consumer.id}:${entry.playing ?? 0}`;
      playing.set(key, entry.consumer.track.id);
      byKey.set(key, entry);
    }
    const previous = this.#statsCounters?.transportId === transport.id ? this.#statsCounters.counters : undefined;
    const { sample, counters, stalled } = measureLink(entries, previous, playing);
    this.#statsCounters = { transportId: transport.id, counters };
    for (const [key, entry] of byKey) {
      if (Boolean(entry.stalled) === stalled.has(key)) continue;
      entry.stalled = stalled.has(key);
      this.#showVideoState(entry);
    }
    const quality = classifyQuality(sample);
    this.#degradation = nextDegradation(this.#degradation, quality);
    const degradation = this.#degradation.level;
    this.state.update((x) => ({ ...x, quality, degradation, link: sample }));
  }

  /** The server first: it may refuse (a gated microphone), and then nothing changes here. */
  async #setSource(source: 'mic' | 'camera', on: boolean): Promise<void> {
    const producer = this.#producers.get(source);
    if (producer) await this.#signaling.request(on ? 'producer:resume' : 'producer:pause', { producerId: producer.id });
    const track = this.local[source];
    if (track) track.enabled = on;
    // The microphone's local state also depends on the floor: #applyLocalMic decides it.
    if (producer && source === 'camera') {
      if (on) producer.resume();
      else producer.pause();
    }
  }

  /**
   * The SFU already drops a gated microphone; pausing it here too saves the uplink (field sites
   * on mobile data) and keeps the local track state honest.
   */
  #applyLocalMic(): void {
    const producer = this.#producers.get('mic');
    if (!producer) return;
    const { micOn, micAllowed } = this.state.get();
    if (micOn && micAllowed) producer.resume();
    else producer.pause();
  }

  #setRemotePaused(peerId: string, producerId: string, paused: boolean): void {
    for (const entry of this.#consumers.values()) {
      if (entry.consumer.producerId !== producerId) continue;
      if (entry.source === 'mic') this.#updatePeer(peerId, (p) => ({ ...p, micOn: !paused }));
      else {
        entry.ownerPaused = paused;
        this.#showVideoState(entry);
      }
    }
  }

  #updatePeers(change: (peers: RemotePeer[]) => RemotePeer[]): void {
    this.state.update((s) => ({ ...s, peers: change(s.peers) }));
  }

  #updatePeer(peerId: string, change: (peer: RemotePeer) => RemotePeer): void {
    this.#updatePeers((peers) => peers.map((p) => (p.info.id === peerId ? change(p) : p)));
  }

  #fail(err: unknown): void {
    const error =
      err instanceof RequestError
        ? { code: err.code, message: err.message }
        : { code: 'INTERNAL', message: String(err) };
    this.state.update((s) => ({ ...s, phase: 'failed', error }));
  }

  #close(phase: 'left' | 'replaced' | 'removed'): void {
    this.#generation++;
    globalThis.removeEventListener?.('pagehide', this.#onPageHide);
    this.consultation?.outbox.close(new RequestError('NETWORK', 'left the room before this was sent'));
    clearInterval(this.#qualityTimer);
    this.#sendTransport?.close();
    void this.#recvTransport?.then(
      (t) => t.close(),
      () => undefined,
    );
    this.#signaling.close();
    for (const track of Object.values(this.local)) track?.stop();
    this.state.update((s) => ({ ...s, phase, peers: [], activeSpeakerId: null }));
  }
}

function sameDecision(a: Decision | undefined, b: Decision): boolean {
  if (!a) return false;
  return a.paused === b.paused && (b.spatialLayer === undefined || a.spatialLayer === b.spatialLayer);
}
