import type http from 'node:http';
import type { Logger } from 'pino';
import { Server, type ServerOptions } from 'socket.io';
import { fail, type RequestName, RequestSchemas } from '@yishi/shared';
import type { TokenSettings } from '../auth/tokens.js';
import type { Metrics } from '../metrics.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { SessionService } from '../sessions/SessionService.js';
import type { TurnConfig } from '../turn/turnCredentials.js';
import { socketConnection } from './channels.js';
import type { ConnectLimiter } from './ConnectLimiter.js';
import { handshake, type OriginPolicy } from './handshake.js';
import { consultationHandlers } from './consultationHandlers.js';
import { mediaHandlers } from './mediaHandlers.js';
import { MissedPackets } from './MissedPackets.js';
import { type Handler, registerHandler } from './registerHandler.js';
import { TokenBucket } from '../TokenBucket.js';
import type { YishiServer, YishiSocket } from './types.js';

/** Largest message a client may send: a produce request with three simulcast layers is ~3 KB. */
const MAX_MESSAGE_BYTES = 64 * 1024;

/** The client (or this server) ended the connection on purpose: no coming back to wait for. */
const CLEAN_DISCONNECTS = new Set<string>([
  'client namespace disconnect',
  'server namespace disconnect',
  'server shutting down',
]);

export interface SocketDeps {
  /** Requests one socket may make per second on average (bursts of 8× that). */
  requestsPerSecond: number;
  origins: OriginPolicy;
  connects: ConnectLimiter;
  tokens: TokenSettings;
  rooms: RoomRegistry;
  sessions: SessionService;
  metrics: Metrics;
  log: Logger;
  /** TURN servers whose credentials go out with each join; none when unset. */
  turn?: TurnConfig | undefined;
}

export interface SocketServerOptions {
  /** How long a dropped client's Socket.IO session is kept for it to recover (0: never). */
  recoveryMs: number;
  /** Socket.IO across nodes (the Redis streams adapter); in-memory when alone. */
  adapter?: ServerOptions['adapter'] | undefined;
}

export function createSocketServer(httpServer: http.Server, options: SocketServerOptions): YishiServer {
  return new Server(httpServer, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    ...(options.adapter ? { adapter: options.adapter } : {}),
    // A client back within the grace gets the broadcasts it missed replayed in order, from this
    // node or (with Redis) any other. The handshake runs again all the same: the token is checked
    // and the room attached on the node it comes back to.
    ...(options.recoveryMs > 0
      ? { connectionStateRecovery: { maxDisconnectionDuration: options.recoveryMs, skipMiddlewares: false } }
      : {}),
    // Browsers of field sites behind proxies may need long-polling first; both are allowed.
    transports: ['websocket', 'polling'],
    serveClient: false,
    pingInterval: 10_000,
    pingTimeout: 10_000,
  });
}

/** Wires authentication and every request handler onto `io`. */
export function wireSocketServer(io: YishiServer, deps: SocketDeps): void {
  const missed = new MissedPackets(io);
  io.use(handshake({ ...deps, missed }));
  io.on('connection', (socket) => {
    missed.connected(socket);
    onConnection(io, socket, deps);
  });
}

function onConnection(io: YishiServer, socket: YishiSocket, deps: SocketDeps): void {
  const { identity, room } = socket.data;
  const log = deps.log.child({ module: 'socket', roomId: room.id, peerId: identity.sub, socketId: socket.id });
  log.info({ role: identity.role }, 'connected');

  const connection = socketConnection(io, socket);
  room.connected(connection);
  const handlers = {
    ...mediaHandlers(room, connection, { turn: deps.turn, log }),
    ...consultationHandlers(room, connection),
  };
  for (const name of Object.keys(handlers) as RequestName[]) {
    registerHandler(socket, name, handlers[name] as Handler<typeof name>, { log, metrics: deps.metrics });
  }

  // Before any handler: the socket's rate limit, then unknown requests. A refused message is
  // answered (ack, or protocol:error without one) and goes no further.
  const bucket = new TokenBucket(deps.requestsPerSecond, deps.requestsPerSecond * 8);
  socket.use(([event, ...args], next) => {
    const name = String(event);
    const known = Object.hasOwn(RequestSchemas, name);
    const refusal = !bucket.take()
      ? ({ code: 'RATE_LIMITED', message: 'too many requests from this connection; slow down' } as const)
      : known
        ? undefined
        : ({ code: 'INVALID_REQUEST', message: `unknown request "${name.slice(0, 64)}"` } as const);
    if (!refusal) return next();
    deps.metrics.requests.inc({ event: known ? name : 'unknown', code: refusal.code });
    const ack = args.at(-1);
    if (typeof ack === 'function') ack(fail(refusal));
    else socket.emit('protocol:error', { event: name.slice(0, 128), ...refusal });
  });

  socket.on('disconnect', (reason) => {
    log.info({ reason }, 'disconnected');
    // A draining node's clients move to another node: nothing to wait for here.
    const clean = CLEAN_DISCONNECTS.has(reason) || deps.rooms.draining;
    void room.disconnected(connection, clean).then(() => deps.rooms.detach(room));
  });
}
