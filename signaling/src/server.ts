import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { type MediaGateway, MediasoupGateway } from '@yishi/sfu';
import { resolveJwtSecret } from './auth/secret.js';
import type { TokenSettings } from './auth/tokens.js';
import type { Config } from './config.js';
import { createApi } from './http/api.js';
import { createApp } from './http/app.js';
import { createMetrics } from './metrics.js';
import { RoomRegistry } from './rooms/RoomRegistry.js';
import { feedLedger } from './ledger/fromMinutes.js';
import { LedgerService } from './ledger/LedgerService.js';
import { UnitTokenRecord } from './units/UnitTokenRecord.js';
import { AppendFeed } from './records/appends.js';
import { LocalRecords } from './records/LocalRecords.js';
import { PeopleDirectory } from './records/PeopleDirectory.js';
import { SessionService } from './sessions/SessionService.js';
import { MemoryConnectLimiter, RedisConnectLimiter } from './socket/ConnectLimiter.js';
import { socketChannels } from './socket/channels.js';
import { createSocketServer, wireSocketServer } from './socket/createSocketServer.js';
import type { YishiServer } from './socket/types.js';
import { createRoomStore } from './store/index.js';
import { redisKeys } from './redis/keys.js';
import { type Cluster, LocalCluster } from './cluster/Cluster.js';
import { RedisCluster } from './cluster/RedisCluster.js';

/** Time for the `server:draining` notice to reach clients before their connections close. */
const DRAIN_NOTICE_MS = 200;
/** How long shutdown waits for each Redis connection to close. */
const REDIS_CLOSE_MS = 2_000;

/** Whether `promise` settles within `ms` (it is not cancelled either way). */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface RunningServer {
  /** Base URL for clients, e.g. http://127.0.0.1:3000 (PUBLIC_URL when configured). */
  url: string;
  port: number;
  tokens: TokenSettings;
  io: YishiServer;
  gateway: MediaGateway;
  sessions: SessionService;
  /** Stops taking connections, closes rooms and media. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts one Yishi node: media workers, HTTP and Socket.IO. `gateway` replaces the mediasoup
 * gateway in fast signaling tests only.
 */
export async function startServer(config: Config, log: Logger, gateway?: MediaGateway): Promise<RunningServer> {
  const tokens: TokenSettings = {
    secret: resolveJwtSecret(config.jwt.secret, config.dataDir),
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
  };
  const opened = await createRoomStore({ dataDir: config.dataDir, redis: config.redis });
  const bus = opened.bus;
  // Every append, this node's and the others', reaches the projections that follow many streams.
  const feed = new AppendFeed(opened.store, bus);
  const store = feed.store;
  const sessions = new SessionService(store, log, { bus, cache: config.sessionCache });
  const ledger = new LedgerService(store, log, { bus });
  const directory = new PeopleDirectory(feed);
  const records = new LocalRecords(feed, directory, ledger, log, { settings: config.records });
  const caughtUp = await records.start();
  log.info(caughtUp, 'participation records read');
  await sessions.recover({ closeAttendance: !config.redis });
  await feedLedger(sessions, ledger, log);
  const media = gateway ?? (await MediasoupGateway.start(config.media, log));
  let closing = false;

  // The HTTP app is registered before Socket.IO attaches, so that engine.io takes its own
  // requests (/socket.io/) and hands every other one to the app. Registered after, the app would
  // answer long-polling requests too, and engine.io's own answer then throws (a crash).
  let app: http.RequestListener | undefined;
  const httpServer = http.createServer((req, res) => app?.(req, res));
  // Alone, or one of several nodes sharing a Redis: decided here, once.
  const redis = config.redis && { url: config.redis.url, keys: redisKeys(config.redis.prefix) };
  const cluster: Cluster = redis ? await RedisCluster.open(redis.url, redis.keys, log) : new LocalCluster();
  const io = createSocketServer(httpServer, { recoveryMs: config.reconnectGraceMs, adapter: cluster.socketAdapter });
  const rooms = new RoomRegistry(media, sessions, socketChannels(io), log, {
    commentBatchMs: config.commentBatchMs,
    reconnectGraceMs: config.reconnectGraceMs,
    cluster,
  });
  // Other nodes see this one's load, and that it is alive, until it stops.
  await cluster.startHeartbeat(() => ({ rooms: rooms.size, peers: rooms.peerCount() }));
  const metrics = createMetrics({
    connections: () => io.engine.clientsCount,
    rooms: () => rooms.size,
    peers: () => rooms.peerCount(),
    mediaReady: () => media.ready,
    sessionsCached: () => sessions.cached,
  });
  app = createApp({
    webClientDir: config.webClientDir,
    registry: metrics.registry,
    metrics: config.metrics,
    log,
    isReady: () => !closing && media.ready,
    api: createApi({
      sessions,
      tokens,
      organiserKey: config.organiserKey,
      authFailuresPerMinute: config.authFailuresPerMinute,
      publicUrl: config.publicUrl,
      ledger,
      unitTokens: new UnitTokenRecord(store),
      records,
      directory,
      log,
    }),
    trustProxy: config.trustProxy,
  });
  const connects = redis
    ? await RedisConnectLimiter.open(redis.url, redis.keys, config.connectsPerMinute, log)
    : new MemoryConnectLimiter(config.connectsPerMinute);
  wireSocketServer(io, {
    connects,
    requestsPerSecond: config.requestsPerSecond,
    origins: { publicUrl: config.publicUrl, allowedOrigins: config.allowedOrigins },
    tokens,
    rooms,
    sessions,
    metrics,
    log,
    turn: config.turn,
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const localHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = config.publicUrl ?? `http://${localHost}:${port}`;
  log.info({ url, port }, 'yishi listening');

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    tokens,
    io,
    gateway: media,
    sessions,
    close() {
      closing = true;
      closed ??= (async () => {
        // Drain: no new connections; clients are told, then their connections close without a
        // Socket.IO "disconnect" (which would tell them not to come back), so they reconnect by
        // themselves — through the proxy, to another node — and join again.
        rooms.drain();
        io.local.emit('server:draining', {});
        await new Promise((resolve) => setTimeout(resolve, DRAIN_NOTICE_MS));
        io.engine.close();
        // io.close() lets every socket leave its room and closes the HTTP server, which waits for
        // its connections: one still open after a moment (a client reconnecting just now) is cut.
        const ioClosed = new Promise<void>((resolve) => io.close(() => resolve()));
        if (!(await within(ioClosed, 1_000))) httpServer.closeAllConnections();
        await ioClosed;
        rooms.close();
        await media.close();
        // Redis may be down or hung: a connection that cannot say goodbye in time is dropped.
        for (const part of [cluster, connects, bus, store]) {
          if (!(await within(part.close(), REDIS_CLOSE_MS))) log.warn('a Redis connection did not close in time');
        }
        sessions.close();
        log.info('yishi stopped');
      })();
      return closed;
    },
  };
}
