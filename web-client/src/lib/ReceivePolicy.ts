/**
 * What this client asks the SFU to send it, decided by pure functions (no I/O, no DOM): which
 * video consumers to pause, which simulcast layer to prefer for the others, how good the receive
 * link is, and which participant the large view shows. `RoomSession` applies the decisions.
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
 * How far the layers are lowered because the link is poor: 0 none, 1 grid tiles at the lowest
 * layer, 2 the large view too.
 */
export type Degradation = 0 | 1 | 2;

export type SpatialLayer = 0 | 1 | 2;

/** The simulcast layers: 0 = ¼ resolution, 1 = ½, 2 = full (see the camera encodings). */
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
 * layer its size needs (large view 2, grid 1), lowered on a poor link, lowest in data saver.
 */
export function decideConsumer(consumer: ConsumerRef, ctx: ReceiveContext): Decision {
  if (consumer.kind === 'audio') return { paused: false };
  const tile: TileRef = { peerId: consumer.peerId, source: consumer.source === 'screen' ? 'screen' : 'camera' };
  const featured = ctx.featured !== null && tileKey(ctx.featured) === tileKey(tile);
  const layer = (spatialLayer: SpatialLayer): Decision =>
    consumer.layered ? { paused: false, spatialLayer } : { paused: false };
  if (ctx.mode === 'audio') return { paused: true };
  if (ctx.mode === 'saver') return featured ? layer(LAYER.low) : { paused: true };
  if (featured) return layer(ctx.degradation >= 2 ? LAYER.low : LAYER.high);
  if (ctx.visible.has(tileKey(tile))) return layer(ctx.degradation >= 1 ? LAYER.low : LAYER.medium);
  // Off the current page: nobody sees it, so nothing needs to be sent.
  return { paused: true };
}

/** Every consumer's decision, by consumer id. */
export function decideReceive(consumers: readonly ConsumerRef[], ctx: ReceiveContext): Map<string, Decision> {
  return new Map(consumers.map((c) => [c.id, decideConsumer(c, ctx)]));
}

/**
 * One step per measurement: a poor link lowers the layers a step further (grid first, then the
 * large view), a good one restores a step; fair holds, so the layers do not flap.
 */
export function nextDegradation(current: Degradation, quality: Quality | undefined): Degradation {
  if (quality === 'poor') return current >= 1 ? 2 : 1;
  if (quality === 'good') return current <= 1 ? 0 : 1;
  return current;
}

// ---------------------------------------------------------------------------------------------
// Link quality from WebRTC statistics

/** What one measurement found over the last interval; a field is absent when it could not be measured. */
export interface LinkSample {
  /** Packets lost / packets expected, 0..1. */
  lossRate?: number;
  /** Audio jitter: what people notice first. */
  jitterMs?: number;
  /**
   * Video jitter, only when no audio arrives (moderated mode pauses most microphones). Frames
   * leave in bursts of packets, so video shows several times audio's jitter on a good link.
   */
  videoJitterMs?: number;
  rttMs?: number;
}

export const QUALITY_THRESHOLDS = {
  fair: { lossRate: 0.03, jitterMs: 30, videoJitterMs: 60, rttMs: 300 },
  poor: { lossRate: 0.1, jitterMs: 80, videoJitterMs: 150, rttMs: 600 },
} as const;

/** The worst of loss, jitter and round-trip time decides; undefined when nothing was measurable. */
export function classifyQuality(sample: LinkSample): Quality | undefined {
  const { lossRate, jitterMs, videoJitterMs, rttMs } = sample;
  if ([lossRate, jitterMs, videoJitterMs, rttMs].every((v) => v === undefined)) return undefined;
  const over = (limits: (typeof QUALITY_THRESHOLDS)['fair' | 'poor']) =>
    (lossRate ?? 0) >= limits.lossRate ||
    (jitterMs ?? 0) >= limits.jitterMs ||
    (videoJitterMs ?? 0) >= limits.videoJitterMs ||
    (rttMs ?? 0) >= limits.rttMs;
  if (over(QUALITY_THRESHOLDS.poor)) return 'poor';
  if (over(QUALITY_THRESHOLDS.fair)) return 'fair';
  return 'good';
}

/** The fields of an RTCStats entry the measurement reads (plain objects, so tests need no browser). */
export interface StatsEntry {
  id: string;
  type: string;
  kind?: string;
  packetsReceived?: number;
  packetsLost?: number;
  jitter?: number;
  state?: string;
  nominated?: boolean;
  selected?: boolean;
  currentRoundTripTime?: number;
  roundTripTime?: number;
  selectedCandidatePairId?: string;
}

/** Cumulative counters per inbound stream, kept between measurements. */
export type StatsCounters = ReadonlyMap<string, { received: number; lost: number }>;

/** Fewer packets than this in an interval say nothing reliable about loss. */
const MIN_PACKETS_FOR_LOSS = 20;

/**
 * One measurement of the receive transport: loss over the interval since `previous` (per stream,
 * from cumulative counters), jitter (of audio streams when any arrive, else of video) and
 * the round-trip time of the selected candidate pair (or, failing that, of remote reports).
 */
export function measureLink(
  entries: Iterable<StatsEntry>,
  previous: StatsCounters | undefined,
): { sample: LinkSample; counters: StatsCounters } {
  const counters = new Map<string, { received: number; lost: number }>();
  let received = 0;
  let lost = 0;
  const jitter: { audio: number[]; video: number[] } = { audio: [], video: [] };
  const pairs = new Map<string, StatsEntry>();
  let selectedPairId: string | undefined;
  const remoteRtts: number[] = [];
  for (const s of entries) {
    if (s.type === 'inbound-rtp') {
      const now = { received: s.packetsReceived ?? 0, lost: Math.max(0, s.packetsLost ?? 0) };
      counters.set(s.id, now);
      const before = previous?.get(s.id);
      if (before) {
        received += Math.max(0, now.received - before.received);
        lost += Math.max(0, now.lost - before.lost);
      }
      // Only streams that carried packets since the last measurement: a paused one keeps a stale jitter.
      const flowing = before ? now.received > before.received : now.received > 0;
      if (typeof s.jitter === 'number' && flowing) {
        (s.kind === 'audio' ? jitter.audio : jitter.video).push(s.jitter * 1000);
      }
    } else if (s.type === 'candidate-pair') {
      pairs.set(s.id, s);
    } else if (s.type === 'transport' && s.selectedCandidatePairId) {
      selectedPairId = s.selectedCandidatePairId;
    } else if (s.type === 'remote-outbound-rtp' && typeof s.roundTripTime === 'number') {
      remoteRtts.push(s.roundTripTime * 1000);
    }
  }
  const sample: LinkSample = {};
  if (received + lost >= MIN_PACKETS_FOR_LOSS) sample.lossRate = lost / (received + lost);
  if (jitter.audio.length > 0) sample.jitterMs = Math.max(...jitter.audio);
  else if (jitter.video.length > 0) sample.videoJitterMs = Math.max(...jitter.video);
  const selected =
    (selectedPairId ? pairs.get(selectedPairId) : undefined) ??
    [...pairs.values()].find((p) => p.selected || (p.nominated && p.state === 'succeeded'));
  if (typeof selected?.currentRoundTripTime === 'number') sample.rttMs = selected.currentRoundTripTime * 1000;
  else if (remoteRtts.length > 0) sample.rttMs = Math.max(...remoteRtts);
  return { sample, counters };
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
