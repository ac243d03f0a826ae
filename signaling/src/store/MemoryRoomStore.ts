import { checkInteger, checkStreamId, decodeEvent, type EncodedEvent, encodeEvent, versionConflict } from './events.js';
import type { NewEvent, RoomStore, StoredEvent } from './RoomStore.js';

/**
 * A RoomStore in process memory, for unit tests: nothing survives the process. It keeps the same
 * rules as the durable stores (JSON-only data, conflicts, all-or-none batches), so code tested
 * against it behaves the same on SQLite or Redis.
 */
export class MemoryRoomStore implements RoomStore {
  /** A Map iterates in insertion order, which is the streams' creation order. */
  readonly #streams = new Map<string, EncodedEvent[]>();
  #closed = false;

  async load(streamId: string): Promise<StoredEvent[]> {
    return this.readRange(streamId, 1);
  }

  async append(streamId: string, expectedVersion: number, events: NewEvent[]): Promise<number> {
    const log = this.#log(streamId);
    checkInteger('expectedVersion', expectedVersion, 0);
    const current = log?.length ?? 0;
    if (current !== expectedVersion) throw versionConflict(streamId, expectedVersion, current);
    // Encode the whole batch before storing any of it: a bad event leaves the stream untouched.
    const encoded = events.map(encodeEvent);
    if (encoded.length === 0) return current;
    if (log) log.push(...encoded);
    else this.#streams.set(streamId, encoded);
    return current + encoded.length;
  }

  async readRange(streamId: string, fromVersion: number, toVersion?: number): Promise<StoredEvent[]> {
    const log = this.#log(streamId) ?? [];
    checkInteger('fromVersion', fromVersion, 0);
    if (toVersion !== undefined) checkInteger('toVersion', toVersion, 0);
    // Version v is at index v - 1; slice gives [] when the bounds cross.
    const start = Math.max(fromVersion, 1) - 1;
    return log.slice(start, toVersion).map((event, i) => decodeEvent(start + i + 1, event));
  }

  async version(streamId: string): Promise<number> {
    return this.#log(streamId)?.length ?? 0;
  }

  async streams(): Promise<string[]> {
    this.#checkOpen();
    return [...this.#streams.keys()];
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  /** The stream's events after the common checks; undefined for a stream never written. */
  #log(streamId: string): EncodedEvent[] | undefined {
    this.#checkOpen();
    checkStreamId(streamId);
    return this.#streams.get(streamId);
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error('MemoryRoomStore is closed');
  }
}
