import path from 'node:path';
import { privateDir } from '../privateFiles.js';
import { type EventBus, LocalEventBus, RedisEventBus } from './EventBus.js';
import { RedisRoomStore } from './RedisRoomStore.js';
import { redisKeys } from '../redis/keys.js';
import type { RoomStore } from './RoomStore.js';
import { SqliteRoomStore } from './SqliteRoomStore.js';

export type { NewEvent, RoomStore, StoredEvent } from './RoomStore.js';
export type { EventBus } from './EventBus.js';
export { MemoryRoomStore } from './MemoryRoomStore.js';
export { RedisRoomStore } from './RedisRoomStore.js';
export { SqliteRoomStore } from './SqliteRoomStore.js';

/** The embedded store's file name inside DATA_DIR. */
export const SQLITE_FILE = 'yishi.db';

/** What choosing and opening a store needs from the configuration. */
export interface RoomStoreConfig {
  /** Directory of local state; the embedded store is `<dataDir>/yishi.db`. */
  dataDir: string;
  /** Set: several nodes share this Redis (store and bus) instead of the embedded file. */
  redis?: { url: string; prefix: string } | undefined;
}

/**
 * Opens the configured store and the bus that tells this node of appends made by others. The one
 * place the implementation is chosen: Redis when configured, else the embedded SQLite file
 * (one node; nothing else appends, so its bus is silent).
 */
export async function createRoomStore(config: RoomStoreConfig): Promise<{ store: RoomStore; bus: EventBus }> {
  if (config.redis) {
    const { url, prefix } = config.redis;
    const store = await RedisRoomStore.open(url, prefix);
    try {
      // After a reconnect the bus catches up from the store (see RedisEventBus).
      return { store, bus: await RedisEventBus.open(url, redisKeys(prefix), () => store.versions()) };
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  privateDir(config.dataDir);
  return { store: SqliteRoomStore.open(path.join(config.dataDir, SQLITE_FILE)), bus: new LocalEventBus() };
}
