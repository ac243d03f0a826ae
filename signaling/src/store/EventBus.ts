import { type RedisClient, redisClient } from '../redis/client.js';
import type { RedisKeys } from '../redis/keys.js';

/** Tells a node that a session's log grew, wherever the append happened. */
export interface EventBus {
  /** `listener` hears of every append (session id, its new version), this node's own included. */
  subscribe(listener: (sessionId: string, version: number) => void): void;
  close(): Promise<void>;
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
 * the same atomic script, so a node that hears of version v can read it). Pub/sub loses what is
 * published while a node is disconnected (Redis restarting, say): when the connection is back and
 * subscribed again, the bus reads every session's current version (`versions`) and tells its
 * listeners as if each had been announced — a listener already at that version ignores it — so a
 * node catches up by itself, without waiting for the session's next append.
 */
export class RedisEventBus implements EventBus {
  readonly #client: RedisClient;
  readonly #channel: string;
  readonly #versions: (() => Promise<Map<string, number>>) | undefined;
  readonly #listeners: Array<(sessionId: string, version: number) => void> = [];
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

  subscribe(listener: (sessionId: string, version: number) => void): void {
    this.#listeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.unsubscribe(this.#channel).catch(() => {});
    await this.#client.close().catch(() => {});
  }

  #hear(message: string): void {
    const space = message.indexOf(' ');
    const version = Number(message.slice(0, space));
    const sessionId = message.slice(space + 1);
    if (!Number.isSafeInteger(version) || sessionId.length === 0) return;
    this.#tell(sessionId, version);
  }

  #tell(sessionId: string, version: number): void {
    for (const listener of this.#listeners) listener(sessionId, version);
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
