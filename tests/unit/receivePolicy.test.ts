import { describe, expect, it } from 'vitest';
import {
  type ConsumerRef,
  classifyQuality,
  computeLayout,
  decideConsumer,
  decideReceive,
  type LayoutInput,
  measureLink,
  nextDegradation,
  paginate,
  pickFeatured,
  type ReceiveContext,
  type StatsEntry,
  tileKey,
} from '../../web-client/src/lib/ReceivePolicy.js';

const video = (peerId: string, source: 'camera' | 'screen' = 'camera', layered = source === 'camera'): ConsumerRef => ({
  id: `${peerId}-${source}`,
  peerId,
  kind: 'video',
  source,
  layered,
});
const audio = (peerId: string): ConsumerRef => ({
  id: `${peerId}-mic`,
  peerId,
  kind: 'audio',
  source: 'mic',
  layered: false,
});

const context = (over: Partial<ReceiveContext> = {}): ReceiveContext => ({
  mode: 'full',
  featured: { peerId: 'speaker', source: 'camera' },
  visible: new Set(['a:camera', 'b:camera']),
  degradation: 0,
  ...over,
});

describe('receive policy: which consumers to pause, which layer to ask for', () => {
  it('asks for the full layer in the large view and the middle one in the grid', () => {
    const ctx = context();
    expect(decideConsumer(video('speaker'), ctx)).toEqual({ paused: false, spatialLayer: 2 });
    expect(decideConsumer(video('a'), ctx)).toEqual({ paused: false, spatialLayer: 1 });
  });

  it('pauses video nobody sees (another page of the grid), never audio', () => {
    const ctx = context();
    expect(decideConsumer(video('off-page'), ctx)).toEqual({ paused: true });
    expect(decideConsumer(audio('off-page'), ctx)).toEqual({ paused: false });
  });

  it('data saver: audio, and only the large view at the lowest layer', () => {
    const ctx = context({ mode: 'saver' });
    expect(decideConsumer(video('speaker'), ctx)).toEqual({ paused: false, spatialLayer: 0 });
    expect(decideConsumer(video('a'), ctx)).toEqual({ paused: true });
    expect(decideConsumer(video('b'), ctx)).toEqual({ paused: true });
    expect(decideConsumer(audio('a'), ctx)).toEqual({ paused: false });
    expect(decideConsumer(audio('speaker'), ctx)).toEqual({ paused: false });
  });

  it('audio only: every video paused, every audio received', () => {
    const ctx = context({ mode: 'audio' });
    const decisions = decideReceive([video('speaker'), video('a'), audio('a'), audio('speaker')], ctx);
    expect(decisions.get('speaker-camera')).toEqual({ paused: true });
    expect(decisions.get('a-camera')).toEqual({ paused: true });
    expect(decisions.get('a-mic')).toEqual({ paused: false });
    expect(decisions.get('speaker-mic')).toEqual({ paused: false });
  });

  it('a poor link lowers the grid first, then the large view', () => {
    expect(decideConsumer(video('a'), context({ degradation: 1 }))).toEqual({ paused: false, spatialLayer: 0 });
    expect(decideConsumer(video('speaker'), context({ degradation: 1 }))).toEqual({ paused: false, spatialLayer: 2 });
    expect(decideConsumer(video('a'), context({ degradation: 2 }))).toEqual({ paused: false, spatialLayer: 0 });
    expect(decideConsumer(video('speaker'), context({ degradation: 2 }))).toEqual({ paused: false, spatialLayer: 0 });
  });

  it('a screen share (one layer) is received without a layer request; the sharer camera is a grid tile', () => {
    const ctx = context({ featured: { peerId: 'a', source: 'screen' }, visible: new Set(['a:camera']) });
    expect(decideConsumer(video('a', 'screen'), ctx)).toEqual({ paused: false });
    expect(decideConsumer(video('a'), ctx)).toEqual({ paused: false, spatialLayer: 1 });
    expect(decideConsumer(video('a', 'screen'), { ...ctx, mode: 'saver' })).toEqual({ paused: false });
    expect(decideConsumer(video('a'), { ...ctx, mode: 'saver' })).toEqual({ paused: true });
  });

  it('nobody in the large view: data saver receives no video at all', () => {
    const ctx = context({ mode: 'saver', featured: null });
    expect(decideConsumer(video('a'), ctx)).toEqual({ paused: true });
  });
});

describe('degradation steps with the measured quality', () => {
  it('poor lowers one step at a time, good restores one step at a time, fair holds', () => {
    expect(nextDegradation(0, 'poor')).toBe(1);
    expect(nextDegradation(1, 'poor')).toBe(2);
    expect(nextDegradation(2, 'poor')).toBe(2);
    expect(nextDegradation(2, 'fair')).toBe(2);
    expect(nextDegradation(1, 'fair')).toBe(1);
    expect(nextDegradation(2, 'good')).toBe(1);
    expect(nextDegradation(1, 'good')).toBe(0);
    expect(nextDegradation(0, 'good')).toBe(0);
    expect(nextDegradation(1, undefined)).toBe(1);
  });
});

describe('link quality', () => {
  it('classifies by the worst of loss, jitter and round-trip time', () => {
    expect(classifyQuality({})).toBeUndefined();
    expect(classifyQuality({ lossRate: 0, jitterMs: 5, rttMs: 20 })).toBe('good');
    expect(classifyQuality({ lossRate: 0.05 })).toBe('fair');
    expect(classifyQuality({ jitterMs: 40 })).toBe('fair');
    expect(classifyQuality({ rttMs: 350 })).toBe('fair');
    expect(classifyQuality({ lossRate: 0.15, rttMs: 20 })).toBe('poor');
    expect(classifyQuality({ lossRate: 0, jitterMs: 120 })).toBe('poor');
    expect(classifyQuality({ rttMs: 800 })).toBe('poor');
    // Video jitter is burstier by nature: judged by its own, higher limits.
    expect(classifyQuality({ videoJitterMs: 30 })).toBe('good');
    expect(classifyQuality({ videoJitterMs: 90 })).toBe('fair');
    expect(classifyQuality({ videoJitterMs: 200 })).toBe('poor');
  });

  const inbound = (id: string, kind: string, received: number, lost: number, jitter = 0.005): StatsEntry => ({
    id,
    type: 'inbound-rtp',
    kind,
    packetsReceived: received,
    packetsLost: lost,
    jitter,
  });

  it('measures loss over the interval from cumulative counters, per stream', () => {
    const first = measureLink([inbound('a', 'audio', 1000, 10), inbound('v', 'video', 5000, 0)], undefined);
    // The first measurement has no interval yet: no loss figure.
    expect(first.sample.lossRate).toBeUndefined();
    const second = measureLink([inbound('a', 'audio', 1100, 20), inbound('v', 'video', 5800, 90)], first.counters);
    // 100 lost of 900 + 100 expected.
    expect(second.sample.lossRate).toBeCloseTo(100 / 1000);
    expect(classifyQuality(second.sample)).toBe('poor');
  });

  it('ignores loss over too few packets, and a stream that appeared since (no counters before)', () => {
    const first = measureLink([inbound('a', 'audio', 10, 0)], undefined);
    const second = measureLink([inbound('a', 'audio', 15, 3), inbound('new', 'video', 500, 400)], first.counters);
    expect(second.sample.lossRate).toBeUndefined();
  });

  it('prefers audio jitter (what people notice) and reads the selected pair round-trip time', () => {
    const { sample } = measureLink(
      [
        inbound('a', 'audio', 100, 0, 0.012),
        inbound('v', 'video', 100, 0, 0.09),
        { id: 'T', type: 'transport', selectedCandidatePairId: 'P2' },
        { id: 'P1', type: 'candidate-pair', state: 'failed', currentRoundTripTime: 2 },
        { id: 'P2', type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: 0.045 },
      ],
      undefined,
    );
    expect(sample.jitterMs).toBeCloseTo(12);
    expect(sample.videoJitterMs).toBeUndefined();
    expect(sample.rttMs).toBeCloseTo(45);
  });

  it('takes video jitter when no audio flows, and ignores the stale jitter of a paused stream', () => {
    const first = measureLink([inbound('a', 'audio', 100, 0, 0.2), inbound('v', 'video', 100, 0, 0.02)], undefined);
    expect(first.sample.jitterMs).toBeCloseTo(200);
    // The microphone was paused since (no new packets): its last jitter says nothing now.
    const second = measureLink(
      [inbound('a', 'audio', 100, 0, 0.2), inbound('v', 'video', 400, 0, 0.025)],
      first.counters,
    );
    expect(second.sample.jitterMs).toBeUndefined();
    expect(second.sample.videoJitterMs).toBeCloseTo(25);
    expect(classifyQuality(second.sample)).toBe('good');
  });

  it('falls back to the nominated pair, then to remote reports, for the round-trip time', () => {
    expect(
      measureLink(
        [{ id: 'P', type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: 0.4 }],
        undefined,
      ).sample.rttMs,
    ).toBeCloseTo(400);
    expect(
      measureLink([{ id: 'R', type: 'remote-outbound-rtp', roundTripTime: 0.7 }], undefined).sample.rttMs,
    ).toBeCloseTo(700);
  });
});

describe('layout: the large view and the pages of the grid', () => {
  const peers = [
    { id: 'chair', role: 'chair', sources: ['mic', 'camera'] },
    { id: 'a', role: 'member', sources: ['mic', 'camera'] },
    { id: 'b', role: 'member', sources: ['mic'] },
  ];
  const input = (over: Partial<LayoutInput> = {}): LayoutInput => ({
    selfId: 'me',
    peers,
    selfScreen: false,
    lastRemoteSpeakerId: null,
    floorHolderId: undefined,
    page: 0,
    ...over,
  });

  it('shows the last remote speaker large, everyone else in the grid (oneself first)', () => {
    const layout = computeLayout(input({ lastRemoteSpeakerId: 'a' }));
    expect(layout.featured).toEqual({ peerId: 'a', source: 'camera' });
    expect(layout.grid.map(tileKey)).toEqual(['me:camera', 'chair:camera', 'b:camera']);
    expect(layout.visibleKeys).toEqual(['a:camera', 'me:camera', 'chair:camera', 'b:camera']);
  });

  it('a screen share takes precedence; the sharer camera stays in the grid', () => {
    const withScreen = peers.map((p) => (p.id === 'b' ? { ...p, sources: ['mic', 'screen'] } : p));
    const layout = computeLayout(input({ peers: withScreen, lastRemoteSpeakerId: 'a' }));
    expect(layout.featured).toEqual({ peerId: 'b', source: 'screen' });
    expect(layout.grid.map(tileKey)).toEqual(['me:camera', 'chair:camera', 'a:camera', 'b:camera']);
  });

  it('falls back to the floor holder, then the chair, then the first to join; oneself only when alone', () => {
    expect(
      pickFeatured({ selfId: 'me', peers, screenSharers: [], lastRemoteSpeakerId: null, floorHolderId: 'b' }),
    ).toEqual({ peerId: 'b', source: 'camera' });
    expect(
      pickFeatured({ selfId: 'me', peers, screenSharers: [], lastRemoteSpeakerId: null, floorHolderId: 'me' }),
    ).toEqual({ peerId: 'chair', source: 'camera' });
    const members = peers.filter((p) => p.role !== 'chair');
    expect(
      pickFeatured({
        selfId: 'me',
        peers: members,
        screenSharers: [],
        lastRemoteSpeakerId: 'gone',
        floorHolderId: undefined,
      }),
    ).toEqual({ peerId: 'a', source: 'camera' });
    expect(
      pickFeatured({ selfId: 'me', peers: [], screenSharers: [], lastRemoteSpeakerId: null, floorHolderId: undefined }),
    ).toEqual({ peerId: 'me', source: 'camera' });
    const alone = computeLayout(input({ peers: [] }));
    expect(alone.featured).toEqual({ peerId: 'me', source: 'camera' });
    expect(alone.grid).toEqual([]);
  });

  it('one own screen share is a grid tile, never the large view (it would mirror itself)', () => {
    const layout = computeLayout(input({ selfScreen: true, lastRemoteSpeakerId: 'chair' }));
    expect(layout.featured).toEqual({ peerId: 'chair', source: 'camera' });
    expect(layout.grid.map(tileKey)).toContain('me:screen');
  });

  it('pages the grid by nine, clamping a page that no longer exists', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ id: `p${i}`, role: 'member', sources: ['camera'] }));
    const first = computeLayout(input({ peers: many, lastRemoteSpeakerId: 'p0' }));
    expect(first.pageCount).toBe(3);
    expect(first.grid).toHaveLength(9);
    expect(first.grid[0]).toEqual({ peerId: 'me', source: 'camera' });
    const last = computeLayout(input({ peers: many, lastRemoteSpeakerId: 'p0', page: 7 }));
    expect(last.page).toBe(2);
    expect(last.grid.map((t) => t.peerId)).toEqual(['p18', 'p19']);
    expect(paginate([], 3)).toEqual({ items: [], page: 0, pageCount: 1 });
  });

  it('off-page tiles are paused by the policy, on-page ones received', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ id: `p${i}`, role: 'member', sources: ['camera'] }));
    const layout = computeLayout(input({ peers: many, lastRemoteSpeakerId: 'p0' }));
    const ctx: ReceiveContext = {
      mode: 'full',
      featured: layout.featured,
      visible: new Set(layout.visibleKeys),
      degradation: 0,
    };
    expect(decideConsumer(video('p0'), ctx)).toEqual({ paused: false, spatialLayer: 2 });
    expect(decideConsumer(video('p8'), ctx)).toEqual({ paused: false, spatialLayer: 1 });
    expect(decideConsumer(video('p9'), ctx)).toEqual({ paused: true });
    expect(decideConsumer(video('p11'), ctx)).toEqual({ paused: true });
  });
});
