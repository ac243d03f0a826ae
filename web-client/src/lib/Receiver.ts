import type { Device, types } from 'mediasoup-client';
import type { ConsumerOptions, MediaSource, ProducerInfo, TransportOptions } from '@yishi/shared';
import { type MediaState, updatePeer } from './mediaState.js';
import {
  type ConsumerRef,
  classifyQuality,
  type Decision,
  type DegradationState,
  decideConsumer,
  INITIAL_DEGRADATION,
  type Layout,
  measureLink,
  nextDegradation,
  type PlayingCamera,
  type StatsCounters,
  type StatsEntry,
} from './ReceivePolicy.js';
import { traceJoin } from './joinTrace.js';
import { RequestError, type Signaling } from './signaling.js';
import type { Store } from './store.js';
import { createTransport, type IceRoute, restartIce, type SelectedPath, selectedPath } from './transports.js';

/** How often the receive link is measured. */
const QUALITY_INTERVAL_MS = 2000;

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

/** One row of `Receiver.inboundStats`: what the browser has received of one remote consumer. */
export interface InboundRow {
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
}

/**
 * What this participant receives: the others as they come and go, a consumer per remote producer
 * on one receive transport, each paused, resumed and layered as the receive policy decides from
 * the layout, the receive mode and the link, measured every 2 s.
 */
export class Receiver {
  readonly #signaling: Signaling;
  readonly #device: Device;
  readonly #state: Store<MediaState>;
  /** The large view and the grid now: which videos are visible, which one is large. */
  readonly #layout: () => Layout;
  readonly #route: () => IceRoute;
  readonly #consumers = new Map<string, ConsumerEntry>();
  /** Producer ids already consumed or being consumed, so a producer is never consumed twice. */
  readonly #consuming = new Set<string>();
  #transport: Promise<types.Transport> | undefined;
  /** Moves on with every reset: a consumer made for an earlier transport is not kept. */
  #generation = 0;
  readonly #timer: ReturnType<typeof setInterval>;
  #statsCounters: { transportId: string; counters: StatsCounters } | undefined;
  /** The degradation with its hysteresis; `state.degradation` is its level. */
  #degradation: DegradationState = INITIAL_DEGRADATION;
  #policyQueued = false;

  constructor(
    signaling: Signaling,
    device: Device,
    state: Store<MediaState>,
    layout: () => Layout,
    route: () => IceRoute,
  ) {
    this.#signaling = signaling;
    this.#device = device;
    this.#state = state;
    this.#layout = layout;
    this.#route = route;
    this.#listen();
    // Whatever changes (people, speaker, page, mode, link), the consumers follow the policy.
    state.subscribe(() => this.followPolicy());
    this.#timer = setInterval(() => void this.#measureQuality(), QUALITY_INTERVAL_MS);
  }

  /** Whether a receive transport was made (a resumed join can keep it). */
  get started(): boolean {
    return this.#transport !== undefined;
  }

  /**
   * Drops the receive transport and its consumers for a new transport (after a join or a media
   * reset): the one `made` with the join, else one asked for.
   */
  reset(made?: TransportOptions): void {
    this.#close();
    this.#transport = createTransport(this.#signaling, this.#device, 'recv', this.#route, made);
  }

  /** Consumes each of `producers` (those already consumed are skipped). */
  async consumeAll(producers: ProducerInfo[]): Promise<void> {
    const generation = this.#generation;
    await Promise.all(producers.map((p) => this.#consume(p, generation)));
  }

  /** After a short loss the server kept the receive transport: new ICE credentials for it. */
  async restartIce(): Promise<void> {
    const transport = await this.#transport;
    if (transport && !transport.closed) await restartIce(this.#signaling, transport);
  }

  /** How the receive transport reaches the SFU; undefined before it is connected. */
  async path(): Promise<SelectedPath | undefined> {
    const transport = await this.#transport?.catch(() => undefined);
    return transport && !transport.closed ? selectedPath(transport) : undefined;
  }

  /** Back after a short loss with the consumers kept: catch up with the producers that came, went, paused or resumed. */
  async catchUp(producers: ProducerInfo[]): Promise<void> {
    const live = new Set(producers.map((p) => p.producerId));
    for (const [id, entry] of this.#consumers) if (!live.has(entry.consumer.producerId)) this.#dropConsumer(id);
    for (const p of producers) this.#setRemotePaused(p.peerId, p.producerId, p.paused);
    await this.consumeAll(producers);
  }

  /** Runs the receive policy once after the current burst of state changes. */
  followPolicy(): void {
    if (this.#policyQueued) return;
    this.#policyQueued = true;
    queueMicrotask(() => {
      this.#policyQueued = false;
      for (const entry of this.#consumers.values()) {
        if (entry.ref.kind === 'video' && !sameDecision(entry.applied, this.#decide(entry.ref))) {
          void this.#applyConsumer(entry);
        }
      }
    });
  }

  /** Per remote consumer, what the browser has received (for diagnostics and end-to-end tests). */
  async inboundStats(): Promise<InboundRow[]> {
    const rows: InboundRow[] = [];
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

  /** Leaving: measuring stops, the transport closes. */
  close(): void {
    clearInterval(this.#timer);
    this.#close();
  }

  #close(): void {
    this.#generation++;
    void this.#transport?.then(
      (t) => t.close(),
      () => undefined,
    );
    this.#transport = undefined;
    for (const id of [...this.#consumers.keys()]) this.#dropConsumer(id);
    this.#consuming.clear();
    this.#statsCounters = undefined;
  }

  #listen(): void {
    const sig = this.#signaling;
    const state = this.#state;
    sig.on('peer:joined', (info) =>
      state.update((s) =>
        // Already in the room as joined (a notice held back while joining, see `Signaling.hold`).
        s.peers.some((p) => p.info.id === info.id && p.info.joinedAt === info.joinedAt)
          ? s
          : { ...s, peers: [...s.peers.filter((p) => p.info.id !== info.id), { info, tracks: {}, micOn: false }] },
      ),
    );
    sig.on('peer:left', ({ peerId }) => {
      state.update((s) => ({
        ...s,
        peers: s.peers.filter((p) => p.info.id !== peerId),
        lastRemoteSpeakerId: s.lastRemoteSpeakerId === peerId ? null : s.lastRemoteSpeakerId,
      }));
      for (const [id, entry] of this.#consumers) if (entry.peerId === peerId) this.#dropConsumer(id);
    });
    sig.on('producer:new', (info) => void this.#consume(info, this.#generation));
    sig.on('producer:paused', ({ peerId, producerId }) => this.#setRemotePaused(peerId, producerId, true));
    sig.on('producer:resumed', ({ peerId, producerId }) => this.#setRemotePaused(peerId, producerId, false));
    sig.on('consumer:closed', ({ consumerId }) => this.#dropConsumer(consumerId));
    sig.on('speaker:active', ({ peerId }) =>
      state.update((s) => ({
        ...s,
        activeSpeakerId: peerId,
        // Oneself speaking does not take the others' large view away from the last remote speaker.
        lastRemoteSpeakerId: peerId && peerId !== s.self.id ? peerId : s.lastRemoteSpeakerId,
      })),
    );
  }

  async #consume(info: ProducerInfo, generation: number): Promise<void> {
    if (this.#consuming.has(info.producerId)) return;
    this.#consuming.add(info.producerId);
    try {
      const transport = await this.#transport;
      if (!transport || generation !== this.#generation) return;
      // The layer the policy wants for this tile goes with the request: the SFU starts the consumer
      // there, and the first resume needs no setPreferredLayers round trip before it.
      const { spatialLayer } = this.#decide({
        id: info.producerId,
        peerId: info.peerId,
        kind: info.kind,
        source: info.source,
        layered: true,
      });
      const options: ConsumerOptions = await this.#signaling.request('consumer:create', {
        transportId: transport.id,
        producerId: info.producerId,
        ...(spatialLayer === undefined ? {} : { spatialLayer }),
      });
      traceJoin(`consumer-created-${options.kind}`);
      const consumer = await transport.consume({
        id: options.id,
        producerId: options.producerId,
        kind: options.kind,
        rtpParameters: options.rtpParameters as types.RtpParameters,
      });
      traceJoin(`consumed-${options.kind}`);
      if (generation !== this.#generation) return consumer.close();
      const layered = options.type === 'simulcast' || options.type === 'svc';
      const entry: ConsumerEntry = {
        consumer,
        peerId: options.peerId,
        source: options.source,
        ref: { id: consumer.id, peerId: options.peerId, kind: options.kind, source: options.source, layered },
        // Created paused, at the layer asked for (the SFU ignores a layer for a stream without layers).
        applied: { paused: true, ...(layered && spatialLayer !== undefined ? { spatialLayer } : {}) },
        ownerPaused: options.producerPaused,
        chain: Promise.resolve(),
      };
      this.#consumers.set(consumer.id, entry);
      updatePeer(this.#state, options.peerId, (p) => ({
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
    updatePeer(this.#state, entry.peerId, (p) => {
      const tracks = { ...p.tracks };
      delete tracks[entry.source];
      return { ...p, tracks, micOn: entry.source === 'mic' ? false : p.micOn };
    });
  }

  #decide(ref: ConsumerRef): Decision {
    const { receiveMode, degradation } = this.#state.get();
    const layout = this.#layout();
    return decideConsumer(ref, {
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
      const want = this.#decide(entry.ref);
      const had = entry.applied;
      const consumerId = entry.consumer.id;
      if (want.spatialLayer !== undefined && want.spatialLayer !== had?.spatialLayer) {
        await this.#signaling.request('consumer:setPreferredLayers', { consumerId, spatialLayer: want.spatialLayer });
        traceJoin(`layers-set-${entry.consumer.kind}`);
      }
      if (want.paused !== (had?.paused ?? true)) {
        await this.#signaling.request(want.paused ? 'consumer:pause' : 'consumer:resume', { consumerId });
        traceJoin(`consumer-${want.paused ? 'paused' : 'resumed'}-${entry.consumer.kind}`);
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
    const peer = this.#state.get().peers.find((p) => p.info.id === entry.peerId);
    if (!peer) return;
    if ((peer.videoOff?.[source] ?? false) === off && (peer.videoStalled?.[source] ?? false) === stalled) return;
    updatePeer(this.#state, entry.peerId, (p) => ({
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
    const transport = await this.#transport?.catch(() => undefined);
    if (!transport || transport.closed) return;
    let entries: StatsEntry[];
    try {
      entries = [...(await transport.getStats()).values()] as StatsEntry[];
    } catch {
      return;
    }
    // Cameras that should be playing now, keyed anew each time one starts playing again, with
    // their owner's microphone while it is on (its silence too says the owner's end stopped).
    const micOn = new Map(this.#state.get().peers.map((p) => [p.info.id, p.micOn]));
    const mics = new Map<string, string>();
    for (const entry of this.#consumers.values()) {
      if (entry.source === 'mic' && !entry.consumer.closed && micOn.get(entry.peerId)) {
        mics.set(entry.peerId, entry.consumer.track.id);
      }
    }
    const playing = new Map<string, PlayingCamera>();
    const byKey = new Map<string, ConsumerEntry>();
    for (const entry of this.#consumers.values()) {
      if (entry.source !== 'camera' || entry.consumer.closed || entry.shownOff !== false) continue;
      const key = `${entry.consumer.id}:${entry.playing ?? 0}`;
      const mic = mics.get(entry.peerId);
      playing.set(key, { track: entry.consumer.track.id, ...(mic ? { mic } : {}) });
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
    this.#state.update((x) => ({ ...x, quality, degradation, link: sample }));
  }

  #setRemotePaused(peerId: string, producerId: string, paused: boolean): void {
    for (const entry of this.#consumers.values()) {
      if (entry.consumer.producerId !== producerId) continue;
      if (entry.source === 'mic') updatePeer(this.#state, peerId, (p) => ({ ...p, micOn: !paused }));
      else {
        entry.ownerPaused = paused;
        this.#showVideoState(entry);
      }
    }
  }
}

function sameDecision(a: Decision | undefined, b: Decision): boolean {
  if (!a) return false;
  return a.paused === b.paused && (b.spatialLayer === undefined || a.spatialLayer === b.spatialLayer);
}
