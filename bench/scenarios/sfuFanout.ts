import { setTimeout as sleep } from 'node:timers/promises';
import { Publisher } from '../lib/publisher.js';
import { bareRig, type FanoutRig, type SrtpSuite, yishiRig } from '../lib/rigs.js';
import { UdpSink } from '../lib/udpSink.js';

export interface FanoutOptions {
  /** Consumer counts to step through (stops early once both rigs pass the limits). */
  steps: number[];
  warmupMs: number;
  windowMs: number;
  /** SRTP suites, each stepped through in turn; the first is the headline. */
  suites: SrtpSuite[];
}

export interface FanoutStep {
  rig: 'bare' | 'yishi';
  suite: SrtpSuite;
  consumers: number;
  /** Packets the sink received per second (what the SFU forwarded and the host delivered). */
  forwardedPps: number;
  forwardedMbps: number;
  /** mediasoup worker CPU, fraction of one core. */
  workerCpu: number;
  /** 1 − received / expected, expected = consumers × (audio + forwarded video layer) sent. */
  loss: number;
  videoLayer: number;
  /** The sink's own CPU, fraction of one core (it shares the two cores with the worker). */
  sinkCpu: number;
  /** Setting up the consumers took longer than a step may (the worker was saturated): no figures. */
  timedOut: boolean;
}

const LOSS_LIMIT = 0.01;
/** Time for a packet to cross the SFU and reach the sink on loopback, generously. */
const IN_FLIGHT_MS = 250;
const CPU_LIMIT = 0.95;
/**
 * Past saturation the worker's control channel starves and adding consumers can take many minutes:
 * a step that cannot set up its consumers in this long is over, and so is the run.
 */
const SETUP_BUDGET_MS = 60_000;

/** One measurement: a fresh rig with `consumers`, warmed up, then a counted window. */
async function measure(
  makeRig: (suite: SrtpSuite) => Promise<FanoutRig>,
  suite: SrtpSuite,
  consumers: number,
  sink: UdpSink,
  o: FanoutOptions,
): Promise<FanoutStep> {
  const rig = await makeRig(suite);
  const publisher = new Publisher();
  try {
    const setUp = rig.addConsumers(consumers, sink.ports);
    // Closing the rig rejects what is still pending: that is the expected end of a timed-out setup.
    setUp.catch(() => undefined);
    const inTime = await Promise.race([setUp.then(() => true), sleep(SETUP_BUDGET_MS).then(() => false)]);
    if (!inTime) {
      return {
        rig: rig.name,
        suite,
        consumers,
        forwardedPps: 0,
        forwardedMbps: 0,
        workerCpu: 1,
        loss: 1,
        videoLayer: -1,
        sinkCpu: 0,
        timedOut: true,
      };
    }
    publisher.start(rig.input, rig.input);
    await sleep(o.warmupMs);
    const layer = await rig.videoLayer();
    // What was sent is read first and what arrived a moment later, at both ends of the window, so
    // packets in flight (a keyframe burst to every consumer) are not counted as lost.
    const snapshot = async () => {
      const sent = structuredClone(publisher.sent);
      const at = performance.now();
      const cpu = await rig.workerCpuMs();
      await sleep(IN_FLIGHT_MS);
      return { sent, at, cpu, sink: await sink.counts() };
    };
    const before = await snapshot();
    await sleep(o.windowMs);
    const after = await snapshot();
    const seconds = (after.at - before.at) / 1000;
    const videoSent = layer >= 0 ? (after.sent.video[layer] as number) - (before.sent.video[layer] as number) : 0;
    const expected = consumers * (after.sent.audio - before.sent.audio + videoSent);
    const received = after.sink.packets - before.sink.packets;
    return {
      rig: rig.name,
      suite,
      consumers,
      forwardedPps: Math.round(received / seconds),
      forwardedMbps: Number((((after.sink.bytes - before.sink.bytes) * 8) / seconds / 1e6).toFixed(2)),
      workerCpu: Number(((after.cpu - before.cpu) / 1000 / seconds).toFixed(3)),
      loss: expected > 0 ? Number(Math.max(0, 1 - received / expected).toFixed(4)) : 1,
      videoLayer: layer,
      sinkCpu: Number(((after.sink.cpuMs - before.sink.cpuMs) / 1000 / seconds).toFixed(3)),
      timedOut: false,
    };
  } finally {
    publisher.stop();
    await rig.close();
    await sleep(300);
  }
}

const withinLimits = (s: FanoutStep) => !s.timedOut && s.loss <= LOSS_LIMIT && s.workerCpu < CPU_LIMIT;

/**
 * sfu-fanout: one publisher (opus ~32 kbit/s, VP8 ~500 kbit/s in three simulcast layers) and a
 * growing number of consumers on plain transports, each counted at a UDP sink. At every step the
 * same load runs through bare mediasoup and through Yishi's SFU layer, one after the other, so
 * their ratio is measured on the same machine within one run; the whole series once per SRTP suite.
 */
export async function sfuFanout(o: FanoutOptions) {
  const sink = await UdpSink.start(8);
  const steps: FanoutStep[] = [];
  try {
    for (const suite of o.suites) {
      for (const consumers of o.steps) {
        const pair = [
          await measure(bareRig, suite, consumers, sink, o),
          await measure(yishiRig, suite, consumers, sink, o),
        ];
        steps.push(...pair);
        process.stderr.write(
          `  ${suite} ${consumers} consumers: ${pair.map((s) => `${s.rig} ${s.timedOut ? 'timed out' : `loss ${(s.loss * 100).toFixed(2)}% cpu ${(s.workerCpu * 100).toFixed(0)}%`}`).join(', ')}\n`,
        );
        if (!pair.some(withinLimits)) break;
      }
    }
  } finally {
    sink.stop();
  }
  const ofSuite = (suite: SrtpSuite) => summarize(steps.filter((s) => s.suite === suite));
  const headline = o.suites[0] as SrtpSuite;
  return {
    table: steps.map((s) => ({
      suite: s.suite === 'AEAD_AES_256_GCM' ? 'GCM' : 'SHA1',
      rig: s.rig,
      consumers: s.consumers,
      'fwd pkt/s': s.forwardedPps,
      'fwd Mbit/s': s.forwardedMbps,
      'worker CPU %': Math.round(s.workerCpu * 100),
      'loss %': Number((s.loss * 100).toFixed(2)),
      layer: s.videoLayer,
      'sink CPU %': Math.round(s.sinkCpu * 100),
      // Past the limits the two cores are saturated and the sink lags: those rows are not figures.
      'within limits': withinLimits(s) ? 'yes' : s.timedOut ? 'timed out' : 'no',
    })),
    data: {
      /** The suite of the headline figures below; every suite's are in `bySuite`. */
      suite: headline,
      steps,
      limits: { loss: LOSS_LIMIT, workerCpu: CPU_LIMIT, setupMs: SETUP_BUDGET_MS },
      ...ofSuite(headline),
      bySuite: Object.fromEntries(o.suites.map((suite) => [suite, ofSuite(suite)])),
    },
  };
}

/** The best step of each rig within limits, and Yishi's ratios to bare, for one suite's steps. */
function summarize(steps: FanoutStep[]) {
  const best = (rig: 'bare' | 'yishi') =>
    steps.filter((s) => s.rig === rig && withinLimits(s)).sort((a, b) => b.consumers - a.consumers)[0];
  const bare = best('bare');
  const yishi = best('yishi');
  // CPU per forwarded packet at the largest load both carried within limits: Yishi's overhead over bare.
  const common = steps
    .filter(
      (s) =>
        s.rig === 'bare' &&
        withinLimits(s) &&
        steps.some((y) => y.rig === 'yishi' && y.consumers === s.consumers && withinLimits(y)),
    )
    .at(-1)?.consumers;
  const at = (rig: 'bare' | 'yishi') => steps.find((s) => s.rig === rig && s.consumers === common);
  const cpuPerKpps = (s: FanoutStep | undefined) =>
    s && s.forwardedPps > 0 ? s.workerCpu / (s.forwardedPps / 1000) : Number.NaN;
  const perCore = (s: FanoutStep | undefined) => (s ? Math.round(s.forwardedPps / Math.max(s.workerCpu, 0.01)) : null);
  return {
    maxConsumersPerWorker: { bare: bare?.consumers ?? 0, yishi: yishi?.consumers ?? 0 },
    /** Forwarded packets per second per fully used core, extrapolated from the best step within limits. */
    forwardedPpsPerCore: { bare: perCore(bare), yishi: perCore(yishi) },
    ratioToBare: {
      maxConsumers: bare && yishi ? Number((yishi.consumers / bare.consumers).toFixed(3)) : null,
      cpuPerPacketAtCommonLoad: common ? Number((cpuPerKpps(at('yishi')) / cpuPerKpps(at('bare'))).toFixed(3)) : null,
    },
    commonLoadConsumers: common ?? null,
  };
}
