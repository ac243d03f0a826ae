import type { Logger } from 'pino';
import { type RedisClient, redisClient } from '../redis/client.js';
import type { RedisKeys } from '../redis/keys.js';

/** The window connections are counted in. */
const WINDOW_MS = 60_000;

/**
 * How often one person (token subject) may connect, counted over every node: a client
 * reconnecting on a flapping link stays well under it; a stolen or scripted token opening
 * connection after connection (each handshake costs a JWT check and a room attach) does not.
 * Requests on a connection have their own per-connection limit (TokenBucket).
 */
export interface ConnectLimiter {
  /** Counts one connection of `person`; false when over the limit for this minute. */
  allow(person: string): Promise<boolean>;
  close(): Promise<void>;
}

/** One node alone: a count per person and minute, in memory. */
export class MemoryConnectLimiter implements ConnectLimiter {
  readonly #max: number;
  readonly #now: () => number;
  #window = -1;
  #counts = new Map<string, number>();

  constructor(max: number, now: () => number = Date.now) {
    this.#max = max;
    this.#now = now;
  }

  async allow(person: string): Promise<boolean> {
    const window = Math.floor(this.#now() / WINDOW_MS);
    if (window !== this.#window) {
      this.#window = window;
      this.#counts = new Map(); // last minute's counts are no longer needed
    }
    const count = (this.#counts.get(person) ?? 0) + 1;
    this.#counts.set(person, count);
    return count <= this.#max;
  }

  async close(): Promise<void> {}
}

/**
 * Several nodes: the count lives in Redis (a key per person and minute, expiring after it), so
 * connecting through different nodes counts once. While Redis cannot be reached, connections are
 * let through: the limit is a guard, and refusing everyone would be the worse failure.
 */
export class RedisConnectLimiter implements ConnectLimiter {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  readonly #max: number;
  readonly #log: Logger;

  private constructor(client: RedisClient, keys: RedisKeys, max: number, log: Logger) {
    this.#client = client;
    this.#keys = keys;
    this.#max = max;
    this.#log = log;
  }

  static async open(url: string, keys: RedisKeys, max: number, log: Logger): Promise<RedisConnectLimiter> {
    const client = redisClient(url); // its failures reach allow(), which lets the connection through
    await client.connect();
    return new RedisConnectLimiter(client, keys, max, log.child({ module: 'connect-limit' }));
  }

  async allow(person: string): Promise<boolean> {
    const key = this.#keys.connects(person, Math.floor(Date.now() / WINDOW_MS));
    try {
      const [count] = await this.#client
        .multi()
        .incr(key)
        .pExpire(key, WINDOW_MS * 2)
        .exec();
      return Number(count) <= this.#max;
    } catch (err) {
      this.#log.warn({ err }, 'connection limit not checked (Redis unreachable); letting the connection through');
      return true;
    }
  }

  async close(): Promise<void> {
    this.#client.destroy(); // counts in flight do not matter once the node stops
  }
}
