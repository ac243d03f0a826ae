import { NotFound, Unavailable } from '@yishi/shared';
import type { Logger } from 'pino';
import type { MediaGateway } from '@yishi/sfu';
import type { SessionService } from '../sessions/SessionService.js';
import type { YishiServer } from '../socket/types.js';
import { Room, type RoomOptions } from './Room.js';

/** How often open rooms look for nodes that stopped heartbeating (see NodeLink). */
const SWEEP_MS = 3_000;

interface Entry {
  room: Promise<Room>;
  /** Connections attached to the room, joined or not; the room closes when the last one goes. */
  connections: number;
  opened?: Room;
}

/** The rooms of this process, opened on the first connection and closed after the last. */
export class RoomRegistry {
  readonly #gateway: MediaGateway;
  readonly #sessions: SessionService;
  readonly #io: YishiServer;
  readonly #log: Logger;
  readonly #options: RoomOptions;
  readonly #entries = new Map<string, Entry>();
  #sweeper: NodeJS.Timeout | undefined;
  #draining = false;

  constructor(gateway: MediaGateway, sessions: SessionService, io: YishiServer, log: Logger, options: RoomOptions) {
    this.#gateway = gateway;
    this.#options = options;
    // Other nodes' media notices reach the room here if it is open; their pipe requests too.
    options.link?.onNotice((notice) => this.#entries.get(notice.sessionId)?.opened?.hear(notice));
    options.link?.serve(async (call, from) => {
      const room = this.#entries.get(call.sessionId)?.opened;
      if (!room) throw new NotFound(`room ${call.sessionId} is not open on this node`);
      return room.pipeOut(call, from);
    });
    if (options.link) {
      this.#sweeper = setInterval(() => {
        for (const entry of this.#entries.values()) {
          entry.opened?.sweepRemote().catch((err: unknown) => this.#log.warn({ err }, 'could not sweep gone nodes'));
        }
      }, SWEEP_MS);
      this.#sweeper.unref();
    }
    this.#sessions = sessions;
    this.#io = io;
    this.#log = log;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Peers joined across all rooms (metrics). */
  peerCount(): number {
    let n = 0;
    for (const entry of this.#entries.values()) n += entry.opened?.size ?? 0;
    return n;
  }

  /** Refuses new connections from now on (the node is shutting down; clients go to another). */
  drain(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Counts a connection in and returns its room, opening the room's media if needed. */
  async attach(roomId: string): Promise<Room> {
    if (this.#draining) throw new Unavailable('this server is shutting down; reconnect to continue');
    let entry = this.#entries.get(roomId);
    if (!entry) {
      const room = Promise.all([this.#gateway.openRoom(roomId), this.#sessions.get(roomId)]).then(async ([media]) => {
        const opened = new Room(roomId, media, this.#sessions, this.#io, this.#log, this.#options);
        try {
          await opened.start();
        } catch (err) {
          opened.close();
          throw err;
        }
        return opened;
      });
      const created: Entry = { room, connections: 0 };
      this.#entries.set(roomId, created);
      room.then(
        (opened) => {
          created.opened = opened;
        },
        () => {
          if (this.#entries.get(roomId) === created) this.#entries.delete(roomId);
        },
      );
      entry = created;
    }
    entry.connections++;
    return entry.room;
  }

  /** Stops looking for gone nodes (the server is closing). */
  close(): void {
    clearInterval(this.#sweeper);
  }

  /** Counts a connection out; the last one out closes the room and its media. */
  detach(room: Room): void {
    const entry = this.#entries.get(room.id);
    if (!entry) return;
    entry.connections--;
    if (entry.connections > 0) return;
    this.#entries.delete(room.id);
    room.close();
    this.#log.debug({ roomId: room.id }, 'room closed (no connections left)');
  }
}
