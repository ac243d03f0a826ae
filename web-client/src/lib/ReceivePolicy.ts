/**
 * What this client asks the SFU to send it, decided by pure functions (no I/O, no DOM): which
 * video consumers to pause, which simulcast layer to prefer for the others, how good the receive
 * link is, and which participant the large view shows. `Receiver` applies the decisions.
 */

/** What a remote (or local) tile shows. */
export type VideoSource = 'camera' | 'screen';

/**
 * `full`: every visible tile, layers by tile size. `saver` (data saver, for weak links): audio,
 * and only the large view's video at the lowest layer. `audio`: audio only, no video at all.
 */
export type ReceiveMode = 'full' | 'saver' | 'audio';
export const RECEIVE_MODES: readonly ReceiveMode[] = ['full', 'saver', 'audio'];

export type Quality = 'good' | 'fair' | 'poor';

/**
 * How far the page steps down because the link is poor: 0 none; 1 grid tiles at the lowest layer;
 * 2 a thin link: audio and the large view's (the speaker's) lowest layer only, every other video
 * paused in the SFU so it does not take the link from the speaker's (the page says so).
 */
export type Degradation = 0 | 1 | 2;

export type SpatialLayer = 0 | 1 | 2;

/**
 * The simulcast layers, numbered as the camera's encodings (see CAMERA_ENCODINGS): 0 = ¼ of the
 * capture's resolution, 1 = ½, 2 = full. A small capture has fewer: Chromium limits the layer
 * count by resolution (640×480 gets two) and drops the top encodings, so only 0 and 1 (¼ and ½)
 * arrive; the SFU keeps the numbering and sends the highest layer present up to the preferred one
 * (the lowest present if none is). So `high` means the best the camera offers, and `low` is always
 * the smallest there is.
 */
export const LAYER = { low: 0, medium: 1, high: 2 } as const;

/** One remote consumer, as the policy sees it. */
export interface ConsumerRef {
  id: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: 'mic' | VideoSource;
  /** Simulcast or SVC: has spatial layers to choose from (a screen share has one). */
  layered: boolean;
}

/** A tile: one participant's camera or screen share. */
export interface TileRef {
  peerId: string;
  source: VideoSource;
}

export function tileKey(tile: TileRef): string {
  return `${tile.peerId}:${tile.source}`;
}

export interface ReceiveContext {
  mode: ReceiveMode;
  /** What the large view shows (null: nobody, e.g. alone in the room). */
  featured: TileRef | null;
  /** Tile keys (`tileKey`) of the grid tiles on the current page. */
  visible: ReadonlySet<string>;
  degradation: Degradation;
}

export interface Decision {
  paused: boolean;
  /** Preferred spatial layer; only for layered, unpaused video. */
  spatialLayer?: SpatialLayer;
}

/**
 * One consumer: audio is always received; video is received when its tile is shown, at the
 * layer its size needs (large view 2, grid 1), lowered on a poor link; in data saver and on a
 * thin link (degradation 2) only the large view's, at the lowest layer.
 */
export function decideConsumer(consumer: ConsumerRef, ctx: ReceiveContext): Decision {
  if (consumer.kind === 'audio') return { paused: false };
  const tile: TileRef = { peerId: consumer.peerId, source: consumer.source === 'screen' ? 'screen' : 'camera' };
  const featured = ctx.featured !== null && tileKey(ctx.featured) === tileKey(tile);
  const layer = (spatialLayer: SpatialLayer): Decision =>
    consumer.layered ? { paused: false, spatialLayer } : { paused: false };
  if (ctx.mode === 'audio') return { paused: true };
  if (ctx.mode === 'saver' || ctx.degradation >= 2) return featured ? layer(LAYER.low) : { paused: true };
  if (featured) return layer(LAYER.high);
  if (ctx.visible.has(tileKey(tile))) return layer(ctx.degradation >= 1 ? LAYER.low : LAYER.medium);
  // Off the current page: nobody sees it, so nothing needs to be sent.
  return { paused: true };
}

/** Every consumer's decision, by consumer id. */
export function decideReceive(consumers: readonly ConsumerRef[], ctx: ReceiveContext): Map<string, Decision> {
  return new Map(consumers.map((c) => [c.id, decideConsumer(c, ctx)]));
}

/**
 * What the page tells the user about the link: `listen-only` (their own choice), `thin` (it
 * switched itself to audio and the speaker's lowest layer, and will step back up), or nothing. A
 * chosen data saver or audio only is already less than a thin link keeps, so it needs no notice.
 */
export function linkNotice(input: {
  degradation: Degradation;
  receiveMode: ReceiveMode;
  listenOnly: boolean;
}): 'listen-only' | 'thin' | null {
  if (input.listenOnly) return 'listen-only';
  return input.degradation >= 2 && input.receiveMode === 'full' ? 'thin' : null;
}

/**
 * How the layers follow the measured quality, with hysteresis: the level the policy applies, and
 * what is needed to raise it again.
 */
export interface DegradationState {
  level: Degradation;
  /** Good samples in a row since the last one that was not good, or since the last step. */
  goodRun: number;
  /** Good samples in a row needed to restore one step (grows while restores do not hold). */
  restoreAfter: number;
  /** Samples since the last restore, until it has held for `restoreAfter` samples. */
  sinceRestore?: number;
}

/**
 * Restoring a step takes `after` good samples in a row (2 s each); when a restore is undone within
 * as many samples (the link cannot carry the higher layer after all), the next one waits twice
 * as long, up to `max`.
 */
export const RESTORE = { after: 5, max: 40 } as const;

export const INITIAL_DEGRADATION: DegradationState = { level: 0, goodRun: 0, restoreAfter: RESTORE.after };

/**
 * One measurement: degrade quickly, restore slowly. A poor sample lowers the layers a step at once
 * (grid first, then the large view); only `restoreAfter` good samples in a row restore one step;
 * fair (or nothing measurable) holds and starts the count again, so the layers do not flap.
 */
export function nextDegradation(state: DegradationState, quality: Quality | undefined): DegradationState {
  let { level, goodRun, restoreAfter, sinceRestore } = state;
  if (sinceRestore !== undefined) sinceRestore++;
  if (quality === 'poor') {
    // The last restore did not hold: the link cannot carry that layer, try it again later.
    if (sinceRestore !== undefined) restoreAfter = Math.min(RESTORE.max, restoreAfter * 2);
    return { level: level >= 1 ? 2 : 1, goodRun: 0, restoreAfter };
  }
  if (sinceRestore !== undefined && sinceRestore > restoreAfter) {
    // The last restore held: back to the usual wait.
    restoreAfter = RESTORE.after;
    sinceRestore = undefined;
  }
  goodRun = quality === 'good' ? goodRun + 1 : 0;
  if (level > 0 && goodRun >= restoreAfter) {
    level = level === 2 ? 1 : 0;
    goodRun = 0;
    sinceRestore = 0;
  }
  return sinceRestore === undefined ? { level, goodRun, restoreAfter } : { level, goodRun, restoreAfter, sinceRestore };
}

// ---------------------------------------------------------------------------------------------
// Link quality from WebRTC statistics

/** What one measurement found over the last interval; a field is absent when it could not be measured. */
export interface LinkSample {
  /** Packets lost / packets expected, 0..1: what retransmissions could not repair. */
  lossRate?: number;
  /**
   * NACKs sent / packets expected, 0..1: the loss before repair. The SFU retransmits audio and
   * video that is asked for again, so a lossy link can show almost no `lossRate`; its cost is
   * bandwidth and delay, and it shows here.
   */
  nackRate?: number;
  /** Audio jitter: what people notice first. */
  jitterMs?: number;
  /**
   * Video jitter, only when no audio arrives (moderated mode pauses most microphones). Frames
   * leave in bursts of packets, so video shows several times audio's jitter on a good link.
   */
  videoJitterMs?: number;
  rttMs?: number;
  /**
   * Share (0..1) of the cameras that should have played all interval (received, not paused by us
   * or their owner) that decoded fewer than `STALLED_FPS` frames a second: the SFU stopped sending
   * them (it does when our link cannot carry even their lowest layer) or they arrive too damaged
   * to decode. Nothing else on the page shows that.
   */
  videoStalled?: number;
}

export const QUALITY_THRESHOLDS = {
  fair: { lossRate: 0.03, nackRate: 0.05, jitterMs: 30, videoJitterMs: 60, rttMs: 300, videoStalled: 0.25 },
  // Half the cameras stalled: our link rather than one sender's (a lone remote camera counts).
  poor: { lossRate: 0.1, nackRate: 0.15, jitterMs: 80, videoJitterMs: 150, rttMs: 600, videoStalled: 0.5 },
} as const;

/** A camera decoding fewer frames a second than this, over a whole interval, is stalled: not moving video. */
export const STALLED_FPS = 2;

/**
 * A stalled camera whose packets kept arriving whole — at least this many a second, under
 * `DECODER_BOUND_LOSS` lost — stalls in this device's decoder (a busy CPU), not on the link: a
 * link that cannot carry a camera loses its packets or lets the SFU stop sending them.
 */
const DECODER_BOUND_PACKETS_PER_S = 10;
const DECODER_BOUND_LOSS = 0.05;

/**
 * The worst of loss (repaired or not), jitter, round-trip time and stalled video decides;
 * undefined when nothing was measurable.
 */
export function classifyQuality(sample: LinkSample): Quality | undefined {
  const keys = Object.keys(QUALITY_THRESHOLDS.poor) as Array<keyof typeof QUALITY_THRESHOLDS.poor>;
  if (keys.every((k) => sample[k] === undefined)) return undefined;
  const over = (limits: (typeof QUALITY_THRESHOLDS)['fair' | 'poor']) =>
    keys.some((k) => (sample[k] ?? 0) >= limits[k]);
  if (over(QUALITY_THRESHOLDS.poor)) return 'poor';
  if (over(QUALITY_THRESHOLDS.fair)) return 'fair';
  return 'good';
}

/** The fields of an RTCStats entry the measurement reads (plain objects, so tests need no browser). */
export interface StatsEntry {
  id: string;
  type: string;
  /** Milliseconds (the report's clock). */
  timestamp?: number;
  kind?: string;
  /** The receiving track's id (inbound-rtp). */
  trackIdentifier?: string;
  packetsReceived?: number;
  packetsLost?: number;
  nackCount?: number;
  framesDecoded?: number;
  jitter?: number;
  state?: string;
  nominated?: boolean;
  selected?: boolean;
  currentRoundTripTime?: number;
  roundTripTime?: number;
  selectedCandidatePairId?: string;
  /** All the transport has received (type `transport`): what tells a cut link from a thin one. */
  bytesReceived?: number;
}

/** A remote camera that should be playing: its track, and its owner's microphone track while that is on. */
export interface PlayingCamera {
  track: string;
  /** The owner's microphone, when its producer is not paused (its audio should be arriving). */
  mic?: string;
}

/** One inbound stream's cumulative counters, and whether it carried packets over the interval before. */
interface StreamCounters {
  received: number;
  lost: number;
  nacks: number;
  flowing: boolean;
}

/** Cumulative counters kept between measurements. */
export interface StatsCounters {
  /** Per inbound stream (stats id). */
  streams: ReadonlyMap<string, StreamCounters>;
  /** Per camera expected to play at that measurement (the caller's key): frames decoded so far, and when. */
  videos: ReadonlyMap<string, { frames: number; at: number | undefined }>;
  /** What the transport had received in all (its `transport` entry), when the report has one. */
  bytesReceived?: number;
  /** Nothing at all arrived over that interval: the link was cut (see `measureLink`). */
  cut?: boolean;
}

/** Fewer packets than this in an interval say nothing reliable about loss. */
const MIN_PACKETS_FOR_LOSS = 20;
/** A shorter interval says nothing reliable about a frame rate. */
const MIN_INTERVAL_MS = 1000;

/**
 * One measurement of the receive transport: loss over the interval since `previous` (per stream,
 * from cumulative counters), before repair (NACKs) and after; jitter (of audio streams when any
 * arrive, else of video); the round-trip time of the selected candidate pair (or, failing that, of
 * remote reports); and which of the cameras in `playing` stalled.
 *
 * `playing` maps a key to each camera that should be playing now; one is judged only if its key
 * was there at the previous measurement too, so the caller gives a camera a new key whenever it
 * starts playing again (resumed by us or its owner). A camera that never received a packet has no
 * inbound-rtp entry yet: it counts as decoding nothing.
 *
 * Outages are not measured, only links that carry something: a thin link still lets some bytes
 * through in an interval (audio, RTCP, the SFU's probes), a cut one none, and degrading does
 * nothing for a link that carries nothing. So an interval in which the transport received not a
 * byte gives an empty sample (`cut`), and so does the one in which bytes arrive again: the
 * receiver counts everything the SFU sent into the cut as lost when the first packet after it
 * arrives. Likewise for one sender's streams: one that was silent (its sender's link cut, or
 * paused) has its loss measured from the interval after the one it resumes in, and a camera whose
 * owner's microphone is on but was silent too, in this interval or the one before, stopped at its
 * owner's end: it is shown stalled but does not count against our link; nor does one whose packets
 * kept arriving whole (see `DECODER_BOUND_PACKETS_PER_S`), which this device failed to decode.
 */
export function measureLink(
  entries: Iterable<StatsEntry>,
  previous: StatsCounters | undefined,
  playing: ReadonlyMap<string, PlayingCamera> = new Map(),
): { sample: LinkSample; counters: StatsCounters; stalled: Set<string> } {
  const streams = new Map<string, StreamCounters>();
  let received = 0;
  let lost = 0;
  let nacks = 0;
  const jitter: { audio: number[]; video: number[] } = { audio: [], video: [] };
  const pairs = new Map<string, StatsEntry>();
  let selectedPairId: string | undefined;
  const remoteRtts: number[] = [];
  const videoByTrack = new Map<string, StatsEntry>();
  /** Audio tracks that carried packets over this interval and the one before. */
  const audioSteady = new Set<string>();
  let bytesReceived: number | undefined;
  let reportAt: number | undefined;
  for (const s of entries) {
    if (typeof s.timestamp === 'number') reportAt = Math.max(reportAt ?? s.timestamp, s.timestamp);
    if (s.type === 'inbound-rtp') {
      const before = previous?.streams.get(s.id);
      // Only streams that carried packets since the last measurement: a paused one keeps a stale jitter.
      const flowing = before ? (s.packetsReceived ?? 0) > before.received : (s.packetsReceived ?? 0) > 0;
      const now = {
        received: s.packetsReceived ?? 0,
        lost: Math.max(0, s.packetsLost ?? 0),
        nacks: s.nackCount ?? 0,
        flowing,
      };
      streams.set(s.id, now);
      // A stream back from a silence (its sender's link cut, or paused) counts the silence lost at
      // its first packet: its loss is measured from the interval after.
      if (before?.flowing) {
        received += Math.max(0, now.received - before.received);
        lost += Math.max(0, now.lost - before.lost);
        nacks += Math.max(0, now.nacks - before.nacks);
      }
      if (typeof s.jitter === 'number' && flowing) {
        (s.kind === 'audio' ? jitter.audio : jitter.video).push(s.jitter * 1000);
      }
      if (s.kind === 'video' && s.trackIdentifier) videoByTrack.set(s.trackIdentifier, s);
      if (s.kind === 'audio' && s.trackIdentifier && flowing && before?.flowing) audioSteady.add(s.trackIdentifier);
    } else if (s.type === 'candidate-pair') {
      pairs.set(s.id, s);
    } else if (s.type === 'transport') {
      if (s.selectedCandidatePairId) selectedPairId = s.selectedCandidatePairId;
      if (typeof s.bytesReceived === 'number') bytesReceived = (bytesReceived ?? 0) + s.bytesReceived;
    } else if (s.type === 'remote-outbound-rtp' && typeof s.roundTripTime === 'number') {
      remoteRtts.push(s.roundTripTime * 1000);
    }
  }

  const videos = new Map<string, { frames: number; at: number | undefined }>();
  const stalled = new Set<string>();
  let judged = 0;
  let blamed = 0;
  for (const [key, camera] of playing) {
    const entry = videoByTrack.get(camera.track);
    const now = { frames: entry?.framesDecoded ?? 0, at: entry?.timestamp ?? reportAt };
    videos.set(key, now);
    const before = previous?.videos.get(key);
    if (!before) continue;
    const frames = Math.max(0, now.frames - before.frames);
    let isStalled: boolean;
    let decoderBound = false;
    if (now.at !== undefined && before.at !== undefined) {
      const ms = now.at - before.at;
      if (ms < MIN_INTERVAL_MS) continue;
      isStalled = (frames * 1000) / ms < STALLED_FPS;
      decoderBound =
        isStalled && entry !== undefined && arrivedWhole(streams.get(entry.id), previous?.streams.get(entry.id), ms);
    } else {
      // No clock: only "no frame at all" can be told.
      isStalled = frames === 0;
    }
    if (isStalled) stalled.add(key);
    // Its owner fell silent too, now or just before (their video then waits for a keyframe):
    // their end stopped, not our link. Or its packets arrived whole: this device's decoder is behind.
    if ((camera.mic !== undefined && !audioSteady.has(camera.mic)) || decoderBound) continue;
    judged++;
    if (isStalled) blamed++;
  }

  const cut =
    bytesReceived !== undefined && previous?.bytesReceived !== undefined && bytesReceived <= previous.bytesReceived;
  const counters: StatsCounters = {
    streams,
    videos,
    ...(bytesReceived === undefined ? {} : { bytesReceived }),
    ...(cut ? { cut } : {}),
  };
  if (cut || previous?.cut) return { sample: {}, counters, stalled };

  const sample: LinkSample = {};
  if (received + lost >= MIN_PACKETS_FOR_LOSS) {
    sample.lossRate = lost / (received + lost);
    sample.nackRate = Math.min(1, nacks / (received + lost));
  }
  if (jitter.audio.length > 0) sample.jitterMs = Math.max(...jitter.audio);
  else if (jitter.video.length > 0) sample.videoJitterMs = Math.max(...jitter.video);
  const selected =
    (selectedPairId ? pairs.get(selectedPairId) : undefined) ??
    [...pairs.values()].find((p) => p.selected || (p.nominated && p.state === 'succeeded'));
  if (typeof selected?.currentRoundTripTime === 'number') sample.rttMs = selected.currentRoundTripTime * 1000;
  else if (remoteRtts.length > 0) sample.rttMs = Math.max(...remoteRtts);
  if (judged > 0) sample.videoStalled = blamed / judged;
  return { sample, counters, stalled };
}

/** A stream's packets kept arriving whole over `ms` (see `DECODER_BOUND_PACKETS_PER_S`). */
function arrivedWhole(now: StreamCounters | undefined, before: StreamCounters | undefined, ms: number): boolean {
  if (!now || !before) return false;
  const arrived = now.received - before.received;
  const lost = Math.max(0, now.lost - before.lost);
  return (arrived * 1000) / ms >= DECODER_BOUND_PACKETS_PER_S && lost <= (arrived + lost) * DECODER_BOUND_LOSS;
}

// ---------------------------------------------------------------------------------------------
// Layout: what the large view shows, and the pages of the grid

export interface FeatureInput {
  selfId: string | undefined;
  /** Remote participants present, in join order, with their roles. */
  peers: ReadonlyArray<{ id: string; role: string }>;
  /** Remote participants sharing their screen, most recent last. */
  screenSharers: readonly string[];
  /** The last remote participant the SFU heard speaking (still present). */
  lastRemoteSpeakerId: string | null;
  /** Who holds the floor, if anyone. */
  floorHolderId: string | undefined;
}

/**
 * The large view: a remote screen share first (the latest), then the last remote active
 * speaker, then whoever holds the floor, then the chair, then the first to have joined;
 * oneself only when alone. One's own voice never moves oneself into the large view.
 */
export function pickFeatured(input: FeatureInput): TileRef | null {
  const present = new Set(input.peers.map((p) => p.id));
  const screen = [...input.screenSharers].reverse().find((id) => present.has(id));
  if (screen) return { peerId: screen, source: 'screen' };
  const candidates = [
    input.lastRemoteSpeakerId,
    input.floorHolderId,
    input.peers.find((p) => p.role === 'chair')?.id,
    input.peers[0]?.id,
  ];
  const remote = candidates.find((id): id is string => typeof id === 'string' && present.has(id));
  if (remote) return { peerId: remote, source: 'camera' };
  return input.selfId ? { peerId: input.selfId, source: 'camera' } : null;
}

export const TILES_PER_PAGE = 9;

export interface Page<T> {
  items: T[];
  /** 0-based, clamped to the pages there are. */
  page: number;
  pageCount: number;
}

/** One page of `items`; an out-of-range page (someone left) shows the last one. */
export function paginate<T>(items: readonly T[], page: number, perPage = TILES_PER_PAGE): Page<T> {
  const pageCount = Math.max(1, Math.ceil(items.length / perPage));
  const current = Math.min(Math.max(0, Math.floor(page)), pageCount - 1);
  return { items: items.slice(current * perPage, (current + 1) * perPage), page: current, pageCount };
}

export interface LayoutInput {
  selfId: string | undefined;
  /** Remote participants in join order, with the sources they publish (that we consume). */
  peers: ReadonlyArray<{ id: string; role: string; sources: readonly string[] }>;
  /** This client shares its screen (shown in the grid, never large: it would mirror itself). */
  selfScreen: boolean;
  lastRemoteSpeakerId: string | null;
  floorHolderId: string | undefined;
  page: number;
  perPage?: number;
}

export interface Layout {
  featured: TileRef | null;
  /** The grid tiles of the current page. */
  grid: TileRef[];
  page: number;
  pageCount: number;
  /** Keys of every tile on screen (large view and current grid page). */
  visibleKeys: string[];
}

/**
 * The room's layout: the large view (`pickFeatured`), and everyone else in a paged grid —
 * oneself first, then the others in join order, then screen shares not in the large view.
 */
export function computeLayout(input: LayoutInput): Layout {
  const featured = pickFeatured({
    selfId: input.selfId,
    peers: input.peers,
    screenSharers: input.peers.filter((p) => p.sources.includes('screen')).map((p) => p.id),
    lastRemoteSpeakerId: input.lastRemoteSpeakerId,
    floorHolderId: input.floorHolderId,
  });
  const key = featured ? tileKey(featured) : '';
  const tiles: TileRef[] = [];
  if (input.selfId) {
    tiles.push({ peerId: input.selfId, source: 'camera' });
    if (input.selfScreen) tiles.push({ peerId: input.selfId, source: 'screen' });
  }
  for (const p of input.peers) tiles.push({ peerId: p.id, source: 'camera' });
  for (const p of input.peers) if (p.sources.includes('screen')) tiles.push({ peerId: p.id, source: 'screen' });
  const others = tiles.filter((t) => tileKey(t) !== key);
  const { items, page, pageCount } = paginate(others, input.page, input.perPage);
  return {
    featured,
    grid: items,
    page,
    pageCount,
    visibleKeys: [...(featured ? [key] : []), ...items.map(tileKey)],
  };
}
