import path from 'node:path';
import type { RoomStore } from './RoomStore.js';
import { SqliteRoomStore } from './SqliteRoomStore.js';

export type { NewEvent, RoomStore, StoredEvent } from './RoomStore.js';
export { MemoryRoomStore } from './MemoryRoomStore.js';
export { SqliteRoomStore } from './SqliteRoomStore.js';

/** The embedded store's file name inside DATA_DIR. */
export const SQLITE_FILE = 'yishi.db';

/** What choosing and opening a store needs from the configuration. */
export interface RoomStoreConfig {
  /** Directory of local state; the embedded store is `<dataDir>/yishi.db`. */
  dataDir: string;
}

/**
 * Opens the configured RoomStore. This is the one place the implementation is chosen: today
 * always the embedded SQLite file; when Redis support lands, a `redisUrl` in the config (from
 * REDIS_URL) selects it here, and callers do not change — hence async, as connecting will be.
 */
export async function createRoomStore(config: RoomStoreConfig): Promise<RoomStore> {
  return SqliteRoomStore.open(path.join(config.dataDir, SQLITE_FILE));
}
