import { announcement } from './EventBus.js';
import { checkInteger, checkStreamId, decodeEvent, encodeEvent, versionConflict } from './events.js';
import type { NewEvent, RoomStore, StoredEvent } from './RoomStore.js';
import { type RedisClient, redisClient, unavailable } from '../redis/client.js';
import { type RedisKeys, redisKeys } from '../redis/keys.js';

/**
 * Compare-and-append, atomic because Redis runs a script alone: if the session is at the
 * expected version, its events are added to its stream with ids `<version>-0`, the version is
 * set, a new session is listed, and the append is announced on the `appended` channel — in
 * that order, so a node that hears of version v can read it. The announcement is made by the
 * caller (it knows the new version: expected + the events), with the events in it (see
 * announcement in EventBus.ts), so that other nodes need not read them back.
 * KEYS: version, events, sessions, appended. ARGV: expected, sessionId, announcement, then
 * type/at/data per event. Returns { 1, newVersion } or { 0, currentVersion }.
 */
const APPEND = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local expected = tonumber(ARGV[1])
if current ~= expected then return { 0, current } end
local version = current
for i = 4, #ARGV, 3 do
  version = version + 1
  redis.call('XADD', KEYS[2], version .. '-0', 't', ARGV[i], 'a', ARGV[i + 1], 'd', ARGV[i + 2])
end
if version > current then
  redis.call('SET', KEYS[1], version)
  if current == 0 then redis.call('RPUSH', KEYS[3], ARGV[2]) end
  redis.call('PUBLISH', KEYS[4], ARGV[3])
end
return { 1, version }
`;

/**
 * The RoomStore of a deployment with several nodes: each session is a Redis stream plus a
 * version key, appended by one script (see APPEND). Durability is Redis's: with
 * `appendonly yes` and `appendfsync always` nothing acknowledged is lost in a crash; with
 * `everysec` up to a second of appends can be (README, "Redis"). While Redis cannot be reached
 * every call rejects at once with `Unavailable` (nothing waits in a queue to be written later); the
 * client reconnects by itself. An append whose connection broke after it was sent may still have
 * been made: unacknowledged, not necessarily absent, as with any store over a network.
 */
export class RedisRoomStore implements RoomStore {
  readonly #client: RedisClient;
  readonly #keys: RedisKeys;
  #closed = false;

  /** Connects to `url` (waiting until Redis can be reached); keys are under `prefix`. */
  static async open(url: string, prefix: string): Promise<RedisRoomStore> {
    const client = redisClient(url);
    await client.connect();
    return new RedisRoomStore(client, redisKeys(prefix));
  }

  private constructor(client: RedisClient, keys: RedisKeys) {
    this.#client = client;
    this.#keys = keys;
  }

  async load(streamId: string): Promise<StoredEvent[]> {
    return this.readRange(streamId, 1);
  }

  async append(streamId: string, expectedVersion: number, events: NewEvent[]): Promise<number> {
    checkStreamId(streamId);
    checkInteger('expectedVersion', expectedVersion, 0);
    this.#checkOpen();
    // Encoded before anything is sent: a bad event anywhere means nothing is written.
    const encoded = events.map(encodeEvent);
    const args = encoded.flatMap((e) => [e.type, String(e.at), e.data]);
    const k = this.#keys;
    const [ok, version] = (await unavailable(
      this.#client.eval(APPEND, {
        keys: [k.version(streamId), k.events(streamId), k.sessions, k.appended],
        arguments: [String(expectedVersion), streamId, announcement(streamId, expectedVersion, encoded), ...args],
      }),
    )) as [number, number];
    if (ok !== 1) throw versionConflict(streamId, expectedVersion, version);
    return version;
  }

  async readRange(streamId: string, fromVersion: number, toVersion?: number): Promise<StoredEvent[]> {
    checkStreamId(streamId);
    checkInteger('fromVersion', fromVersion, 0);
    if (toVersion !== undefined) checkInteger('toVersion', toVersion, 0);
    this.#checkOpen();
    if (toVersion !== undefined && toVersion < fromVersion) return [];
    const entries = await unavailable(
      this.#client.xRange(
        this.#keys.events(streamId),
        `${Math.max(fromVersion, 1)}-0`,
        toVersion === undefined ? '+' : `${toVersion}-0`,
      ),
    );
    return entries.map(({ id, message }) =>
      decodeEvent(Number(id.split('-')[0]), {
        type: message.t ?? '',
        at: Number(message.a),
        data: message.d ?? 'null',
      }),
    );
  }

  async version(streamId: string): Promise<number> {
    checkStreamId(streamId);
    this.#checkOpen();
    return Number((await unavailable(this.#client.get(this.#keys.version(streamId)))) ?? 0);
  }

  async streams(): Promise<string[]> {
    this.#checkOpen();
    return unavailable(this.#client.lRange(this.#keys.sessions, 0, -1));
  }

  /** Every session's current version (the event bus catches up with them after a reconnect). */
  async versions(): Promise<Map<string, number>> {
    const ids = await this.streams();
    if (ids.length === 0) return new Map();
    const versions = await unavailable(this.#client.mGet(ids.map((id) => this.#keys.version(id))));
    return new Map(ids.map((id, i) => [id, Number(versions[i] ?? 0)]));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error('the Redis store is closed');
  }
}
