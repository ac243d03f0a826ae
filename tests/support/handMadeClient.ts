import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@yishi/shared';

/**
 * A hostile client's tool, written by hand from docs/protocol.md — the handshake's `auth`, then
 * each request emitted with an ack callback — sharing no code with the web client, so it can send
 * what that client never would (all at once, in loops, out of order).
 */

export type Ack = { ok: true; data: Record<string, unknown> } | { ok: false; error: { code: string; message: string } };

/** A Socket.IO client knowing only the documented protocol. */
export class HandMadeClient {
  readonly #socket: Socket;

  private constructor(socket: Socket) {
    this.#socket = socket;
  }

  static connect(url: string, token: string, roomId: string): Promise<HandMadeClient> {
    const socket = io(url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { token, roomId, protocolVersion: PROTOCOL_VERSION },
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new HandMadeClient(socket)));
      socket.once('connect_error', reject);
    });
  }

  request(name: string, payload: unknown): Promise<Ack> {
    return this.#socket.timeout(30_000).emitWithAck(name, payload);
  }

  /** The request's data; throws when refused. */
  async ok(name: string, payload: unknown): Promise<Record<string, unknown>> {
    const ack = await this.request(name, payload);
    if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  }

  /** Every notification received from now on, in order: what a snooping participant would read. */
  recordNotifications(): Array<{ event: string; payload: unknown }> {
    const seen: Array<{ event: string; payload: unknown }> = [];
    this.#socket.onAny((event: string, payload: unknown) => seen.push({ event, payload }));
    return seen;
  }

  close(): void {
    this.#socket.close();
  }
}
