/**
 * Persistence of rooms as append-only event logs, one stream per session (the session id is the
 * room id). Room state is the fold of its stream; nothing else is stored.
 */

/** An event as the domain produces it. `data` is plain JSON. */
export interface NewEvent {
  type: string;
  /** Epoch milliseconds at which the event happened (from the command's context). */
  at: number;
  data: unknown;
}

/** An event as stored: its position in the stream, 1-based and without gaps. */
export interface StoredEvent extends NewEvent {
  version: number;
}

/**
 * The store. Every implementation passes the same contract suite
 * (tests/contract/roomStore.contract.ts).
 */
export interface RoomStore {
  /** All events of the stream in order (empty for an unknown stream). */
  load(streamId: string): Promise<StoredEvent[]>;
  /**
   * Appends `events` if the stream's current version is `expectedVersion` (0 for a new stream),
   * atomically: all or none. Resolves with the new version. A different current version rejects
   * with `Conflict` (from @yishi/shared) and writes nothing; the caller reloads and retries.
   */
  append(streamId: string, expectedVersion: number, events: NewEvent[]): Promise<number>;
  /** Events with fromVersion <= version <= toVersion (to the end when toVersion is omitted). */
  readRange(streamId: string, fromVersion: number, toVersion?: number): Promise<StoredEvent[]>;
  /** The current version of the stream (0 when it does not exist). */
  version(streamId: string): Promise<number>;
  /** Ids of every stream, in creation order. */
  streams(): Promise<string[]>;
  /** Releases files/connections. Idempotent. */
  close(): Promise<void>;
}
