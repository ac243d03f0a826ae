import { createClient, ErrorReply } from 'redis';
import { AppError, Unavailable } from '@yishi/shared';

export type RedisClient = ReturnType<typeof createClient>;

/**
 * A Redis connection as every part of a node uses it (store, bus, cluster, connection limit). When Redis goes
 * away (crash, restart) it reconnects by itself — node-redis's back-off, at most ~2.2 s apart —
 * and subscribes again to its channels. Meanwhile its commands fail at once
 * (`disableOfflineQueue`) rather than wait in a queue for as long as Redis is down: a request
 * gets a prompt UNAVAILABLE (see `unavailable`), and a node's shutdown does not hang on it.
 * Not connected yet: call `connect()` (which waits until Redis can be reached).
 */
export function redisClient(url: string): RedisClient {
  const client = createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: 5_000 } });
  // Without a listener an error event would crash the process; failures reach the callers.
  client.on('error', () => {});
  return client;
}

/** Replies that mean "not now" (restarting, loading its AOF, out of disk…), not "wrong command". */
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|MISCONF|READONLY|NOREPLICAS)\b/;

/**
 * Runs a Redis command; when Redis cannot be reached (or says it cannot serve now) the failure is
 * an `Unavailable` AppError, which a request's ack carries as `UNAVAILABLE` ("try again"), not as
 * an unexplained INTERNAL. Any other error reply (a bug) is rethrown as it is.
 */
export async function unavailable<T>(command: Promise<T>): Promise<T> {
  try {
    return await command;
  } catch (err) {
    if (err instanceof AppError || (err instanceof ErrorReply && !TRANSIENT_REPLY.test(err.message))) throw err;
    throw Object.assign(new Unavailable('the event store (Redis) cannot be reached; try again shortly'), {
      cause: err,
    });
  }
}
