import type { Logger } from 'pino';
import type { MediaConfig } from './config.js';
import type { MediaGateway } from './MediaGateway.js';
import { MediaRoom } from './MediaRoom.js';
import { WorkerPool } from './WorkerPool.js';

/** The MediaGateway backed by real mediasoup workers in this process. */
export class MediasoupGateway implements MediaGateway {
  readonly pool: WorkerPool;
  readonly #config: MediaConfig;
  readonly #log: Logger;
  readonly #rooms = new Map<string, Promise<MediaRoom>>();

  private constructor(config: MediaConfig, log: Logger) {
    this.#config = config;
    this.#log = log;
    this.pool = new WorkerPool(config, log);
  }

  /** Starts the worker pool; resolves when media is ready. */
  static async start(config: MediaConfig, log: Logger): Promise<MediasoupGateway> {
    const gateway = new MediasoupGateway(config, log);
    await gateway.pool.start();
    return gateway;
  }

  get ready(): boolean {
    return this.pool.ready;
  }

  /** Rooms with media right now (metrics). */
  get roomCount(): number {
    return this.#rooms.size;
  }

  openRoom(roomId: string): Promise<MediaRoom> {
    let room = this.#rooms.get(roomId);
    if (!room) {
      const forget = () => {
        if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId);
      };
      room = MediaRoom.open(roomId, this.pool, this.#config, this.#log, forget);
      this.#rooms.set(roomId, room);
      // A room that failed to open is not cached: the next join tries again.
      room.catch(forget);
    }
    return room;
  }

  async close(): Promise<void> {
    const rooms = await Promise.allSettled(this.#rooms.values());
    for (const r of rooms) if (r.status === 'fulfilled') r.value.close();
    this.pool.close();
  }
}
