import { Device, type types } from 'mediasoup-client';
import {
  canPublish,
  type ConsumerOptions,
  type MediaSource,
  type PeerInfo,
  type ProducerInfo,
  type RtpCapabilities,
  type TokenClaims,
} from '@yishi/shared';
import { Consultation } from './Consultation.js';
import { RequestError, Signaling } from './signaling.js';
import { Store } from './store.js';

/** Three VP8 simulcast layers; the SFU forwards each receiver the one its link can carry. */
const CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000, scalabilityMode: 'L1T3' },
];
/** Speech on lossy links: in-band FEC and DTX, mono. */
const MIC_OPTIONS: types.ProducerCodecOptions = { opusStereo: false, opusDtx: true, opusFec: true };

export interface RemotePeer {
  info: PeerInfo;
  tracks: Partial<Record<MediaSource, MediaStreamTrack>>;
  micOn: boolean;
}

export type Phase = 'joining' | 'joined' | 'reconnecting' | 'restoring' | 'left' | 'replaced' | 'failed';

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
  error?: { code: string; message: string };
}

export interface LocalMedia {
  mic?: MediaStreamTrack;
  camera?: MediaStreamTrack;
}

interface ConsumerEntry {
  consumer: types.Consumer;
  peerId: string;
  source: MediaSource;
}

/**
 * One participant's presence in a room: signaling, the mediasoup-client Device, a send and a
 * receive transport, local producers and remote consumers. After a reconnect or a `media:reset`
 * it rebuilds its media from scratch; room state lives on the server.
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

  /** The invitation token: it also authorizes the REST exports. */
  readonly token: string;

  private constructor(signaling: Signaling, token: string, identity: TokenClaims, local: LocalMedia) {
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
    });
  }

  /** The consultation (queue, comments, minutes); set once joined. */
  consultation!: Consultation;

  /** Connects, joins and starts publishing `local`; rejects with a RequestError if refused. */
  static async join(roomId: string, token: string, identity: TokenClaims, local: LocalMedia): Promise<RoomSession> {
    const signaling = await Signaling.connect(roomId, token);
    const session = new RoomSession(signaling, token, identity, canPublish(identity.role) ? local : {});
    session.#listen();
    try {
      await session.#enter();
    } catch (err) {
      signaling.close();
      throw err;
    }
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
    }>
  > {
    const rows = [];
    for (const { consumer, peerId, source } of this.#consumers.values()) {
      let packetsReceived = 0;
      let framesDecoded = 0;
      for (const s of (await consumer.getStats()).values()) {
        if (s.type === 'inbound-rtp') {
          packetsReceived += s.packetsReceived ?? 0;
          framesDecoded += s.framesDecoded ?? 0;
        }
      }
      rows.push({ consumerId: consumer.id, peerId, source, kind: consumer.kind, packetsReceived, framesDecoded });
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
      for (const [id, entry] of this.#consumers) if (entry.peerId === peerId) this.#dropConsumer(id);
    });
    sig.on('producer:new', (info) => void this.#consume(info, this.#generation));
    sig.on('producer:paused', ({ peerId, producerId }) => this.#setRemoteMic(peerId, producerId, false));
    sig.on('producer:resumed', ({ peerId, producerId }) => this.#setRemoteMic(peerId, producerId, true));
    sig.on('consumer:closed', ({ consumerId }) => this.#dropConsumer(consumerId));
    sig.on('speaker:active', ({ peerId }) => this.state.update((s) => ({ ...s, activeSpeakerId: peerId })));
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
    sig.socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      if (reason === 'io server disconnect') {
        if (this.state.get().phase !== 'replaced') this.#close('left');
        return;
      }
      this.state.update((s) => ({ ...s, phase: 'reconnecting' }));
    });
    // Socket.IO reconnected with a new connection: the server forgot us, so join again.
    sig.socket.io.on('reconnect', () => void this.#enter().catch((err: unknown) => this.#fail(err)));
  }

  /** Joins the room and builds media: used for the first join and after every reconnect. */
  async #enter(): Promise<void> {
    const { rtpCapabilities } = await this.#signaling.request('media:routerCapabilities', {});
    if (!this.#device.loaded) {
      await this.#device.load({ routerRtpCapabilities: rtpCapabilities as types.RtpCapabilities });
    }
    const joined = await this.#signaling.request('room:join', {
      rtpCapabilities: this.#device.recvRtpCapabilities as RtpCapabilities,
    });
    const micOn = (info: PeerInfo, producers: ProducerInfo[]) =>
      producers.some((p) => p.peerId === info.id && p.source === 'mic' && !p.paused);
    this.state.update((s) => ({
      ...s,
      phase: 'joined',
      self: joined.self,
      micAllowed: joined.micAllowed,
      peers: joined.peers.map((info) => ({ info, tracks: {}, micOn: micOn(info, joined.producers) })),
    }));
    if (this.consultation) this.consultation.reset(joined.snapshot);
    else this.consultation = new Consultation(this.#signaling, joined.snapshot);
    await this.#rebuildMedia(joined.producers);
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
    this.#recvTransport = this.#createTransport('recv');
    try {
      if (this.local.mic || this.local.camera) {
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
      if (state === 'failed' || state === 'disconnected') {
        this.#signaling
          .request('transport:restartIce', { transportId: transport.id })
          .then(({ iceParameters }) => transport.restartIce({ iceParameters }))
          .catch(() => undefined);
      }
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
      this.#consumers.set(consumer.id, { consumer, peerId: options.peerId, source: options.source });
      this.#updatePeer(options.peerId, (p) => ({
        ...p,
        tracks: { ...p.tracks, [options.source]: consumer.track },
        micOn: options.source === 'mic' ? !options.producerPaused : p.micOn,
      }));
      await this.#signaling.request('consumer:resume', { consumerId: consumer.id });
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

  #setRemoteMic(peerId: string, producerId: string, on: boolean): void {
    const isMic = [...this.#consumers.values()].some((c) => c.consumer.producerId === producerId && c.source === 'mic');
    if (isMic) this.#updatePeer(peerId, (p) => ({ ...p, micOn: on }));
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

  #close(phase: 'left' | 'replaced'): void {
    this.#generation++;
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
