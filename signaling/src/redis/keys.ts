/**
 * Every Redis key Yishi uses, under one prefix (REDIS_PREFIX, default `yishi:`), so that several
 * deployments can share a Redis server and one `SCAN MATCH <prefix>*` finds all of ours.
 * A single Redis primary is assumed (the append script touches keys of several sessions' lists,
 * which a Redis Cluster would refuse).
 */
export interface RedisKeys {
  /** List of session ids in the order their streams were created. */
  sessions: string;
  /** String: the session's current version (the last event's number). */
  version(sessionId: string): string;
  /** Stream: the session's events; entry id `<version>-0`, fields t (type), a (at), d (data as JSON). */
  events(sessionId: string): string;
  /** Pub/sub channel announcing appends (session, version and events: store/EventBus.ts) to every node. */
  appended: string;
  /** Pub/sub channel of media notices between nodes (cluster/NodeLink.ts). */
  media: string;
  /** Pub/sub channel of one node: pipe requests to it and replies. */
  node(nodeId: string): string;
  /** String with a short expiry, refreshed by a live node's heartbeat: its load as JSON. */
  alive(nodeId: string): string;
  /** Hash peerId → { node, peer }: who is in the session on which node. */
  peers(sessionId: string): string;
  /** Hash producerId → { node, producer }: what each node's participants publish. */
  producers(sessionId: string): string;
  /** Stream of Socket.IO's packets between nodes (the redis-streams adapter), also replayed to recovering clients. */
  socketStream: string;
  /** Prefix of Socket.IO's pub/sub channels between nodes. */
  socketChannels: string;
  /** Prefix of the keys (strings with expiry) holding dropped clients' Socket.IO sessions. */
  socketSessions: string;
  /** Counter (expiring) of one person's connections in one minute (socket/ConnectLimiter.ts). */
  connects(person: string, minute: number): string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    sessions: `${prefix}sessions`,
    version: (id) => `${prefix}session:${id}:version`,
    events: (id) => `${prefix}session:${id}:events`,
    appended: `${prefix}appended`,
    media: `${prefix}media`,
    node: (id) => `${prefix}node:${id}`,
    alive: (id) => `${prefix}node:${id}:alive`,
    peers: (id) => `${prefix}session:${id}:peers`,
    producers: (id) => `${prefix}session:${id}:producers`,
    socketStream: `${prefix}socket.io`,
    socketChannels: `${prefix}socket.io`,
    socketSessions: `${prefix}socket.io:session:`,
    connects: (person, minute) => `${prefix}connects:${minute}:${person}`,
  };
}
