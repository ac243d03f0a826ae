import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { type MediaRoom, MediasoupGateway } from '@yishi/sfu';
import type { RtpCapabilities, RtpParameters } from '@yishi/shared';
import { testMediaConfig } from '../../tests/support/media.js';
import { PRODUCER_PARAMETERS, Publisher } from '../lib/publisher.js';
import { UdpSink } from '../lib/udpSink.js';

export interface OverloadOptions {
  /** Consumers one worker carries within limits (sfu-fanout's maxConsumersPerWorker). */
  capacity: number;
  /** The worker's admission ceiling with admission on (MEDIASOUP_WORKER_MAX_LOAD / 100). */
  maxWorkerLoad: number;
  /** Newcomers offered per second during the overload. */
  arrivalsPerSecond: number;
  /** The counted window, once every newcomer has been offered. */
  windowMs: number;
}

interface Run {
  admission: boolean;
  /** Consumers admitted before the overload began, and those offered during it. */
  first: number;
  offered: number;
  admitted: number;
  refused: number;
  /** Refused otherwise (an error other than UNAVAILABLE). */
  failed: number;
  /** Still being set up when the window ended: a starved worker answers late, if at all. */
  pending: number;
  /** Loss, in percent, of the consumers admitted before the overload began, over the window. */
  admittedLossPct: number;
  /** The worker's CPU over the window, fraction of one core (NaN when it did not answer). */
  workerCpu: number;
}

const SUITE = 'AEAD_AES_256_GCM' as const;
/** After the last arrival was offered, before the counted window. */
const SETTLE_MS = 3000;
const srtp = () => ({ cryptoSuite: SUITE, keyBase64: randomBytes(44).toString('base64') });

/**
 * One worker with half its measured capacity of consumers (each on its own SRTP plain transport,
 * receiving the audio and the top video layer, as in sfu-fanout); then newcomers arrive at a
 * steady pace until twice the capacity has been offered. Counted at two sinks: what the first
 * half receives once all were offered — with admission control, and without it (no ceiling).
 */
async function run(admission: boolean, o: OverloadOptions): Promise<Run> {
  const gateway = await MediasoupGateway.start(
    testMediaConfig({ numWorkers: 1, peersPerRouter: 100_000, maxWorkerLoad: admission ? o.maxWorkerLoad : 100 }),
    pino({ level: 'silent' }),
  );
  const [firstSink, laterSink] = await Promise.all([UdpSink.start(4), UdpSink.start(4)]);
  const publisher = new Publisher();
  try {
    const room = (await gateway.openRoom('overload')) as MediaRoom;
    const rtpCapabilities = (await room.rtpCapabilities()) as RtpCapabilities;
    room.addPeer('publisher', { rtpCapabilities, canProduce: true });
    const input = await room.createPlainTransport('publisher', 'send');
    const producers = [
      await room.produce('publisher', {
        transportId: input.id,
        kind: 'audio',
        source: 'mic',
        rtpParameters: PRODUCER_PARAMETERS.audio as RtpParameters,
      }),
      await room.produce('publisher', {
        transportId: input.id,
        kind: 'video',
        source: 'camera',
        rtpParameters: PRODUCER_PARAMETERS.video as RtpParameters,
      }),
    ];
    let n = 0;
    const addConsumer = async (sink: UdpSink) => {
      const peerId = `consumer-${n++}`;
      room.addPeer(peerId, { rtpCapabilities, canProduce: false });
      const t = await room.createPlainTransport(peerId, 'recv', { srtp: SUITE });
      await room.connectPlainTransport(peerId, t.id, {
        ip: '127.0.0.1',
        port: sink.ports[n % sink.ports.length] as number,
        srtpParameters: srtp(),
      });
      for (const { producerId } of producers) {
        const consumer = await room.consume(peerId, { transportId: t.id, producerId });
        await room.setConsumerPaused(peerId, consumer.id, false);
      }
    };
    const first = Math.floor(o.capacity / 2);
    for (let i = 0; i < first; i++) await addConsumer(firstSink);
    publisher.start(input, input);
    await sleep(3000);

    const worker = gateway.pool.slots[0]?.worker as NonNullable<(typeof gateway.pool.slots)[0]>['worker'];
    // A starved worker may not answer for long: its CPU is then unknown (NaN), not waited for.
    const cpu = () =>
      Promise.race([
        worker.getResourceUsage().then((u) => u.ru_utime + u.ru_stime),
        sleep(2000).then(() => Number.NaN),
      ]);
    // Newcomers arrive on a schedule, each without waiting for the one before (a join storm).
    const offered = 2 * o.capacity - first;
    let admitted = 0;
    let refused = 0;
    let failed = 0;
    const startedAt = performance.now();
    Array.from({ length: offered }, (_, i) =>
      sleep((i * 1000) / o.arrivalsPerSecond).then(() =>
        addConsumer(laterSink).then(
          () => admitted++,
          (err: { code?: string }) => {
            if (err.code === 'UNAVAILABLE') refused++;
            else failed++;
          },
        ),
      ),
    );
    // Everyone offered, and a moment for the admitted to flow; then the counted window.
    await sleep(Math.max(0, startedAt + (offered * 1000) / o.arrivalsPerSecond + SETTLE_MS - performance.now()));
    const before = {
      sent: structuredClone(publisher.sent),
      at: performance.now(),
      cpu: await cpu(),
      sink: await firstSink.counts(),
    };
    await sleep(o.windowMs);
    // Packets in flight at the window's edge reach the sink shortly after.
    const sentAtEnd = structuredClone(publisher.sent);
    const endAt = performance.now();
    const cpuAtEnd = await cpu();
    await sleep(250);
    const received = (await firstSink.counts()).packets - before.sink.packets;
    // Arrivals a starved worker has not answered by now are counted as pending, and end when it closes.
    const pending = offered - admitted - refused - failed;
    // The video layer every consumer is sent is the top one (no bandwidth limit on loopback).
    const expected =
      first * (sentAtEnd.audio - before.sent.audio + (sentAtEnd.video[2] ?? 0) - (before.sent.video[2] ?? 0));
    return {
      admission,
      first,
      offered,
      admitted,
      refused,
      failed,
      pending,
      admittedLossPct: Number((Math.max(0, 1 - received / expected) * 100).toFixed(2)),
      workerCpu: Number(((cpuAtEnd - before.cpu) / (endAt - before.at)).toFixed(3)),
    };
  } finally {
    publisher.stop();
    firstSink.stop();
    laterSink.stop();
    await gateway.close();
    await sleep(300);
  }
}

/**
 * overload: twice one worker's measured capacity offered to it, with admission control and then
 * without (same run). The figure is the loss of those admitted before the overload began.
 */
export async function overload(o: OverloadOptions) {
  const runs = [await run(true, o), await run(false, o)];
  for (const r of runs) {
    process.stderr.write(
      `  admission ${r.admission ? 'on' : 'off'}: loss of the first ${r.first} ${r.admittedLossPct}%, ` +
        `${r.admitted} of ${r.offered} more admitted, ${r.refused} refused, ${r.pending} pending, worker ${Math.round(r.workerCpu * 100)}%\n`,
    );
  }
  const [on, off] = runs as [Run, Run];
  return {
    table: runs.map((r) => ({
      admission: r.admission ? 'on' : 'off',
      'first admitted': r.first,
      offered: r.offered,
      admitted: r.admitted,
      refused: r.refused,
      pending: r.pending,
      'loss of the first %': r.admittedLossPct,
      'worker CPU %': Math.round(r.workerCpu * 100),
    })),
    data: {
      options: o,
      admittedLossPct: on.admittedLossPct,
      admitted: on.admitted,
      refused: on.refused,
      withoutAdmission: { admittedLossPct: off.admittedLossPct, admitted: off.admitted },
      runs,
    },
  };
}
