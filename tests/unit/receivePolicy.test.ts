import { describe, expect, it } from 'vitest';
import {
  type ConsumerRef,
  classifyQuality,
  computeLayout,
  decideConsumer,
  decideReceive,
  type DegradationState,
  INITIAL_DEGRADATION,
  linkNotice,
  type LayoutInput,
  measureLink,
  nextDegradation,
  paginate,
  pickFeatured,
  type Quality,
  RESTORE,
  type ReceiveContext,
  STALLED_FPS,
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

  it('a poor link lowers the grid first, then keeps only the speaker at the lowest layer (audio untouched)', () => {
    expect(decideConsumer(video('a'), context({ degradation: 1 }))).toEqual({ paused: false, spatialLayer: 0 });
    expect(decideConsumer(video('speaker'), context({ degradation: 1 }))).toEqual({ paused: false, spatialLayer: 2 });
    // A thin link: the other videos are paused in the SFU, so they cannot take the link from the speaker's.
    expect(decideConsumer(video('a'), context({ degradation: 2 }))).toEqual({ paused: true });
    expect(decideConsumer(video('b'), context({ degradation: 2 }))).toEqual({ paused: true });
    expect(decideConsumer(video('speaker'), context({ degradation: 2 }))).toEqual({ paused: false, spatialLayer: 0 });
    expect(decideConsumer(audio('a'), context({ degradation: 2 }))).toEqual({ paused: false });
    // Audio only stays audio only, whatever the link.
    expect(decideConsumer(video('speaker'), context({ mode: 'audio', degradation: 2 }))).toEqual({ paused: true });
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

describe('the link notice says what the page does about the link', () => {
  it('a thin link in full mode says so; listen-only says so whatever the link; otherwise nothing', () => {
    expect(linkNotice({ degradation: 2, receiveMode: 'full', listenOnly: false })).toBe('thin');
    expect(linkNotice({ degradation: 1, receiveMode: 'full', listenOnly: false })).toBeNull();
    expect(linkNotice({ degradation: 0, receiveMode: 'full', listenOnly: false })).toBeNull();
    expect(linkNotice({ degradation: 2, receiveMode: 'audio', listenOnly: true })).toBe('listen-only');
    expect(linkNotice({ degradation: 0, receiveMode: 'audio', listenOnly: true })).toBe('listen-only');
    // Data saver or audio only chosen by hand already receives less than a thin link keeps.
    expect(linkNotice({ degradation: 2, receiveMode: 'saver', listenOnly: false })).toBeNull();
    expect(linkNotice({ degradation: 2, receiveMode: 'audio', listenOnly: false })).toBeNull();
  });

  it('steps down to the thin link on poor samples and back up only after the link holds', () => {
    let state = INITIAL_DEGRADATION;
    const notices: Array<string | null> = [];
    const qualities: Quality[] = [
      'poor',
      'poor',
      'good',
      'good',
      'good',
      'good',
      'fair',
      'good',
      'good',
      'good',
      'good',
      'good',
    ];
    for (const q of qualities) {
      state = nextDegradation(state, q);
      notices.push(linkNotice({ degradation: state.level, receiveMode: 'full', listenOnly: false }));
    }
    // Thin after two poor samples; a fair one in the good run starts the count again; five good in a row step up.
    expect(notices).toEqual([null, ...Array(10).fill('thin'), null]);
  });
});

describe('degradation steps with the measured quality: quick to lower, slow to restore', () => {
  const run = (qualities: Array<Quality | undefined>, from: DegradationState = INITIAL_DEGRADATION) => {
    const levels: number[] = [];
    let state = from;
    for (const q of qualities) {
      state = nextDegradation(state, q);
      levels.push(state.level);
    }
    return { levels, state };
  };
  const good = (n: number): Quality[] => Array.from({ length: n }, () => 'good');

  it('poor lowers one step per sample: the grid, then the large view', () => {
    expect(run(['poor', 'poor', 'poor']).levels).toEqual([1, 2, 2]);
  });

  it('a single good sample restores nothing; several in a row restore one step, then the next', () => {
    const { state: lowered } = run(['poor', 'poor']);
    expect(run(['good'], lowered).levels).toEqual([2]);
    const after = RESTORE.after;
    expect(run(good(2 * after), lowered).levels).toEqual([
      ...Array(after - 1).fill(2),
      1,
      ...Array(after - 1).fill(1),
      0,
    ]);
  });

  it('fair, or nothing measurable, holds the level and starts the count again', () => {
    const { state: lowered } = run(['poor']);
    const broken = [...good(RESTORE.after - 1), 'fair' as const, ...good(RESTORE.after - 1), undefined];
    expect(run(broken, lowered).levels.every((l) => l === 1)).toBe(true);
    expect(run([...broken, ...good(RESTORE.after)], lowered).state.level).toBe(0);
    expect(run(['fair', 'fair'], INITIAL_DEGRADATION).levels).toEqual([0, 0]);
  });

  it('does not flap on a link that is poor every few samples (the 2 → 0 within 6 s seen before)', () => {
    const flapping: Quality[] = ['poor', 'poor', 'good', 'good', 'poor', 'good', 'good', 'good', 'poor', 'good'];
    expect(
      run([...flapping, ...flapping])
        .levels.slice(1)
        .every((l) => l === 2),
    ).toBe(true);
  });

  it('a restore undone at once makes the next one wait twice as long, up to a limit; one that holds resets it', () => {
    const { state: lowered } = run(['poor', 'poor']);
    // Restored to 1 after the usual run, and poor at once again: back to 2, and the wait doubles.
    const undone = run([...good(RESTORE.after), 'poor'], lowered);
    expect(undone.levels.slice(-2)).toEqual([1, 2]);
    expect(undone.state.restoreAfter).toBe(2 * RESTORE.after);
    expect(run(good(2 * RESTORE.after - 1), undone.state).state.level).toBe(2);
    expect(run(good(2 * RESTORE.after), undone.state).state.level).toBe(1);
    // Undone again and again: the wait stops growing at the limit.
    let state = undone.state;
    for (let i = 0; i < 10; i++) state = run([...good(state.restoreAfter), 'poor'], state).state;
    expect(state.restoreAfter).toBe(RESTORE.max);
    expect(state.level).toBe(2);
    // Restored all the way and held: the usual wait again.
    const held = run(good(2 * RESTORE.max + RESTORE.max + 1), state).state;
    expect(held.level).toBe(0);
    expect(held.restoreAfter).toBe(RESTORE.after);
    const next = run(['poor', ...good(RESTORE.after)], held).state;
    expect(next.level).toBe(0);
  });
});

describe('link quality', () => {
  it('classifies by the worst of loss, repairs, jitter, round-trip time and stalled video', () => {
    expect(classifyQuality({})).toBeUndefined();
    // Retransmissions hide loss from lossRate, not from the NACKs that asked for them.
    expect(classifyQuality({ lossRate: 0, nackRate: 0.01 })).toBe('good');
    expect(classifyQuality({ lossRate: 0, nackRate: 0.08 })).toBe('fair');
    expect(classifyQuality({ lossRate: 0, nackRate: 0.2 })).toBe('poor');
    // Cameras that should play and do not: one of four may be its sender's trouble; half is our link.
    expect(classifyQuality({ lossRate: 0, jitterMs: 5, videoStalled: 0 })).toBe('good');
    expect(classifyQuality({ lossRate: 0, jitterMs: 5, videoStalled: 0.2 })).toBe('good');
    expect(classifyQuality({ lossRate: 0, jitterMs: 5, videoStalled: 1 / 3 })).toBe('fair');
    expect(classifyQuality({ lossRate: 0, jitterMs: 5, videoStalled: 0.5 })).toBe('poor');
    expect(classifyQuality({ videoStalled: 1 })).toBe('poor');
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

  const inbound = (
    id: string,
    kind: string,
    received: number,
    lost: number,
    jitter = 0.005,
    more: Partial<StatsEntry> = {},
  ): StatsEntry => ({
    id,
    type: 'inbound-rtp',
    kind,
    packetsReceived: received,
    packetsLost: lost,
    jitter,
    ...more,
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

  it('counts NACKs as loss before repair: a link whose loss is all retransmitted is not good', () => {
    const first = measureLink([inbound('a', 'audio', 1000, 0, 0.01, { nackCount: 0 })], undefined);
    const second = measureLink(
      [inbound('a', 'audio', 1100, 1, 0.01, { nackCount: 20 }), inbound('v', 'video', 50, 0)],
      first.counters,
    );
    expect(second.sample.lossRate).toBeCloseTo(1 / 101);
    expect(second.sample.nackRate).toBeCloseTo(20 / 101);
    expect(classifyQuality(second.sample)).toBe('poor');
  });

  describe('stalled cameras', () => {
    /** One camera's video stream: `frames` decoded so far, `packets` received, at `at` ms. */
    const camera = (track: string, frames: number, packets: number, at: number): StatsEntry =>
      inbound(`in-${track}`, 'video', packets, 0, 0.01, {
        trackIdentifier: track,
        framesDecoded: frames,
        timestamp: at,
      });
    const mic = (packets: number, at: number): StatsEntry =>
      inbound('mic', 'audio', packets, 0, 0.01, { timestamp: at });
    const playing = (...tracks: string[]) => new Map(tracks.map((t) => [`key-${t}`, { track: t }]));

    it('audio flowing cleanly and no frames from the only camera that should play: stalled, poor', () => {
      // What the indicator said "good" to: 256 kbit/s, 20% loss, the SFU sending no video at all.
      const first = measureLink([mic(1000, 0), camera('cam', 300, 900, 0)], undefined, playing('cam'));
      expect(first.stalled.size).toBe(0);
      expect(first.sample.videoStalled).toBeUndefined();
      const second = measureLink([mic(1100, 2000), camera('cam', 300, 900, 2000)], first.counters, playing('cam'));
      expect([...second.stalled]).toEqual(['key-cam']);
      expect(second.sample.videoStalled).toBe(1);
      expect(second.sample.lossRate).toBe(0);
      expect(classifyQuality(second.sample)).toBe('poor');
    });

    it('a slide show (fewer than STALLED_FPS frames a second) is stalled too; moving video is not', () => {
      const first = measureLink(
        [mic(0, 0), camera('slow', 0, 0, 0), camera('ok', 0, 0, 0)],
        undefined,
        playing('slow', 'ok'),
      );
      const slowFrames = 2 * STALLED_FPS - 1;
      // The slide show's few packets (two a frame) are all the SFU sends of it.
      const second = measureLink(
        [mic(100, 2000), camera('slow', slowFrames, 2 * slowFrames, 2000), camera('ok', 2 * STALLED_FPS, 200, 2000)],
        first.counters,
        playing('slow', 'ok'),
      );
      expect([...second.stalled]).toEqual(['key-slow']);
      expect(second.sample.videoStalled).toBe(0.5);
    });

    it('a camera whose packets arrive whole but whose frames this device does not decode is stalled, not blamed on the link', () => {
      // A busy CPU: 100 packets a second of each camera arrive, unlost; one decodes a frame in two seconds.
      const first = measureLink(
        [mic(0, 0), camera('busy', 0, 0, 0), camera('ok', 0, 0, 0)],
        undefined,
        playing('busy', 'ok'),
      );
      const second = measureLink(
        [mic(100, 2000), camera('busy', 1, 200, 2000), camera('ok', 30, 200, 2000)],
        first.counters,
        playing('busy', 'ok'),
      );
      expect([...second.stalled]).toEqual(['key-busy']);
      expect(second.sample.videoStalled).toBe(0);
      // The same camera losing a tenth of its packets: the link's.
      const lossy = (packets: number, lost: number, frames: number, at: number) =>
        inbound('in-busy', 'video', packets, lost, 0.01, {
          trackIdentifier: 'busy',
          framesDecoded: frames,
          timestamp: at,
        });
      const third = measureLink(
        [mic(200, 4000), lossy(380, 20, 1, 4000), camera('ok', 60, 400, 4000)],
        second.counters,
        playing('busy', 'ok'),
      );
      expect(third.sample.videoStalled).toBe(0.5);
    });

    it('judges only cameras that should have played all interval, and over a long enough one', () => {
      const first = measureLink([camera('a', 10, 100, 0), camera('b', 10, 100, 0)], undefined, playing('a'));
      // b starts playing (resumed): its first interval is not judged; a was paused meanwhile.
      const second = measureLink(
        [camera('a', 10, 100, 2000), camera('b', 10, 100, 2000)],
        first.counters,
        playing('b'),
      );
      expect(second.stalled.size).toBe(0);
      expect(second.sample.videoStalled).toBeUndefined();
      // Measured again too soon after: no frame rate from that.
      const soon = measureLink([camera('b', 10, 100, 2300)], second.counters, playing('b'));
      expect(soon.stalled.size).toBe(0);
      const later = measureLink([camera('b', 10, 100, 4400)], soon.counters, playing('b'));
      expect([...later.stalled]).toEqual(['key-b']);
    });

    it('a camera that never received a packet (no inbound-rtp entry yet) decodes nothing', () => {
      const first = measureLink([mic(100, 0)], undefined, playing('never'));
      const second = measureLink([mic(200, 2000)], first.counters, playing('never'));
      expect([...second.stalled]).toEqual(['key-never']);
    });

    it('a camera whose owner fell silent too (microphone on, no audio) is shown stalled, not blamed on our link', () => {
      // Two senders behind one cut link: their cameras and microphones stop; the third plays on.
      const voice = (peer: string, packets: number, at: number): StatsEntry =>
        inbound(`mic-${peer}`, 'audio', packets, 0, 0.01, { trackIdentifier: `mic-${peer}`, timestamp: at });
      const cams = new Map(['a', 'b', 'c'].map((p) => [`key-${p}`, { track: p, mic: `mic-${p}` }]));
      const first = measureLink(
        [
          voice('a', 100, 0),
          voice('b', 100, 0),
          voice('c', 100, 0),
          camera('a', 10, 90, 0),
          camera('b', 10, 90, 0),
          camera('c', 10, 90, 0),
        ],
        undefined,
        cams,
      );
      const second = measureLink(
        [
          voice('a', 100, 2000),
          voice('b', 100, 2000),
          voice('c', 200, 2000),
          camera('a', 10, 90, 2000),
          camera('b', 10, 90, 2000),
          camera('c', 40, 190, 2000),
        ],
        first.counters,
        cams,
      );
      expect([...second.stalled].sort()).toEqual(['key-a', 'key-b']);
      expect(second.sample.videoStalled).toBe(0);
      expect(classifyQuality(second.sample)).toBe('good');
      // Without its microphone (muted: no audio to expect), a frozen camera still counts.
      const muted = new Map([...cams].map(([key, { track }]) => [key, { track }]));
      const third = measureLink(
        [
          voice('a', 100, 4000),
          voice('b', 100, 4000),
          voice('c', 300, 4000),
          camera('a', 10, 90, 4000),
          camera('b', 10, 90, 4000),
          camera('c', 70, 290, 4000),
        ],
        second.counters,
        muted,
      );
      expect(third.sample.videoStalled).toBeCloseTo(2 / 3);
      expect(classifyQuality(third.sample)).toBe('poor');
    });

    it('without timestamps, only a camera that decoded no frame at all is stalled', () => {
      const untimed = (track: string, frames: number): StatsEntry =>
        inbound(`in-${track}`, 'video', 100, 0, 0.01, { trackIdentifier: track, framesDecoded: frames });
      const first = measureLink([untimed('a', 5), untimed('b', 5)], undefined, playing('a', 'b'));
      const second = measureLink([untimed('a', 5), untimed('b', 6)], first.counters, playing('a', 'b'));
      expect([...second.stalled]).toEqual(['key-a']);
    });
  });

  it('a cut link is not a thin one: no sample while nothing arrives, nor for the interval the gap is counted in', () => {
    /** The receive transport's report: its bytes in all, one audio and one video stream, a camera. */
    const report = (bytes: number, audioIn: number, audioLost: number, frames: number, at: number): StatsEntry[] => [
      { id: 'T', type: 'transport', bytesReceived: bytes, timestamp: at },
      inbound('a', 'audio', audioIn, audioLost, 0.01, { timestamp: at }),
      inbound('v', 'video', frames * 3, 0, 0.01, { trackIdentifier: 'cam', framesDecoded: frames, timestamp: at }),
    ];
    const cam = new Map([['key', { track: 'cam' }]]);
    let state = INITIAL_DEGRADATION;
    const step = (m: ReturnType<typeof measureLink>) => {
      state = nextDegradation(state, classifyQuality(m.sample));
      return m;
    };
    const flowing = step(measureLink(report(100_000, 1000, 0, 300, 0), undefined, cam));
    const good = step(measureLink(report(200_000, 1100, 0, 330, 2000), flowing.counters, cam));
    expect(classifyQuality(good.sample)).toBe('good');
    // The link is cut: not a byte, no frame. What was decoded before shows the tile stalled, but nothing is measured.
    const cut = step(measureLink(report(200_000, 1100, 0, 330, 4000), good.counters, cam));
    expect(cut.sample).toEqual({});
    expect([...cut.stalled]).toEqual(['key']);
    const still = step(measureLink(report(200_000, 1100, 0, 330, 6000), cut.counters, cam));
    expect(still.sample).toEqual({});
    // Back: the 500 packets the SFU sent into the cut are counted lost at once; that interval measures the cut, not the link.
    const back = step(measureLink(report(260_000, 1150, 500, 345, 8000), still.counters, cam));
    expect(back.sample).toEqual({});
    const after = step(measureLink(report(360_000, 1250, 500, 375, 10_000), back.counters, cam));
    expect(classifyQuality(after.sample)).toBe('good');
    // The page never stepped down.
    expect(state.level).toBe(0);
  });

  it('a sender back from a cut at their end: the gap in their streams is not our loss, nor their keyframe wait our stall', () => {
    // Ours: the host's streams flow throughout. Theirs: silent for an interval, then back with 400 packets counted lost at once.
    const report = (
      at: number,
      host: number,
      theirs: number,
      theirsLost: number,
      theirFrames: number,
      theirVideo = theirs * 2,
    ): StatsEntry[] => [
      inbound('host-a', 'audio', host, 0, 0.01, { trackIdentifier: 'host-mic', timestamp: at }),
      inbound('host-v', 'video', host * 2, 0, 0.01, {
        trackIdentifier: 'host-cam',
        framesDecoded: host / 2,
        timestamp: at,
      }),
      inbound('their-a', 'audio', theirs, theirsLost, 0.01, { trackIdentifier: 'their-mic', timestamp: at }),
      inbound('their-v', 'video', theirVideo, 0, 0.01, {
        trackIdentifier: 'their-cam',
        framesDecoded: theirFrames,
        timestamp: at,
      }),
    ];
    const cams = new Map([
      ['host', { track: 'host-cam', mic: 'host-mic' }],
      ['their', { track: 'their-cam', mic: 'their-mic' }],
    ]);
    const first = measureLink(report(0, 1000, 1000, 0, 500), undefined, cams);
    const silent = measureLink(report(2000, 1100, 1000, 0, 500), first.counters, cams);
    expect(classifyQuality(silent.sample)).toBe('good');
    // Back: their audio arrives, the gap counted lost; their camera still waits for a keyframe.
    const back = measureLink(report(4000, 1200, 1100, 400, 500), silent.counters, cams);
    expect(back.sample.lossRate).toBe(0);
    expect([...back.stalled]).toEqual(['their']);
    expect(back.sample.videoStalled).toBe(0);
    expect(classifyQuality(back.sample)).toBe('good');
    // From then on their streams count again, loss and stalls alike (their video barely arriving).
    const after = measureLink(report(6000, 1300, 1200, 430, 500, 2210), back.counters, cams);
    // 30 lost of the 410 received (both senders, audio and video) + 30.
    expect(after.sample.lossRate).toBeCloseTo(30 / 440);
    expect(after.sample.videoStalled).toBe(0.5);
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
