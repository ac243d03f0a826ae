import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { NotFound, Unavailable } from '@yishi/shared';
import { MEDIA_CODECS, type MediaConfig } from './config.js';
import type { WorkerPool, WorkerSlot } from './WorkerPool.js';

/** A router of the room and the worker it is on; a peer's transports all live on one. */
export interface Placement {
  slot: WorkerSlot;
  router: types.Router;
}

/** The room's first router, where every audio producer is observed for the active speaker. */
export interface RouterHome extends Placement {
  speakerObserver: types.ActiveSpeakerObserver;
}

/** A router added when the room outgrew its first, and how many peers it holds. */
type Spread = Placement & { peers: number };

interface Hooks {
  /** The first router's observer named a new dominant speaker. */
  dominantSpeaker(peerId: string): void;
  /** A worker under the room died: every peer's media is gone (called before the other routers close). */
  lost(): void;
  /** The room starts again on a new first router: peers must re-create their media. */
  rehomed(): void;
}

/**
 * The routers of one room: the first, on the least-loaded worker, and those added when the room
 * outgrows `peersPerRouter` (on workers the room is not on yet), joined with `pipeToRouter`. A
 * producer is piped to another router when first needed there. When a worker under the room dies
 * the set starts again with one router on a live worker (see `#onRouterLost`).
 */
export class RouterSet {
  readonly #pool: WorkerPool;
  readonly #config: MediaConfig;
  readonly #log: Logger;
  readonly #hooks: Hooks;
  #home: Promise<RouterHome>;
  /** Peers placed on the first router. */
  #homePeers = 0;
  /** Routers added when the room outgrew the first, with how many peers each holds. */
  #extra: Spread[] = [];
  #placing: Promise<unknown> = Promise.resolve();
  #placements = new Map<string, Promise<Placement>>();
  /** The router each producer was made on (piped copies elsewhere are made on demand). */
  #sourceRouter = new Map<string, types.Router>();
  /** Producer-to-router pipes made so far, by `${producerId} ${routerId}`. */
  #piped = new Map<string, Promise<unknown>>();
  /** Bumped by every reset, so late events of routers from before it are ignored. */
  #generation = 0;
  #closed = false;

  constructor(pool: WorkerPool, config: MediaConfig, log: Logger, hooks: Hooks) {
    this.#pool = pool;
    this.#config = config;
    this.#log = log;
    this.#hooks = hooks;
    this.#home = this.#createHome();
  }

  /** The first router (a new one after a reset: ask again rather than keep it). */
  get home(): Promise<RouterHome> {
    return this.#home;
  }

  /** The router `peerId`'s transports live on: chosen at its first transport, for good. */
  placementOf(peerId: string): Promise<Placement> {
    let placement = this.#placements.get(peerId);
    if (!placement) {
      placement = this.#place();
      this.#placements.set(peerId, placement);
      placement.catch(() => this.#placements.delete(peerId));
    }
    return placement;
  }

  /** The peer left: its place on its router is free again. */
  release(peerId: string): void {
    const placement = this.#placements.get(peerId);
    this.#placements.delete(peerId);
    const generation = this.#generation;
    void placement?.then(
      ({ router }) => {
        if (generation !== this.#generation) return; // counts were reset since
        const extra = this.#extra.find((e) => e.router === router);
        if (extra) extra.peers--;
        else this.#homePeers--;
      },
      () => undefined,
    );
  }

  /** `producer` was made on `router`: others get it from there, until it closes. */
  addSource(producer: types.Producer, router: types.Router): void {
    this.#sourceRouter.set(producer.id, router);
    producer.observer.on('close', () => this.#sourceRouter.delete(producer.id));
  }

  /** Makes `producerId` available on `router`, piping it from the router it lives on once. */
  async ensureOn(producerId: string, router: types.Router): Promise<void> {
    const source = this.#sourceRouter.get(producerId) ?? (await this.#home).router;
    if (source === router) return;
    const key = `${producerId} ${router.id}`;
    let piped = this.#piped.get(key);
    if (!piped) {
      // Forgotten when the piped copy closes (with its producer, piped in or local): asked again,
      // it is piped anew rather than served from a dead entry.
      piped = source.pipeToRouter({ producerId, router }).then(({ pipeProducer }) => {
        pipeProducer?.observer.once('close', () => this.#piped.delete(key));
      });
      this.#piped.set(key, piped);
      piped.catch(() => this.#piped.delete(key));
    }
    await piped;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeExtra();
    this.#home.then(
      ({ slot, router }) => {
        if (!router.closed) slot.routers--;
        router.close();
      },
      () => undefined,
    );
  }

  /**
   * The first router while it has room, then an added one with room, else a new router on a
   * worker the room is not on yet (spreading onto the same worker gains nothing, and mediasoup
   * refuses to pipe between routers of one worker); with every worker in use, the router of the
   * room with the fewest peers takes the peer. Only workers that admit newcomers (below
   * `maxWorkerLoad`) are considered: with none, the peer's media is refused, and those already in
   * keep their quality. One placement at a time, so two never race to spread.
   */
  #place(): Promise<Placement> {
    const placed = this.#placing.then(async () => {
      const home = await this.#home;
      const limit = this.#config.peersPerRouter;
      const routers: Spread[] = [{ slot: home.slot, router: home.router, peers: this.#homePeers }, ...this.#extra];
      const admitting = routers.filter((r) => this.#pool.admits(r.slot));
      let chosen = admitting.find((r) => r.peers < limit);
      if (!chosen) {
        const used = new Set(routers.map((r) => r.slot));
        const free = this.#pool.slots
          .filter((s) => !used.has(s) && this.#pool.admits(s))
          .sort((a, b) => a.routers - b.routers)[0];
        chosen = free ? await this.#spreadTo(free) : admitting.sort((a, b) => a.peers - b.peers)[0];
      }
      if (!chosen) {
        throw new Unavailable(
          'the media server is at capacity: camera and microphone cannot be connected now; comments and the speaking queue still work — try again in a minute',
        );
      }
      if (chosen.router === home.router) {
        this.#homePeers++;
        return home;
      }
      const spread = this.#extra.find((e) => e.router === chosen.router) as Spread;
      spread.peers++;
      return spread;
    });
    this.#placing = placed.catch(() => undefined);
    return placed;
  }

  async #spreadTo(slot: WorkerSlot): Promise<Spread> {
    const generation = this.#generation;
    const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    slot.routers++;
    router.on('workerclose', () => this.#onRouterLost(slot, generation));
    if (generation !== this.#generation || this.#closed) {
      router.close();
      slot.routers--;
      throw new NotFound('the room was reset while it grew');
    }
    const spread = { slot, router, peers: 0 };
    this.#extra.push(spread);
    this.#log.info({ slot: slot.index, routers: this.#extra.length + 1 }, 'room spread to another worker');
    return spread;
  }

  #closeExtra(): void {
    for (const { slot, router } of this.#extra) {
      if (!router.closed) slot.routers--;
      router.close();
    }
    this.#extra = [];
    this.#homePeers = 0;
    this.#placements.clear();
    this.#sourceRouter.clear();
    this.#piped.clear();
  }

  async #createHome(): Promise<RouterHome> {
    const slot = await this.#pool.pick();
    const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    slot.routers++;
    const speakerObserver = await router.createActiveSpeakerObserver({ interval: 300 });
    speakerObserver.on('dominantspeaker', ({ producer }) => {
      const peerId = (producer.appData as { peerId?: string }).peerId;
      if (peerId) this.#hooks.dominantSpeaker(peerId);
    });
    const generation = this.#generation;
    router.on('workerclose', () => this.#onRouterLost(slot, generation));
    this.#log.debug({ slot: slot.index, routerId: router.id }, 'room router created');
    return { slot, router, speakerObserver };
  }

  /**
   * A worker under the room died: start again on live workers (one router, spreading again as
   * peers come back). Routers of the room on other workers are closed too, so that no peer is
   * left with half its media.
   */
  #onRouterLost(slot: WorkerSlot, generation: number): void {
    slot.routers--;
    if (this.#closed || generation !== this.#generation) return;
    this.#generation++;
    this.#hooks.lost();
    const extra = this.#extra.filter((e) => e.slot !== slot);
    this.#extra = extra;
    this.#closeExtra();
    const lostHome = this.#home;
    void lostHome.then(({ slot: homeSlot, router }) => {
      if (homeSlot !== slot && !router.closed) {
        homeSlot.routers--;
        router.close();
      }
    });
    this.#home = this.#createHome();
    this.#home.catch((err: unknown) => this.#log.error({ err }, 'could not re-home room after worker death'));
    this.#log.warn({ slot: slot.index }, 'room lost its worker; re-homed, peers must reconnect media');
    this.#hooks.rehomed();
  }
}
