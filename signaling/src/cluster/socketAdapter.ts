import { createAdapter } from '@socket.io/redis-streams-adapter';
import { redisClient } from '../redis/client.js';
import type { RedisKeys } from '../redis/keys.js';

/**
 * Packets kept in the stream: what a reconnecting client can be sent is bounded by it. At a
 * busy plenary (a few hundred broadcasts a minute per node) this spans far more than the
 * reconnect grace; a client whose offset has been trimmed gets a full snapshot instead.
 */
const STREAM_MAX_LEN = 50_000;

/**
 * Socket.IO across nodes: every node's broadcasts go through one Redis stream, and a dropped
 * client's session is kept in Redis, so a client reconnecting to any node is sent what it missed
 * (connection-state recovery). Its own Redis connection: the adapter blocks one on XREAD.
 */
export async function redisSocketAdapter(
  url: string,
  keys: RedisKeys,
): Promise<{ adapter: ReturnType<typeof createAdapter>; close(): Promise<void> }> {
  // Publishing fails at once while Redis is down: the adapter then still delivers to this node's
  // own clients (just not to other nodes, nor for a later recovery) instead of holding every
  // notification until Redis is back.
  const client = redisClient(url);
  // Its stream readers are duplicates of this client; they must wait for Redis instead (a failing
  // blocking read would be retried at once, in a loop).
  const duplicate = client.duplicate.bind(client);
  client.duplicate = ((overrides) => duplicate({ ...overrides, disableOfflineQueue: false })) as typeof duplicate;
  await client.connect();
  return {
    adapter: createAdapter(client, {
      streamName: keys.socketStream,
      channelPrefix: keys.socketChannels,
      sessionKeyPrefix: keys.socketSessions,
      maxLen: STREAM_MAX_LEN,
    }),
    async close() {
      // Dropped rather than QUIT, which would wait for Redis (down, say) to answer: nothing it
      // still has to send matters once the node stops.
      client.destroy();
    },
  };
}
