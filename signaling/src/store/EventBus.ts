import { createClient } from 'redis';
import type { RedisKeys } from './redisKeys.js';

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

/**
 * Appends announced by the store's append script on the `appended` channel (published inside
 * the same atomic script, so a node that hears of version v can read it). Pub/sub loses what is
 * published while a node is disconnected; the node catches up on the next announcement or when a
 * session is loaded, since the store itself is the truth.
 */
export class RedisEventBus implements EventBus {
  readonly #client: ReturnType<typeof createClient>;
  readonly #channel: string;
  readonly #listeners: Array<(sessionId: string, version: number) => void> = [];
  #closed = false;

  static async open(url: string, keys: RedisKeys): Promise<RedisEventBus> {
    const client = createClient({ url, socket: { connectTimeout: 5_000 } });
    client.on('error', () => {});
    await client.connect();
    const bus = new RedisEventBus(client, keys.appended);
    await client.subscribe(keys.appended, (message) => bus.#hear(message));
    return bus;
  }

  private constructor(client: ReturnType<typeof createClient>, channel: string) {
    this.#client = client;
    this.#channel = channel;
  }

  subscribe(listener: (sessionId: string, version: number) => void): void {
    this.#listeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.unsubscribe(this.#channel).catch(() => {});
    await this.#client.close();
  }

  #hear(message: string): void {
    const space = message.indexOf(' ');
    const version = Number(message.slice(0, space));
    const sessionId = message.slice(space + 1);
    if (!Number.isSafeInteger(version) || sessionId.length === 0) return;
    for (const listener of this.#listeners) listener(sessionId, version);
  }
}
