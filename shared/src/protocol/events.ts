import type { Ack } from './ack.js';
import type { NotificationName, NotificationPayload } from './notifications.js';
import type { RequestInput, RequestName, ResponseMap } from './requests.js';

/** Bumped on any incompatible change; the handshake refuses other versions with UNSUPPORTED_VERSION. */
export const PROTOCOL_VERSION = 1;

/** Socket.IO event map for `Server<ClientToServerEvents, ServerToClientEvents>` and the client's `Socket`. */
export type ClientToServerEvents = {
  [K in RequestName]: (payload: RequestInput<K>, ack: (res: Ack<ResponseMap[K]>) => void) => void;
};

export type ServerToClientEvents = {
  [K in NotificationName]: (payload: NotificationPayload<K>) => void;
};
