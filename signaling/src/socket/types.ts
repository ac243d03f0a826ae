import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, TokenClaims } from '@yishi/shared';
import type { Room } from '../rooms/Room.js';

/** What the handshake middlewares attach to an authenticated socket. */
export interface SocketData {
  identity: TokenClaims;
  room: Room;
}

export type YishiServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type YishiSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
