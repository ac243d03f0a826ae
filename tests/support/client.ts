import { io } from 'socket.io-client';
import {
  type Ack,
  type ErrorBody,
  type NotificationName,
  type NotificationPayload,
  PROTOCOL_VERSION,
  type RequestInput,
  type RequestName,
  type ResponseMap,
} from '@yishi/shared';
import { type ClientSocket, emitRequest } from '../../web-client/src/lib/signaling.js';

/** A signaling client as the web client uses it: handshake auth, acked requests, awaited notifications. */
export class TestClient {
  readonly socket: ClientSocket;

  private constructor(socket: ClientSocket) {
    this.socket = socket;
  }

  /** Connects; resolves once connected, rejects with the server's typed refusal (`ErrorBody`). */
  static connect(
    url: string,
    auth: { token: string; roomId?: string; protocolVersion?: unknown },
    transports: Array<'websocket' | 'polling'> = ['websocket'],
  ): Promise<TestClient> {
    const socket: ClientSocket = io(url, {
      transports,
      reconnection: false,
      forceNew: true,
      auth: { roomId: 'room1', protocolVersion: PROTOCOL_VERSION, ...auth },
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new TestClient(socket)));
      socket.once('connect_error', (err: Error & { data?: ErrorBody }) => {
        socket.close();
        reject(err.data ?? err);
      });
    });
  }

  /** Sends a request and returns its ack envelope as is. */
  request<K extends RequestName>(name: K, payload: RequestInput<K>, timeoutMs = 10_000): Promise<Ack<ResponseMap[K]>> {
    return emitRequest(this.socket, name, payload, timeoutMs);
  }

  /** Sends a request and returns its data; throws the error body when refused. */
  async call<K extends RequestName>(name: K, payload: RequestInput<K>): Promise<ResponseMap[K]> {
    const res = await this.request(name, payload);
    if (!res.ok) throw Object.assign(new Error(`${name}: ${res.error.code} ${res.error.message}`), res.error);
    return res.data;
  }

  /** Sends anything, bypassing the types (hostile-input tests). */
  raw(event: string, ...args: unknown[]): void {
    (this.socket.emit as (event: string, ...args: unknown[]) => void)(event, ...args);
  }

  /** Resolves with the next notification `name` that satisfies `match`. */
  next<K extends NotificationName>(
    name: K,
    match: (payload: NotificationPayload<K>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<NotificationPayload<K>> {
    return new Promise((resolve, reject) => {
      const listener = (payload: NotificationPayload<K>) => {
        if (!match(payload)) return;
        clearTimeout(timer);
        this.socket.off(name, listener as never);
        resolve(payload);
      };
      const timer = setTimeout(() => {
        this.socket.off(name, listener as never);
        reject(new Error(`timed out waiting for ${name}`));
      }, timeoutMs);
      this.socket.on(name, listener as never);
    });
  }

  close(): void {
    this.socket.close();
  }

  /** Loses the connection without a goodbye, as a dropped mobile link does (the server sees "transport close"). */
  drop(): void {
    this.socket.io.engine.close();
  }
}
