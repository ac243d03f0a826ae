import { type RedisClient, redisClient } from '../redis/client.js';
import type { RedisKeys } from '../redis/keys.js';
import type { EncodedEvent } from './events.js';
import type { StoredEvent } from './RoomStore.js';

/**
 * An append heard: the session, its version after it, and — when the announcement carried them —
 * the events appended (their versions end at `version`), so that a listener need not read them
 * back from the store. Without them (a large append, a catch-up after a reconnect) the listener
 * reads what it has not seen.
 */
export type AppendHeard = (sessionId: string, version: number, events?: readonly StoredEvent[]) => void;

/** Tells a node that a session's log grew, wherever the append happened. */
export interface EventBus {
  /** `listener` hears of every append, this node's own included. */
  subscribe(listener: AppendHeard): void;
  close(): Promise<void>;
}

/**
 * Events up to this much JSON travel in the announcement; a larger append (a finalized minutes'
 * frozen state, say) is announced without them and read from the store by whoever needs it.
 */
const ANNOUNCED_EVENTS_MAX_CHARS = 32 * 1024;

/**
 * The announcement of an append of `events` at `expectedVersion` (JSON: `v` the new version, `s`
 * the session, `e` the events as [type, at, data] — their data as stored, JSON spliced in as is).
 */
export function announcement(sessionId: string, expectedVersion: number, events: readonly EncodedEvent[]): string {
  const head = `{"v":${expectedVersion + events.length},"s":${JSON.stringify(sessionId)}`;
  let size = 0;
  for (const e of events) size += e.data.length + e.type.length;
  if (size > ANNOUNCED_EVENTS_MAX_CHARS) return `${head}}`;
  return `${head},"e":[${events.map((e) => `[${JSON.stringify(e.type)},${e.at},${e.data}]`).join(',')}]}`;
}

/** An announcement read back; undefined when it is not one. Malformed events are left out (the listener reads). */
export function parseAnnouncement(
  message: string,
): { sessionId: string; version: number; events?: StoredEvent[] } | undefined {
  let parsed: { v?: unknown; s?: unknown; e?: unknown };
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  const { v: version, s: sessionId, e } = parsed ?? {};
  if (!Number.isSafeInteger(version) || typeof sessionId !== 'string' || sessionId.length === 0) return undefined;
  const heard = { sessionId, version: version as number };
  if (!Array.isArray(e) || e.length === 0) return heard;
  const first = (version as number) - e.length + 1;
  const events: StoredEvent[] = [];
  for (const [i, item] of e.entries()) {
    if (!Array.isArray(item) || item.length !== 3 || typeof item[0] !== 'string' || !Number.isSafeInteger(item[1])) {
      return heard;
    }
    events.push({ version: first + i, type: item[0], at: item[1], data: item[2] });
  }
  return { ...heard, events };
}

/** One process, one store: every append is made here, so there is nothing to hear. */
export class LocalEventBus implements EventBus {
  subscribe(): void {}
  async close(): Promise<void> {}
}

/** After a failed catch-up read (the store's own connection may come back later than the bus's). */
const RESYNC_RETRY_MS = 500;

/**
 * Appends announced by the store's append script on the `appended` channel (published inside
 * the same atomic script, so a node that hears of version v can read it), with their events
 * unless the append was large (see `announcement`). Pub/sub loses what is
 * published while a node is disconnected (Redis restarting, say): when the connection is back and
 * subscribed again, the bus reads every session's current version (`versions`) and tells its
 * listeners as if each had been announced — a listener already at that version ignores it — so a
 * node catches up by itself, without waiting for the session's next append.
 */
export class RedisEventBus implements EventBus {
  readonly #client: RedisClient;
  readonly #channel: string;
  readonly #versions: (() => Promise<Map<string, number>>) | undefined;
  readonly #listeners: AppendHeard[] = [];
  #closed = false;
  /** A catch-up is running; `#again`: the connection came back once more meanwhile. */
  #resyncing = false;
  #again = false;

  /** `versions` reads every session's current version from the store (for catching up after a reconnect). */
  static async open(
    url: string,
    keys: RedisKeys,
    versions?: () => Promise<Map<string, number>>,
  ): Promise<RedisEventBus> {
    const client = redisClient(url);
    await client.connect();
    const bus = new RedisEventBus(client, keys.appended, versions);
    await client.subscribe(keys.appended, (message) => bus.#hear(message));
    // 'ready' comes again after every reconnect, once node-redis has subscribed again.
    client.on('ready', () => bus.#resync());
    return bus;
  }

  private constructor(client: RedisClient, channel: string, versions?: () => Promise<Map<string, number>>) {
    this.#client = client;
    this.#channel = channel;
    this.#versions = versions;
  }

  subscribe(listener: AppendHeard): void {
    this.#listeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.unsubscribe(this.#channel).catch(() => {});
    await this.#client.close().catch(() => {});
  }

  #hear(message: string): void {
    const heard = parseAnnouncement(message);
    if (heard) this.#tell(heard.sessionId, heard.version, heard.events);
  }

  #tell(sessionId: string, version: number, events?: readonly StoredEvent[]): void {
    for (const listener of this.#listeners) listener(sessionId, version, events);
  }

  /** Reads what may have been announced while disconnected (retrying until the store answers). */
  async #resync(): Promise<void> {
    if (!this.#versions) return;
    if (this.#resyncing) {
      this.#again = true;
      return;
    }
    this.#resyncing = true;
    try {
      do {
        this.#again = false;
        for (;;) {
          if (this.#closed) return;
          const versions = await this.#versions().catch(() => undefined);
          if (versions) {
            for (const [sessionId, version] of versions) this.#tell(sessionId, version);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, RESYNC_RETRY_MS));
        }
      } while (this.#again);
    } finally {
      this.#resyncing = false;
    }
  }
}
