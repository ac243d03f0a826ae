import { io, type Socket } from 'socket.io-client';
import {
  type Ack,
  type ClientToServerEvents,
  type ErrorBody,
  type NotificationName,
  type NotificationPayload,
  PROTOCOL_VERSION,
  type RequestName,
  type RequestInput,
  type ResponseMap,
  type ServerToClientEvents,
} from '@yishi/shared';

const REQUEST_TIMEOUT_MS = 10_000;

/** A refused request or handshake, with the server's code (or TIMEOUT / NETWORK from the client side). */
export class RequestError extends Error {
  readonly code: ErrorBody['code'] | 'TIMEOUT' | 'NETWORK';

  constructor(code: RequestError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** The Socket.IO connection to one room, with typed acked requests and notifications. */
export class Signaling {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;

  private constructor(socket: Socket<ServerToClientEvents, ClientToServerEvents>) {
    this.socket = socket;
  }

  /** Connects and authenticates; rejects with the server's typed refusal. */
  static connect(roomId: string, token: string): Promise<Signaling> {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
      auth: { token, roomId, protocolVersion: PROTOCOL_VERSION },
      transports: ['websocket', 'polling'],
      reconnectionDelayMax: 5000,
    });
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        socket.off('connect_error', onError);
        resolve(new Signaling(socket));
      };
      const onError = (err: Error & { data?: ErrorBody }) => {
        // A typed refusal is final; a network failure is retried by Socket.IO, but the first join reports it.
        socket.off('connect', onConnect);
        socket.close();
        reject(err.data ? new RequestError(err.data.code, err.data.message) : new RequestError('NETWORK', err.message));
      };
      socket.once('connect', onConnect);
      socket.once('connect_error', onError);
    });
  }

  async request<K extends RequestName>(name: K, payload: RequestInput<K>): Promise<ResponseMap[K]> {
    const target = this.socket.timeout(REQUEST_TIMEOUT_MS);
    const emit = target.emitWithAck as unknown as (event: K, payload: RequestInput<K>) => Promise<Ack<ResponseMap[K]>>;
    let res: Ack<ResponseMap[K]>;
    try {
      res = await emit.call(target, name, payload);
    } catch {
      throw new RequestError('TIMEOUT', `${name}: no answer from the server`);
    }
    if (!res.ok) throw new RequestError(res.error.code, res.error.message);
    return res.data;
  }

  on<K extends NotificationName>(name: K, listener: (payload: NotificationPayload<K>) => void): void {
    this.socket.on(name, listener as never);
  }

  close(): void {
    this.socket.close();
  }
}
