import type { Logger } from 'pino';
import type { MediaRoomApi } from '@yishi/sfu';
import {
  canPublish,
  Conflict,
  type NotificationName,
  type NotificationPayload,
  NotFound,
  type PeerInfo,
  type RtpCapabilities,
  type TokenClaims,
} from '@yishi/shared';
import type { YishiServer, YishiSocket } from '../socket/types.js';

interface Participant {
  info: PeerInfo;
  socket: YishiSocket;
}

/**
 * A room as the signaling layer sees it: who has joined (one connection per identity), and the
 * room's media. Media events are fanned out to the room's Socket.IO room here, in one place.
 */
export class Room {
  readonly id: string;
  readonly media: MediaRoomApi;
  readonly #io: YishiServer;
  readonly #log: Logger;
  readonly #participants = new Map<string, Participant>();

  constructor(id: string, media: MediaRoomApi, io: YishiServer, log: Logger) {
    this.id = id;
    this.media = media;
    this.#io = io;
    this.#log = log.child({ module: 'room', roomId: id });
    media.on('producerClosed', ({ peerId, producerId }) => this.#broadcast('producer:closed', { peerId, producerId }));
    media.on('consumerClosed', ({ peerId, consumerId }) => {
      this.#participants.get(peerId)?.socket.emit('consumer:closed', { consumerId });
    });
    media.on('activeSpeaker', (peerId) => this.#broadcast('speaker:active', { peerId }));
    media.on('reset', (reason) => this.#broadcast('media:reset', { reason }));
  }

  get size(): number {
    return this.#participants.size;
  }

  /**
   * Joins `socket` as `identity`. The newest connection of an identity wins: an older one is told
   * `session:replaced` and disconnected.
   */
  join(socket: YishiSocket, identity: TokenClaims, rtpCapabilities: RtpCapabilities): PeerInfo {
    const current = this.#participants.get(identity.sub);
    if (current?.socket === socket) throw new Conflict('already joined');
    if (current) {
      this.#log.info({ peerId: identity.sub }, 'identity joined again; replacing the older connection');
      current.socket.emit('session:replaced', {});
      this.leave(current.socket);
      current.socket.disconnect(true);
    }
    const info: PeerInfo = {
      id: identity.sub,
      name: identity.name,
      role: identity.role,
      ...(identity.sector ? { sector: identity.sector } : {}),
      joinedAt: Date.now(),
    };
    this.media.addPeer(info.id, { rtpCapabilities, canProduce: canPublish(identity.role) });
    this.#participants.set(info.id, { info, socket });
    socket.join(this.id);
    this.notifyOthers(socket, 'peer:joined', info);
    return info;
  }

  /** Removes the socket's participant, if it is the current one. Safe to call more than once. */
  leave(socket: YishiSocket): void {
    const peerId = socket.data.identity.sub;
    if (this.#participants.get(peerId)?.socket !== socket) return;
    this.#participants.delete(peerId);
    socket.leave(this.id);
    this.media.removePeer(peerId);
    this.#broadcast('peer:left', { peerId });
  }

  /** The peer id of a joined socket; refuses sockets that have not joined (or were replaced). */
  peerIdOf(socket: YishiSocket): string {
    const peerId = socket.data.identity.sub;
    if (this.#participants.get(peerId)?.socket !== socket) throw new NotFound('join the room first');
    return peerId;
  }

  peers(): PeerInfo[] {
    return [...this.#participants.values()].map((p) => p.info);
  }

  /** Sends a notification to everyone joined except `socket`. */
  notifyOthers<K extends NotificationName>(socket: YishiSocket, event: K, payload: NotificationPayload<K>): void {
    send(socket.to(this.id), event, payload);
  }

  #broadcast<K extends NotificationName>(event: K, payload: NotificationPayload<K>): void {
    send(this.#io.to(this.id), event, payload);
  }
}

/** Socket.IO's typed emit cannot take a generic event name; this narrows it once. */
function send<K extends NotificationName>(
  target: { emit: (...args: never[]) => unknown },
  event: K,
  payload: NotificationPayload<K>,
): void {
  (target.emit as (event: K, payload: NotificationPayload<K>) => unknown).call(target, event, payload);
}
