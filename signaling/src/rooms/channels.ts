import type { NotificationName, NotificationPayload, TokenClaims } from '@yishi/shared';

/**
 * One client's connection, as a room uses it: who it is, what it is told, which of the room's
 * channels it listens to. The room knows nothing more of the transport (Socket.IO, see
 * socket/channels.ts).
 */
export interface Connection {
  /**
   * Unique among the connections open now; a recovered connection may get its old id back, so a
   * room tells connections apart by the object.
   */
  readonly id: string;
  /** Who connected, from their token. */
  readonly identity: TokenClaims;
  readonly connected: boolean;
  /** Tells this client, in order with the room's broadcasts (and replayed to it if it recovers). */
  send<K extends NotificationName>(event: K, payload: NotificationPayload<K>): void;
  /** Tells this client at once, ahead of anything queued for it: a last word before `disconnect`. */
  sendAtOnce<K extends NotificationName>(event: K, payload: NotificationPayload<K>): void;
  disconnect(): void;
  /** Listens to exactly `channels` from now on (a connection recovered from another node arrives in that node's). */
  listen(channels: string[]): void;
  stopListening(channels: string[]): void;
}

/**
 * Broadcasts to the connections listening to a channel (except one, if given); a client that
 * recovers, at this node or another, is sent the broadcasts it missed.
 */
export interface Channels {
  send<K extends NotificationName>(
    channel: string,
    event: K,
    payload: NotificationPayload<K>,
    except?: Connection,
  ): void;
}
