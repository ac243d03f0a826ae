import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { types } from 'mediasoup';
import { pino } from 'pino';
import { type MediaRoom, MediasoupGateway } from '@yishi/sfu';
import type { RtpCapabilities, RtpParameters } from '@yishi/shared';
import { testMediaConfig } from '../../tests/support/media.js';
import { PRODUCER_PARAMETERS, Publisher, type Target } from '../lib/publisher.js';
import { memberId, publishesMic, ROOM_KINDS, type RoomKind, subscriptions } from '../lib/receiveModel.js';
import { VIDEO } from '../lib/rtp.js';
import { UdpSink } from '../lib/udpSink.js';

export interface ConsultationRoomOptions {
  /** Member counts to step through; each model's series ends at its first step past the limits. */
  members: number[];
  warmupMs: number;
  windowMs: number;
}

export interface RoomStep {
  kind: RoomKind;
  members: number;
  /** Consumers set up: received (resumed) and paused (off the grid page: nothing forwarded). */
  consumers: { active: number; paused: number };
  /** Packets the sink received per second (what the SFU forwarded and the host delivered). */
  forwardedPps: number;
  forwardedMbps: number;
  /** mediasoup worker CPU, fraction of one core; null when it did not answer within 2 s (starved). */
  workerCpu: number | null;
  /** 1 − received / expected, expected = Σ over received consumers of what their producer sent in the asked layer. */
  loss: number | null;
  /** Received cameras whose current layer was not the one the member asked for, at the window's end. */
  layersOff: number;
  /** The sink's own CPU, fraction of one core (it shares the two cores with the worker). */
  sinkCpu: number;
  /** This process's CPU (the synthetic publishers and the control channel), fraction of one core. */
  benchCpu: number;
  /** Setting up the room (members, transports, producers, consumers), seconds. */
  setupS: number;
  /** The room could not be set up within the step's budget (a starved worker, or too many consumers): no figures. */
  timedOut: boolean;
}

const SUITE = 'AEAD_AES_256_GCM' as const;
const LOSS_LIMIT = 0.01;
const CPU_LIMIT = 0.95;
/**
 * Past saturation the worker's control channel starves and setting up consumers can take many
 * minutes; a room's consumers also grow with the square of its members. A step whose room is not
 * set up in this long is over, and so is its series.
 */
const SETUP_BUDGET_MS = 60_000;
/** A starved worker answers its control channel late, if at all. */
const CPU_READ_MS = 2000;
/** Time for a packet to cross the SFU and reach the sink on loopback, generously. */
const IN_FLIGHT_MS = 250;
/**
 * The members' cameras are spread over this many publishers started a fraction of a frame apart:
 * real cameras are not in step, so a room does not send all its frames in one burst.
 */
const PUBLISHER_GROUPS = 6;
/** Members set up at once (each one's consumers one after the other, as a client does). */
const SETUP_CONCURRENCY = 4;
const SINK_SOCKETS = 8;

/**
 * The sink sends no congestion feedback; with transport-cc or REMB negotiated, mediasoup's
 * bandwidth estimate for a transport that gets none stays low and, within seconds, lowers the
 * layers of the consumers sharing it. Left out, each consumer gets the layer its member asks for,
 * as over a link that carries it (the estimator's own work is not measured).
 */
const withoutCongestionFeedback = (caps: RtpCapabilities): RtpCapabilities => ({
  ...caps,
  codecs: caps.codecs?.map((codec) => ({
    ...codec,
    rtcpFeedback: codec.rtcpFeedback?.filter((fb) => fb.type !== 'transport-cc' && fb.type !== 'goog-remb'),
  })),
});

const remoteSrtp = (): types.SrtpParameters => ({ cryptoSuite: SUITE, keyBase64: randomBytes(44).toString('base64') });

/** A consumer being received: whose publisher group it comes from, and which stream. */
interface Received {
  peerId: string;
  consumerId: string;
  group: number;
  stream: 'audio' | number;
}

interface Room {
  room: MediaRoom;
  worker: types.Worker;
  /** Each member's send transport. */
  inputs: Target[];
  received: Received[];
  paused: number;
}

const groupOf = (member: number) => member % PUBLISHER_GROUPS;

/** One room through Yishi's SFU layer, on one worker: members, transports, producers, then consumers. */
async function setUpRoom(gateway: MediasoupGateway, kind: RoomKind, members: number, sink: UdpSink): Promise<Room> {
  const room = await gateway.openRoom(`bench-${kind}`);
  const rtpCapabilities = withoutCongestionFeedback((await room.rtpCapabilities()) as RtpCapabilities);
  const plan = subscriptions(kind, members);
  const inputs: Target[] = [];
  const recvTransports: string[] = [];
  const producers: Array<{ camera: string; mic?: string }> = [];
  for (let m = 0; m < members; m++) {
    const peerId = memberId(m);
    room.addPeer(peerId, { rtpCapabilities, canProduce: true });
    const input = await room.createPlainTransport(peerId, 'send');
    inputs.push({ ip: input.ip, port: input.port });
    const produce = async (source: 'camera' | 'mic') =>
      (
        await room.produce(peerId, {
          transportId: input.id,
          kind: source === 'mic' ? 'audio' : 'video',
          source,
          rtpParameters: (source === 'mic' ? PRODUCER_PARAMETERS.audio : PRODUCER_PARAMETERS.video) as RtpParameters,
        })
      ).producerId;
    producers.push({
      camera: await produce('camera'),
      ...(publishesMic(kind, m) ? { mic: await produce('mic') } : {}),
    });
    const output = await room.createPlainTransport(peerId, 'recv', { srtp: SUITE });
    await room.connectPlainTransport(peerId, output.id, {
      ip: '127.0.0.1',
      port: sink.ports[m % sink.ports.length] as number,
      srtpParameters: remoteSrtp(),
    });
    recvTransports.push(output.id);
  }
  const received: Received[] = [];
  let paused = 0;
  // As the web client does: consume (paused), then the preferred layer, then resume what it shows.
  const consumeAll = async (m: number) => {
    const peerId = memberId(m);
    for (const s of plan[m] ?? []) {
      const producerId = s.source === 'mic' ? producers[s.from]?.mic : producers[s.from]?.camera;
      const consumer = await room.consume(peerId, {
        transportId: recvTransports[m] as string,
        producerId: producerId as string,
      });
      if (s.paused) {
        paused++;
        continue;
      }
      if (s.layer !== undefined) await room.setPreferredLayers(peerId, consumer.id, { spatialLayer: s.layer });
      await room.setConsumerPaused(peerId, consumer.id, false);
      received.push({
        peerId,
        consumerId: consumer.id,
        group: groupOf(s.from),
        stream: s.source === 'mic' ? 'audio' : (s.layer ?? VIDEO.layerKbps.length - 1),
      });
    }
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(SETUP_CONCURRENCY, members) }, async () => {
      while (next < members) await consumeAll(next++);
    }),
  );
  const worker = gateway.pool.slots[0]?.worker as types.Worker;
  return { room, worker, inputs, received, paused };
}

const cpuMs = async (worker: types.Worker): Promise<number | null> => {
  const usage = await Promise.race([worker.getResourceUsage(), sleep(CPU_READ_MS).then(() => null)]);
  return usage ? usage.ru_utime + usage.ru_stime : null;
};

/** One step: a fresh gateway and room of `members`, warmed up, then a counted window. */
async function measure(kind: RoomKind, members: number, sink: UdpSink, o: ConsultationRoomOptions): Promise<RoomStep> {
  const gateway = await MediasoupGateway.start(
    // One router on one worker: what one core carries.
    testMediaConfig({ numWorkers: 1, peersPerRouter: 100_000 }),
    pino({ level: 'silent' }),
  );
  const publishers = Array.from({ length: Math.min(PUBLISHER_GROUPS, members) }, () => new Publisher());
  const plan = subscriptions(kind, members).flat();
  const planned = { active: plan.filter((s) => !s.paused).length, paused: plan.filter((s) => s.paused).length };
  try {
    const startedAt = performance.now();
    const setUp = setUpRoom(gateway, kind, members, sink);
    // Closing the gateway rejects what is still pending: the expected end of a timed-out setup.
    setUp.catch(() => undefined);
    const room = await Promise.race([setUp, sleep(SETUP_BUDGET_MS).then(() => null)]);
    const setupS = Number(((performance.now() - startedAt) / 1000).toFixed(1));
    if (!room) {
      return {
        kind,
        members,
        consumers: planned,
        forwardedPps: 0,
        forwardedMbps: 0,
        workerCpu: null,
        loss: null,
        layersOff: 0,
        sinkCpu: 0,
        benchCpu: 0,
        setupS,
        timedOut: true,
      };
    }
    for (const [g, publisher] of publishers.entries()) {
      const group = room.inputs.filter((_, m) => groupOf(m) === g);
      const mics = room.inputs.filter((_, m) => groupOf(m) === g && publishesMic(kind, m));
      publisher.start(mics, group);
      await sleep(1000 / VIDEO.fps / publishers.length);
    }
    await sleep(o.warmupMs);
    // What was sent is read first and what arrived a moment later, at both ends of the window, so
    // packets in flight (keyframe bursts) are not counted as lost.
    const snapshot = async () => {
      const sent = publishers.map((p) => structuredClone(p.sent));
      const at = performance.now();
      const bench = process.cpuUsage();
      const cpu = await cpuMs(room.worker);
      await sleep(IN_FLIGHT_MS);
      return { sent, at, bench, cpu, sink: await sink.counts() };
    };
    const before = await snapshot();
    await sleep(o.windowMs);
    const after = await snapshot();
    const seconds = (after.at - before.at) / 1000;
    let expected = 0;
    for (const r of room.received) {
      const [was, is] = [before.sent[r.group], after.sent[r.group]];
      if (!was || !is) continue;
      expected += r.stream === 'audio' ? is.audio - was.audio : (is.video[r.stream] ?? 0) - (was.video[r.stream] ?? 0);
    }
    const received = after.sink.packets - before.sink.packets;
    const benchCpuMs = (after.bench.user + after.bench.system - before.bench.user - before.bench.system) / 1000;
    return {
      kind,
      members,
      consumers: { active: room.received.length, paused: room.paused },
      forwardedPps: Math.round(received / seconds),
      forwardedMbps: Number((((after.sink.bytes - before.sink.bytes) * 8) / seconds / 1e6).toFixed(2)),
      workerCpu:
        before.cpu === null || after.cpu === null
          ? null
          : Number(((after.cpu - before.cpu) / 1000 / seconds).toFixed(3)),
      loss: expected > 0 ? Number(Math.max(0, 1 - received / expected).toFixed(4)) : null,
      layersOff: room.received.filter(
        (r) => r.stream !== 'audio' && room.room.currentLayers(r.peerId, r.consumerId)?.spatialLayer !== r.stream,
      ).length,
      sinkCpu: Number(((after.sink.cpuMs - before.sink.cpuMs) / 1000 / seconds).toFixed(3)),
      benchCpu: Number((benchCpuMs / 1000 / seconds).toFixed(3)),
      setupS,
      timedOut: false,
    };
  } finally {
    for (const p of publishers) p.stop();
    await gateway.close();
    await sleep(300);
  }
}

const withinLimits = (s: RoomStep) =>
  !s.timedOut && s.loss !== null && s.loss <= LOSS_LIMIT && s.workerCpu !== null && s.workerCpu < CPU_LIMIT;

/**
 * consultation-room: how many members one worker core carries in a moderated consultation (each
 * member receiving what the web client asks for) against an all-video grid of the same members,
 * both through Yishi's SFU layer with AEAD_AES_256_GCM (what Chromium negotiates with mediasoup),
 * in one run. Every member's camera is the synthetic three-layer VP8 of sfu-fanout; each member's
 * consumers share one SRTP plain transport, counted at a UDP sink. See `receiveModel.ts`.
 */
export async function consultationRoom(o: ConsultationRoomOptions) {
  const sink = await UdpSink.start(SINK_SOCKETS);
  const steps: RoomStep[] = [];
  const open = new Set(ROOM_KINDS);
  try {
    for (const members of o.members) {
      for (const kind of ROOM_KINDS) {
        if (!open.has(kind)) continue;
        const step = await measure(kind, members, sink, o);
        steps.push(step);
        process.stderr.write(
          `  ${kind} ${members} members: ${
            step.timedOut
              ? `not set up within ${SETUP_BUDGET_MS / 1000} s`
              : `loss ${step.loss === null ? '—' : `${(step.loss * 100).toFixed(2)}%`} cpu ${
                  step.workerCpu === null ? 'no answer' : `${(step.workerCpu * 100).toFixed(0)}%`
                }`
          }\n`,
        );
        if (!withinLimits(step)) open.delete(kind);
      }
      if (open.size === 0) break;
    }
  } finally {
    sink.stop();
  }
  const best = (kind: RoomKind) =>
    Math.max(0, ...steps.filter((s) => s.kind === kind && withinLimits(s)).map((s) => s.members));
  const membersPerCore = { consultation: best('consultation'), grid: best('grid') };
  const ratio =
    membersPerCore.consultation > 0 && membersPerCore.grid > 0
      ? Number((membersPerCore.consultation / membersPerCore.grid).toFixed(2))
      : null;
  // A series that never passed a limit gives a lower bound, not a capacity.
  const reachedLimit = Object.fromEntries(
    ROOM_KINDS.map((kind) => [kind, steps.some((s) => s.kind === kind && !withinLimits(s))]),
  ) as Record<RoomKind, boolean>;
  // Measured when both series reached a limit; when only the grid's did, the consultation's figure,
  // and so the ratio, is a lower bound.
  const ratioBound = !reachedLimit.grid ? 'undetermined' : reachedLimit.consultation ? 'measured' : 'lower bound';
  const percent = (x: number | null) => (x === null ? '—' : Math.round(x * 100));
  return {
    table: steps.map((s) => ({
      kind: s.kind,
      members: s.members,
      'active consumers': s.consumers.active,
      paused: s.consumers.paused,
      'fwd pkt/s': s.forwardedPps,
      'fwd Mbit/s': s.forwardedMbps,
      'worker CPU %': percent(s.workerCpu),
      'loss %': s.loss === null ? '—' : Number((s.loss * 100).toFixed(2)),
      'layers off': s.layersOff,
      'sink CPU %': percent(s.sinkCpu),
      'bench CPU %': percent(s.benchCpu),
      'setup s': s.setupS,
      'within limits': withinLimits(s) ? 'yes' : s.timedOut ? 'timed out' : 'no',
    })),
    summary:
      `members per worker core: consultation ${membersPerCore.consultation}${reachedLimit.consultation ? '' : '+'}, ` +
      `grid ${membersPerCore.grid}${reachedLimit.grid ? '' : '+'}, ratio ${ratio ?? '—'} (${ratioBound}; goal ≥ 3; "+": no step reached a limit, a lower bound)`,
    data: {
      suite: SUITE,
      model: {
        consultation:
          'every member publishes a camera (VP8, 3 simulcast layers 100/150/250 kbit/s); only the chair (member 0) and the speaker (member 1, holding the floor) publish audio. Each member receives, as the web client decides (computeLayout + decideConsumer): the large view (the speaker; the speaker sees the chair) at layer 2, the remote tiles of the first grid page (9 tiles, one of them the member itself) at layer 1, the two open microphones; its consumers of the other cameras exist, paused',
        grid: 'every member publishes camera and microphone and receives every other camera at layer 2 and every other microphone',
        bandwidthEstimation:
          'off: the sink sends no congestion feedback, so the consumers leave out transport-cc and REMB and each gets the layer its member asks for',
      },
      steps,
      limits: { loss: LOSS_LIMIT, workerCpu: CPU_LIMIT, setupMs: SETUP_BUDGET_MS },
      /** The largest step of each model within limits: one worker is one core. */
      membersPerCore,
      /** consultation / grid members per core (goal: ≥ 3). */
      ratio,
      ratioBound,
      reachedLimit,
      sharedMachine: {
        sink: `one UDP sink child process (${SINK_SOCKETS} sockets) counts every consumer's packets on the same cores as the worker (sinkCpu)`,
        publishers: `the synthetic cameras and microphones are sent from the bench process (${PUBLISHER_GROUPS} staggered publishers, benchCpu)`,
        cores: os.availableParallelism(),
      },
    },
  };
}
