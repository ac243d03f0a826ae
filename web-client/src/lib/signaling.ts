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

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Sends request `name`; resolves with the server's ack, rejects when none came within `timeoutMs`. */
export function emitRequest<K extends RequestName>(
  socket: ClientSocket,
  name: K,
  payload: RequestInput<K>,
  timeoutMs: number,
): Promise<Ack<ResponseMap[K]>> {
  const target = socket.timeout(timeoutMs);
  const emit = target.emitWithAck as unknown as (event: K, payload: RequestInput<K>) => Promise<Ack<ResponseMap[K]>>;
  return emit.call(target, name, payload);
}

type Listener = (payload: never) => void;

/** The Socket.IO connection to one room, with typed acked requests and notifications. */
export class Signaling {
  readonly socket: ClientSocket;
  readonly #listeners = new Map<string, Listener[]>();
  /** Notifications kept back while held (see `hold`). */
  #held: Array<{ name: string; payload: unknown }> | undefined;

  private constructor(socket: ClientSocket) {
    this.socket = socket;
    socket.onAny((name: string, payload: unknown) => {
      if (this.#held) this.#held.push({ name, payload });
      else this.#dispatch(name, payload);
    });
  }

  /** Connects and authenticates; rejects with the server's typed refusal. */
  static connect(roomId: string, token: string): Promise<Signaling> {
    const socket: ClientSocket = io({
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
    let res: Ack<ResponseMap[K]>;
    try {
      res = await emitRequest(this.socket, name, payload, REQUEST_TIMEOUT_MS);
    } catch {
      throw new RequestError('TIMEOUT', `${name}: no answer from the server`);
    }
    if (!res.ok) throw new RequestError(res.error.code, res.error.message);
    return res.data;
  }

  on<K extends NotificationName>(name: K, listener: (payload: NotificationPayload<K>) => void): void {
    this.#listeners.set(name, [...(this.#listeners.get(name) ?? []), listener as Listener]);
  }

  /**
   * Keeps notifications back until `release`: what comes with (or right after) a request's answer
   * waits for the listeners of whatever is built from that answer.
   */
  hold(): void {
    this.#held ??= [];
  }

  /** Hands the notifications kept back to the listeners, in order, and lets the next ones through. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const { name, payload } of held) this.#dispatch(name, payload);
  }

  close(): void {
    this.socket.close();
  }

  #dispatch(name: string, payload: unknown): void {
    for (const listener of this.#listeners.get(name) ?? []) listener(payload as never);
  }
}
