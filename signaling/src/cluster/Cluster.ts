import type { Logger } from 'pino';
import type { ServerOptions } from 'socket.io';
import type { MediaRoomApi } from '@yishi/sfu';
import type { NotificationName, NotificationPayload, PeerInfo, ProducerInfo } from '@yishi/shared';

/**
 * The other nodes of a deployment, as this node deals with them: chosen once at start-up, a
 * `LocalCluster` when the node runs alone, a `RedisCluster` when several share a Redis.
 */
export interface Cluster {
  /** This node's id: it scopes the rooms' broadcast channels (a fixed name when alone). */
  readonly nodeId: string;
  /** Socket.IO across nodes; undefined alone (Socket.IO's own in-memory adapter). */
  readonly socketAdapter: ServerOptions['adapter'] | undefined;
  /** The part of room `sessionId` that lives on other nodes. */
  remote(sessionId: string, media: MediaRoomApi, room: RoomHooks, log: Logger): RemoteRoom;
  /** Keeps this node listed as alive, with its load (`load()` is read at every beat), until `close`. */
  startHeartbeat(load: () => Record<string, number>): Promise<void>;
  close(): Promise<void>;
}

/** What the other nodes' part of a room does to the room here. */
export interface RoomHooks {
  /** Tells everyone in the room on this node. */
  broadcast<K extends NotificationName>(event: K, payload: NotificationPayload<K>): void;
  /** The person `peer` joined on another node: if they are here on an older connection, the newest wins. */
  joinedElsewhere(peer: PeerInfo): void;
  /** These people were on a node that stopped heartbeating: they have left, unless they are here. */
  gone(peerIds: string[]): void;
}

/** The part of a room on other nodes: what this node tells them, and their participants. */
export interface RemoteRoom {
  /** Before the room's first use: learns what the other nodes have in it and pipes their media in. */
  start(): Promise<void>;
  /** Participants on other nodes, for someone joining here. */
  peers(): PeerInfo[];
  peerJoined(peer: PeerInfo): void;
  peerLeft(peerId: string): void;
  producerAdded(producer: ProducerInfo): void;
  producerClosed(producerId: string): void;
  producerPaused(producerId: string, paused: boolean): void;
  /** The room closes on this node. */
  close(): void;
}

/** Nothing of a room is elsewhere when the node is alone. */
const ALONE: RemoteRoom = {
  start: async () => {},
  peers: () => [],
  peerJoined: () => {},
  peerLeft: () => {},
  producerAdded: () => {},
  producerClosed: () => {},
  producerPaused: () => {},
  close: () => {},
};

/** One node alone: every room is wholly here. */
export class LocalCluster implements Cluster {
  readonly nodeId = 'local';
  readonly socketAdapter = undefined;
  remote(): RemoteRoom {
    return ALONE;
  }
  async startHeartbeat(): Promise<void> {}
  async close(): Promise<void> {}
}
