import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { Unavailable } from '@yishi/shared';
import type { MediaConfig } from './config.js';
import { Emitter } from '@yishi/shared';

/** One worker and its WebRtcServer; the slot survives the worker's death and gets a new one. */
export interface WorkerSlot {
  readonly index: number;
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
  /** Routers currently placed on this worker: the load measure for placing new rooms. */
  routers: number;
  /** The worker's CPU over the last second, as a fraction of one core; 1 while it does not answer. */
  load: number;
}

type PoolEvents = {
  /** A worker died; its routers (and everything on them) are already closed. */
  workerDied: [slot: number, error: Error];
  /** A replacement worker is up in this slot. */
  workerRespawned: [slot: number];
};

const RESPAWN_DELAY_MS = [0, 500, 2000, 5000, 10000];
const PICK_TIMEOUT_MS = 15000;
/** How often each worker's CPU is read (its own rusage, over its control channel). */
const LOAD_SAMPLE_MS = 1000;

/**
 * One mediasoup worker per core, each with a WebRtcServer so that all its transports share one
 * UDP and one TCP port (simple firewall rules at field sites). A dead worker is respawned in
 * place, with a growing delay if it keeps dying.
 */
export class WorkerPool extends Emitter<PoolEvents> {
  readonly #config: MediaConfig;
  readonly #log: Logger;
  readonly #slots: Array<WorkerSlot | undefined> = [];
  #deaths: number[] = [];
  /** The last CPU reading of each live worker, and whether one is still awaited. */
  readonly #cpu = new WeakMap<WorkerSlot, { ms: number; at: number; pending: boolean }>();
  #sampler: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(config: MediaConfig, log: Logger) {
    super();
    this.#config = config;
    this.#log = log.child({ module: 'worker-pool' });
  }

  /** Starts every worker; resolves once all are ready to take routers. */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.#config.numWorkers }, (_, i) => this.#spawn(i)));
    this.#sampler = setInterval(() => this.#sampleLoads(), LOAD_SAMPLE_MS);
    this.#sampler.unref();
    this.#log.info({ workers: this.#config.numWorkers }, 'mediasoup workers ready');
  }

  /** Whether a worker may take a new peer (see MediaConfig.maxWorkerLoad). */
  admits(slot: WorkerSlot): boolean {
    return !slot.worker.closed && slot.load < this.#config.maxWorkerLoad;
  }

  /**
   * Reads each worker's CPU time. A worker whose previous reading has not come back within the
   * interval is saturated: its control channel waits behind media, so it counts as fully loaded.
   */
  #sampleLoads(): void {
    for (const slot of this.slots) {
      const last = this.#cpu.get(slot);
      if (last?.pending) {
        slot.load = 1;
        continue;
      }
      if (last) last.pending = true;
      slot.worker.getResourceUsage().then(
        (usage) => {
          const ms = usage.ru_utime + usage.ru_stime;
          const at = performance.now();
          if (last && at > last.at) slot.load = (ms - last.ms) / (at - last.at);
          this.#cpu.set(slot, { ms, at, pending: false });
        },
        () => undefined, // a closed worker: its slot is respawned and sampled anew
      );
    }
  }

  /** Live slots, for tests and metrics. */
  get slots(): readonly WorkerSlot[] {
    return this.#slots.filter((s): s is WorkerSlot => s !== undefined);
  }

  get ready(): boolean {
    return !this.#closed && this.slots.length === this.#config.numWorkers;
  }

  /** The live worker with the fewest routers; waits a while if every worker is being respawned. */
  async pick(): Promise<WorkerSlot> {
    const deadline = Date.now() + PICK_TIMEOUT_MS;
    for (;;) {
      if (this.#closed) throw new Unavailable('media server is shutting down');
      // A worker can be closed while still in its slot: mediasoup closes its routers (whose rooms
      // then re-home through here) before it emits the `died` that empties the slot.
      // Fewest routers among the workers that admit newcomers, else among all.
      const live = this.slots.filter((s) => !s.worker.closed);
      const admitting = live.filter((s) => this.admits(s));
      const best = (admitting.length > 0 ? admitting : live).reduce<WorkerSlot | undefined>(
        (a, s) => (a === undefined || s.routers < a.routers ? s : a),
        undefined,
      );
      if (best) return best;
      if (Date.now() > deadline) throw new Unavailable('no media worker available');
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.off('workerRespawned', done);
          resolve();
        };
        const timer = setTimeout(done, 250);
        this.on('workerRespawned', done);
      });
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sampler);
    for (const slot of this.slots) slot.worker.close();
    this.#slots.length = 0;
    this.removeAllListeners();
  }

  async #spawn(index: number): Promise<void> {
    const config = this.#config;
    const worker = await mediasoup.createWorker({ logLevel: config.workerLogLevel });
    if (this.#closed) {
      worker.close();
      return;
    }
    const port = config.basePort === 0 ? undefined : config.basePort + index;
    const listen = (protocol: 'udp' | 'tcp'): types.TransportListenInfo => ({
      protocol,
      ip: config.listenIp,
      ...(config.announcedAddress ? { announcedAddress: config.announcedAddress } : {}),
      ...(port === undefined ? {} : { port }),
    });
    const webRtcServer = await worker.createWebRtcServer({ listenInfos: [listen('udp'), listen('tcp')] });
    // close() may have run while the WebRtcServer was being created; it could not see this worker.
    if (this.#closed) {
      worker.close();
      return;
    }
    const slot: WorkerSlot = { index, worker, webRtcServer, routers: 0, load: 0 };
    this.#slots[index] = slot;
    worker.on('died', (error) => this.#onDied(slot, error));
    this.#log.info({ slot: index, pid: worker.pid, port: port ?? 'auto' }, 'mediasoup worker started');
  }

  #onDied(slot: WorkerSlot, error: Error): void {
    if (this.#closed || this.#slots[slot.index] !== slot) return;
    this.#slots[slot.index] = undefined;
    // Deaths in the last minute choose how long to wait, so a crash loop cannot spin the CPU.
    const now = Date.now();
    this.#deaths = [...this.#deaths.filter((t) => now - t < 60_000), now];
    const delay = RESPAWN_DELAY_MS[Math.min(this.#deaths.length, RESPAWN_DELAY_MS.length) - 1] ?? 0;
    this.#log.error(
      { slot: slot.index, pid: slot.worker.pid, err: error, respawnInMs: delay },
      'mediasoup worker died',
    );
    this.emit('workerDied', slot.index, error);
    const respawn = () => {
      // No new process once the pool is shut down (the timer may outlive close()).
      if (this.#closed) return;
      this.#spawn(slot.index).then(
        () => this.emit('workerRespawned', slot.index),
        (err: unknown) => {
          this.#log.error({ slot: slot.index, err }, 'mediasoup worker respawn failed; retrying');
          setTimeout(respawn, RESPAWN_DELAY_MS.at(-1));
        },
      );
    };
    setTimeout(respawn, delay);
  }
}
