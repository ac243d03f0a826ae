import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WorkerPool, type WorkerSlot } from '@yishi/sfu';
import { events, MediasoupTracker, testLogger, testMediaConfig, until } from '../support/media.js';

/** The pool's event map, restated here so the compiler checks the pool still emits these. */
type PoolEvents = { workerDied: [slot: number, error: Error]; workerRespawned: [slot: number] };

const tracker = new MediasoupTracker();
const pools: WorkerPool[] = [];

async function startPool(numWorkers: number): Promise<WorkerPool> {
  const pool = new WorkerPool(testMediaConfig({ numWorkers }), testLogger());
  pools.push(pool);
  await pool.start();
  return pool;
}

afterEach(() => {
  for (const pool of pools.splice(0)) pool.close();
});

afterAll(async () => {
  await tracker.expectAllWorkersGone();
});

describe('WorkerPool (real mediasoup workers)', () => {
  it('starts N workers, each with a WebRtcServer on loopback UDP and TCP ports chosen at run time', async () => {
    const pool = await startPool(2);

    expect(pool.ready).toBe(true);
    expect(pool.slots.map((s) => s.index)).toEqual([0, 1]);
    const pids = pool.slots.map((s) => s.worker.pid);
    expect(new Set(pids).size).toBe(2);
    for (const slot of pool.slots) {
      expect(slot.worker.closed).toBe(false);
      expect(slot.routers).toBe(0);
      const dump = await slot.webRtcServer.dump();
      expect(dump.udpSockets).toHaveLength(1);
      expect(dump.tcpServers).toHaveLength(1);
      for (const socket of [...dump.udpSockets, ...dump.tcpServers]) {
        expect(socket.ip).toBe('127.0.0.1');
        expect(socket.port).toBeGreaterThan(0);
      }
    }
  });

  it('pick() returns the live slot with the fewest routers', async () => {
    const pool = await startPool(3);
    const [a, b, c] = pool.slots;
    if (!a || !b || !c) throw new Error('expected three slots');

    a.routers = 2;
    b.routers = 0;
    c.routers = 1;
    expect((await pool.pick()).index).toBe(b.index);

    b.routers = 3;
    expect((await pool.pick()).index).toBe(c.index);

    c.routers = 5;
    expect((await pool.pick()).index).toBe(a.index);
  });

  it('a killed worker is reported dead, then respawned in the same slot with a new process', async () => {
    const pool = await startPool(2);
    const victim = pool.slots[1];
    if (!victim) throw new Error('expected two slots');
    const oldPid = victim.worker.pid;
    const survivorPid = pool.slots[0]?.worker.pid;
    const poolEvents = events<PoolEvents>(pool);
    const died = poolEvents.next('workerDied');
    const respawned = poolEvents.next('workerRespawned');

    process.kill(oldPid, 'SIGKILL');

    const [diedSlot, error] = await died;
    expect(diedSlot).toBe(1);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('SIGKILL');
    const [respawnedSlot] = await respawned;
    expect(respawnedSlot).toBe(1);

    expect(pool.ready).toBe(true);
    const replacement = pool.slots.find((s) => s.index === 1);
    expect(replacement?.worker.pid).toBeTypeOf('number');
    expect(replacement?.worker.pid).not.toBe(oldPid);
    expect(replacement?.worker.closed).toBe(false);
    expect(pool.slots.find((s) => s.index === 0)?.worker.pid).toBe(survivorPid);
    // The new worker really works: it can host a router behind its own WebRtcServer.
    const router = await replacement!.worker.createRouter({ mediaCodecs: [] });
    expect(router.closed).toBe(false);
    const dump = await replacement!.webRtcServer.dump();
    expect(dump.udpSockets[0]?.ip).toBe('127.0.0.1');
  });

  it('pick() never hands out a dead worker, even before the pool has processed the death', async () => {
    const pool = await startPool(1);
    const slot = pool.slots[0]!;
    const oldPid = slot.worker.pid;
    // A room re-homes from its router's `workerclose`, which mediasoup fires before the worker's
    // `died`: at that moment the dead worker is still in its slot.
    const router = await slot.worker.createRouter({ mediaCodecs: [] });
    const picked = new Promise<WorkerSlot>((resolve, reject) => {
      router.on('workerclose', () => pool.pick().then(resolve, reject));
    });

    process.kill(oldPid, 'SIGKILL');

    const next = await picked;
    expect(next.index).toBe(0);
    expect(next.worker.pid).not.toBe(oldPid);
    expect(next.worker.closed).toBe(false);
  });

  it('close() stops every worker process, is idempotent, and refuses further picks', async () => {
    const pool = await startPool(2);
    const workers = pool.slots.map((s) => s.worker);

    pool.close();
    expect(() => pool.close()).not.toThrow();

    expect(pool.ready).toBe(false);
    expect(pool.slots).toHaveLength(0);
    expect(workers.every((w) => w.closed)).toBe(true);
    await until(() => workers.every((w) => w.subprocessClosed), 'the worker processes exit');
    await expect(pool.pick()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('close() while workers are still starting leaves no worker process behind', async () => {
    const pool = new WorkerPool(testMediaConfig({ numWorkers: 2 }), testLogger());
    const started: types.Worker[] = [];
    // Close the pool at the worst moment: a worker is up and its WebRtcServer just created,
    // but the pool has not put it in its slot yet.
    const onWorker = (worker: types.Worker) => {
      started.push(worker);
      worker.observer.once('newwebrtcserver', () => pool.close());
    };
    mediasoup.observer.on('newworker', onWorker);
    try {
      await pool.start();
    } finally {
      mediasoup.observer.off('newworker', onWorker);
    }

    expect(started).toHaveLength(2);
    expect(pool.ready).toBe(false);
    expect(pool.slots).toHaveLength(0);
    await until(() => started.every((w) => w.subprocessClosed), 'every started worker process exits');
  });
});
