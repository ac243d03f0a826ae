import {
  AppError,
  Forbidden,
  type ErrorBody,
  HandshakeAuthSchema,
  InvalidRequest,
  NotFound,
  PROTOCOL_VERSION,
  RateLimited,
  SessionNotOpen,
  type TokenClaims,
  Unavailable,
  UnsupportedVersion,
} from '@yishi/shared';
import type { Logger } from 'pino';
import { type TokenSettings, verifyToken } from '../auth/tokens.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { SessionService } from '../sessions/SessionService.js';
import type { ConnectLimiter } from './ConnectLimiter.js';
import { MissedPackets } from './MissedPackets.js';
import { describeZodError } from '../errors.js';
import type { YishiSocket } from './types.js';

type Next = (err?: Error) => void;

/** A handshake refusal: Socket.IO hands `data` to the client's `connect_error` listener. */
function refusal(err: AppError): Error & { data: ErrorBody } {
  return Object.assign(new Error(err.message), { data: err.toBody() });
}

/** Statuses in which a session takes participants. */
const JOINABLE = ['open', 'in_progress', 'adjourned'];

/**
 * A room is a consultation session: it must exist and be open. After it closed, the chair and the
 * secretary may still come in — the minutes stay editable until finalized.
 */
async function checkSessionOpen(sessions: SessionService, identity: TokenClaims): Promise<void> {
  const { state } = await sessions.get(identity.room);
  if (!state.topic) throw new NotFound(`there is no consultation session "${identity.room}"`);
  const status = state.session.status;
  if (state.removed[identity.sub]) throw new Forbidden('you have been removed from this consultation');
  if (JOINABLE.includes(status)) return;
  if (status === 'closed' && (identity.role === 'chair' || identity.role === 'secretary')) return;
  throw new SessionNotOpen(status === 'closed' ? 'the session is closed' : 'the session has not been opened yet');
}

/** Which browser pages may open a connection (see ALLOWED_ORIGINS in config.ts). */
export interface OriginPolicy {
  publicUrl: string | undefined;
  allowedOrigins: string[];
}

/**
 * A browser says which page opened the connection (`Origin`); only this server's own pages (the
 * same host, or PUBLIC_URL behind a proxy) and configured ones may. Clients that are not
 * browsers send none; their token is what admits them, as for everyone.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, policy: OriginPolicy): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (host !== undefined && parsed.host === host) return true;
  if (policy.publicUrl !== undefined && new URL(policy.publicUrl).origin === parsed.origin) return true;
  return policy.allowedOrigins.includes(parsed.origin);
}

/**
 * Handshake middleware: protocol version first (so an old client learns to update rather than
 * that its token is bad), then the JWT, then the room the token is for and its session's status;
 * finally the socket is counted into its room. Each refusal reaches the client's `connect_error` with a typed `data`.
 */
export interface HandshakeDeps {
  tokens: TokenSettings;
  sessions: SessionService;
  rooms: RoomRegistry;
  log: Logger;
  origins: OriginPolicy;
  connects: ConnectLimiter;
  missed: MissedPackets;
}

export function handshake({ tokens, sessions, rooms, log, origins, connects, missed }: HandshakeDeps) {
  return async (socket: YishiSocket, next: Next): Promise<void> => {
    // A recovered socket comes back with its old data and rooms, and packets it missed held back.
    const missedPackets = missed.take(socket);
    const previous = socket.recovered ? (socket.data.identity as TokenClaims | undefined) : undefined;
    try {
      const origin = socket.handshake.headers.origin;
      if (!originAllowed(origin, socket.handshake.headers.host, origins)) {
        throw new Forbidden(`pages from ${String(origin).slice(0, 100)} may not connect to this server`);
      }
      const auth: unknown = socket.handshake.auth;
      const version = (auth as { protocolVersion?: unknown } | undefined)?.protocolVersion;
      if (version !== PROTOCOL_VERSION) {
        throw new UnsupportedVersion(
          `this server speaks protocol ${PROTOCOL_VERSION}, the client ${String(version ?? 'none')}; reload the page`,
        );
      }
      const parsed = HandshakeAuthSchema.safeParse(auth);
      if (!parsed.success) throw new InvalidRequest(`handshake: ${describeZodError(parsed.error)}`);
      const identity = verifyToken(tokens, parsed.data.token);
      if (!(await connects.allow(identity.sub))) {
        throw new RateLimited('too many connections for this person in the last minute; wait a moment');
      }
      if (identity.room !== parsed.data.roomId) throw new Forbidden('this invitation is for another room');
      if (previous && (previous.sub !== identity.sub || previous.room !== identity.room)) {
        throw new Forbidden('this connection was someone else’s; connect afresh');
      }
      await checkSessionOpen(sessions, identity);
      socket.data.identity = identity;
      try {
        // Not enumerable: connection-state recovery stores socket.data (in Redis with several
        // nodes) and must not try to serialize the room with its media.
        Object.defineProperty(socket.data, 'room', {
          value: await rooms.attach(identity.room),
          enumerable: false,
          configurable: true,
        });
      } catch (err) {
        if (err instanceof AppError) throw err; // e.g. the node is draining: the client is told why
        log.error({ err, roomId: identity.room }, 'could not open room');
        throw new Unavailable('the room could not be opened; try again shortly');
      }
      // The client may have gone while the room was opening. Socket.IO then drops the socket without
      // a 'connection' (hence no 'disconnect' either), so the attachment is undone here or the room
      // would never close.
      if (socket.conn.readyState !== 'open') {
        rooms.detach(socket.data.room);
        return next(new Error('client left during the handshake'));
      }
      MissedPackets.send(socket, missedPackets);
      next();
    } catch (err) {
      missed.forget(socket);
      if (err instanceof AppError) return next(refusal(err));
      log.error({ err }, 'handshake failed');
      next(refusal(new Unavailable('server error during handshake')));
    }
  };
}
