import type http from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { fail, type RequestName, RequestSchemas } from '@yishi/shared';
import type { TokenSettings } from '../auth/tokens.js';
import type { Metrics } from '../metrics.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { SessionService } from '../sessions/SessionService.js';
import { handshake } from './handshake.js';
import { consultationHandlers } from './consultationHandlers.js';
import { mediaHandlers } from './mediaHandlers.js';
import { type Handler, registerHandler } from './registerHandler.js';
import type { YishiServer, YishiSocket } from './types.js';

/** Largest message a client may send: a produce request with three simulcast layers is ~3 KB. */
const MAX_MESSAGE_BYTES = 64 * 1024;

export interface SocketDeps {
  tokens: TokenSettings;
  rooms: RoomRegistry;
  sessions: SessionService;
  metrics: Metrics;
  log: Logger;
}

export function createSocketServer(httpServer: http.Server): YishiServer {
  return new Server(httpServer, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    // Browsers of field sites behind proxies may need long-polling first; both are allowed.
    transports: ['websocket', 'polling'],
    serveClient: false,
    pingInterval: 10_000,
    pingTimeout: 10_000,
  });
}

/** Wires authentication and every request handler onto `io`. */
export function wireSocketServer(io: YishiServer, deps: SocketDeps): void {
  io.use(handshake(deps.tokens, deps.sessions, deps.rooms, deps.log));
  io.on('connection', (socket) => onConnection(socket, deps));
}

function onConnection(socket: YishiSocket, deps: SocketDeps): void {
  const { identity, room } = socket.data;
  const log = deps.log.child({ module: 'socket', roomId: room.id, peerId: identity.sub, socketId: socket.id });
  log.info({ role: identity.role }, 'connected');

  const handlers = { ...mediaHandlers(socket), ...consultationHandlers(socket) };
  for (const name of Object.keys(handlers) as RequestName[]) {
    registerHandler(socket, name, handlers[name] as Handler<typeof name>, { log, metrics: deps.metrics });
  }

  socket.onAny((event: string, ...args: unknown[]) => {
    if (Object.hasOwn(RequestSchemas, event)) return;
    deps.metrics.requests.inc({ event: 'unknown', code: 'INVALID_REQUEST' });
    const message = `unknown request "${String(event).slice(0, 64)}"`;
    const ack = args.at(-1);
    if (typeof ack === 'function') ack(fail({ code: 'INVALID_REQUEST', message }));
    else socket.emit('protocol:error', { event: String(event).slice(0, 128), code: 'INVALID_REQUEST', message });
  });

  socket.on('disconnect', (reason) => {
    room.leave(socket);
    deps.rooms.detach(room);
    log.info({ reason }, 'disconnected');
  });
}
