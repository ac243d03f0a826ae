import { Unavailable } from '@yishi/shared';
import type { Logger } from 'pino';
import type { MediaGateway } from '@yishi/sfu';
import type { SessionService } from '../sessions/SessionService.js';
import type { Channels } from './channels.js';
import { Room, type RoomOptions } from './Room.js';

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
  readonly #channels: Channels;
  readonly #log: Logger;
  readonly #options: RoomOptions;
  readonly #entries = new Map<string, Entry>();
  #draining = false;
  #closed = false;

  constructor(gateway: MediaGateway, sessions: SessionService, channels: Channels, log: Logger, options: RoomOptions) {
    this.#gateway = gateway;
    this.#sessions = sessions;
    this.#channels = channels;
    this.#log = log;
    this.#options = options;
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
        const opened = new Room(roomId, media, this.#sessions, this.#channels, this.#log, this.#options);
        try {
          await opened.start();
        } catch (err) {
          opened.close();
          throw err;
        }
        // Closed meanwhile (the server is stopping): nobody will detach it.
        if (this.#closed) opened.close();
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

  /** Refuses new connections and closes every room still open (the server is stopping). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.drain();
    for (const entry of this.#entries.values()) entry.opened?.close();
    this.#entries.clear();
  }
}
