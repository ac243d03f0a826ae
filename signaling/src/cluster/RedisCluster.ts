import { NotFound } from '@yishi/shared';
import type { MediaRoomApi } from '@yishi/sfu';
import type { Logger } from 'pino';
import type { ServerOptions } from 'socket.io';
import type { RedisKeys } from '../redis/keys.js';
import type { Cluster, RemoteRoom, RoomHooks } from './Cluster.js';
import { NodeLink } from './NodeLink.js';
import { RemoteMedia } from './RemoteMedia.js';
import { redisSocketAdapter } from './socketAdapter.js';

/** How often open rooms look for nodes that stopped heartbeating (see NodeLink). */
const SWEEP_MS = 3_000;

/**
 * Several nodes sharing one Redis: Socket.IO's broadcasts go through a Redis stream, and each
 * room's media spans the nodes that host its participants (RemoteMedia over a NodeLink). Other
 * nodes' notices and pipe requests reach a room here once it has started, until it closes.
 */
export class RedisCluster implements Cluster {
  readonly socketAdapter: ServerOptions['adapter'];
  readonly #link: NodeLink;
  readonly #adapter: Awaited<ReturnType<typeof redisSocketAdapter>>;
  readonly #log: Logger;
  /** The rooms open on this node, by session id. */
  readonly #rooms = new Map<string, RemoteMedia>();
  readonly #sweeper: NodeJS.Timeout;

  static async open(url: string, keys: RedisKeys, log: Logger): Promise<RedisCluster> {
    const link = await NodeLink.open(url, keys, log);
    try {
      return new RedisCluster(link, await redisSocketAdapter(url, keys), log);
    } catch (err) {
      await link.close();
      throw err;
    }
  }

  private constructor(link: NodeLink, adapter: Awaited<ReturnType<typeof redisSocketAdapter>>, log: Logger) {
    this.#link = link;
    this.#adapter = adapter;
    this.socketAdapter = adapter.adapter;
    this.#log = log;
    link.onNotice((notice) => this.#rooms.get(notice.sessionId)?.hear(notice));
    link.serve(async (call, from) => {
      const room = this.#rooms.get(call.sessionId);
      if (!room) throw new NotFound(`room ${call.sessionId} is not open on this node`);
      return room.pipeOut(call, from);
    });
    this.#sweeper = setInterval(() => {
      for (const room of this.#rooms.values()) {
        room.sweep().catch((err: unknown) => this.#log.warn({ err }, 'could not sweep gone nodes'));
      }
    }, SWEEP_MS);
    this.#sweeper.unref();
  }

  get nodeId(): string {
    return this.#link.nodeId;
  }

  remote(sessionId: string, media: MediaRoomApi, room: RoomHooks, log: Logger): RemoteRoom {
    return new RemoteMedia(sessionId, media, this.#link, room, this.#rooms, log);
  }

  startHeartbeat(load: () => Record<string, number>): Promise<void> {
    return this.#link.startHeartbeat(load);
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    await this.#adapter.close();
    await this.#link.close();
  }
}
