import type { Logger } from 'pino';
import type { MediaRoomApi } from '@yishi/sfu';
import {
  type Actor,
  AppError,
  type Command,
  type CommentView,
  canPublish,
  commentPage,
  commentView,
  Conflict,
  type DomainEvent,
  type JoinResult,
  minutesView,
  mayUseMicrophone,
  type NotificationName,
  type NotificationPayload,
  NotFound,
  type PeerInfo,
  type ProducerInfo,
  queueView,
  type RoomState,
  type RtpCapabilities,
  type SessionSnapshot,
  sessionView,
  type TokenClaims,
} from '@yishi/shared';
import { type SessionChange, type SessionService, SYSTEM } from '../sessions/SessionService.js';
import type { YishiServer, YishiSocket } from '../socket/types.js';
import type { PipeOffer } from '@yishi/sfu';
import type { NodeLink, Notice, PipeCall } from '../cluster/NodeLink.js';
import { RemoteMedia } from '../cluster/RemoteMedia.js';
import { Batcher } from './Batcher.js';

interface Participant {
  info: PeerInfo;
  socket: YishiSocket;
  /** What the floor allowed this participant's microphone when last checked. */
  micAllowed: boolean;
  /** The page they joined from (see `room:join`): the same page coming back resumes. */
  instanceId: string | undefined;
  /** While their connection is lost: they go when the timer fires, or come back first. */
  away?: { timer: NodeJS.Timeout; release: () => void } | undefined;
}

/** Recording a departure while the store is unreachable: tried again every 2 s for 5 minutes. */
const LEAVE_RETRY_MS = 2_000;
const LEAVE_ATTEMPTS = 150;

/** Comments a (re)joining client gets at once; older ones are paged. */
const SNAPSHOT_COMMENTS = 50;

export interface RoomOptions {
  /** See COMMENT_BATCH_MS in config.ts. */
  commentBatchMs: number;
  /** See RECONNECT_GRACE_SECONDS in config.ts. */
  reconnectGraceMs: number;
  /** This node's id (any fixed name when alone): it scopes the room's broadcast channels. */
  node: string;
  /** Set when this node is one of several: the room's media then spans them. */
  link?: NodeLink | undefined;
}

const isModerator = (role: PeerInfo['role']) => role === 'chair' || role === 'secretary';

/**
 * A room as the signaling layer sees it: who has joined (one connection per identity), its media,
 * and its consultation session. Media and session changes are fanned out to the room's sockets
 * here, in one place; so is floor control — after every change of the session, each
 * participant's microphone is allowed or gated in the SFU. Each node tells its own clients,
 * through Socket.IO rooms scoped to the node (`<room>@<node>`): with several nodes each applies
 * the session's log in order, so every client sees one order whichever node made a change. The
 * broadcasts still go through the adapter (a Redis stream with several nodes), which is what lets
 * a client that reconnects — to this node or another — be sent what it missed
 * (connection-state recovery).
 */
export class Room {
  readonly id: string;
  readonly media: MediaRoomApi;
  readonly #sessions: SessionService;
  readonly #io: YishiServer;
  readonly #log: Logger;
  readonly #graceMs: number;
  /** Socket.IO rooms this node broadcasts to: everyone here, and the two audiences. */
  readonly #channels: Record<'all' | 'moderators' | 'participants', string>;
  readonly #participants = new Map<string, Participant>();
  /** Ids of new comments, sent in batches under a burst. */
  readonly #newComments: Batcher<string>;
  /** The room's participants and media on other nodes (several nodes only). */
  readonly #remote: RemoteMedia | undefined;
  readonly #onChange = (change: SessionChange) => {
    if (change.sessionId === this.id) this.#publish(change);
  };

  constructor(
    id: string,
    media: MediaRoomApi,
    sessions: SessionService,
    io: YishiServer,
    log: Logger,
    options: RoomOptions,
  ) {
    this.id = id;
    this.#newComments = new Batcher(options.commentBatchMs, (ids) => this.#sendNewComments(ids));
    this.media = media;
    this.#sessions = sessions;
    this.#io = io;
    this.#graceMs = options.reconnectGraceMs;
    this.#channels = {
      all: `${id}@${options.node}`,
      moderators: `${id}:moderators@${options.node}`,
      participants: `${id}:participants@${options.node}`,
    };
    this.#log = log.child({ module: 'room', roomId: id });
    this.#remote =
      options.link &&
      new RemoteMedia(
        id,
        media,
        options.link,
        (event, payload) => this.#broadcast(event, payload),
        (peerIds) => {
          for (const peerId of peerIds) if (!this.#participants.has(peerId)) this.#recordLeave(peerId);
        },
        this.#log,
      );
    sessions.on('changed', this.#onChange);
    media.on('producerClosed', (info) => {
      this.#broadcast('producer:closed', info);
      this.#remote?.producerClosed(info.producerId);
    });
    media.on('producerPaused', (info) => {
      this.#broadcast('producer:paused', info);
      this.#remote?.producerPaused(info.producerId, true);
    });
    media.on('producerResumed', (info) => {
      this.#broadcast('producer:resumed', info);
      this.#remote?.producerPaused(info.producerId, false);
    });
    media.on('consumerClosed', ({ peerId, consumerId }) => {
      this.#participants.get(peerId)?.socket.emit('consumer:closed', { consumerId });
    });
    media.on('activeSpeaker', (peerId) => this.#broadcast('speaker:active', { peerId }));
    media.on('reset', (reason) => this.#broadcast('media:reset', { reason }));
  }

  /** Before first use: learns what other nodes have in the room and pipes their media in. */
  async start(): Promise<void> {
    await this.#remote?.start();
  }

  /** Drops participants and media of nodes that stopped heartbeating. */
  sweepRemote(): Promise<void> {
    return this.#remote?.sweep() ?? Promise.resolve();
  }

  /** A media notice from another node about this room. */
  hear(notice: Notice): void {
    if (notice.type === 'peer') this.#joinedElsewhere(notice.peer);
    this.#remote?.hear(notice);
  }

  /** Another node asks for one of this node's producers. */
  pipeOut(call: PipeCall, from: string): Promise<PipeOffer & { pipeId: string }> {
    if (!this.#remote) throw new NotFound('this node is alone');
    return this.#remote.pipeOut(call, from);
  }

  get size(): number {
    return this.#participants.size;
  }

  /**
   * Joins `socket` as `identity`: counted present in the session, given media, told the state
   * of the consultation. The same page (`instanceId`) coming back after a lost connection
   * resumes its participant and media. Otherwise the newest connection of an identity wins: an
   * older one is told `session:replaced` and disconnected.
   */
  async join(
    socket: YishiSocket,
    identity: TokenClaims,
    rtpCapabilities: RtpCapabilities,
    instanceId?: string,
  ): Promise<JoinResult> {
    const current = this.#participants.get(identity.sub);
    if (current?.socket === socket) throw new Conflict('already joined');
    if (current && instanceId !== undefined && current.instanceId === instanceId) return this.#resume(current, socket);
    const person = { id: identity.sub, name: identity.name, role: identity.role, sector: identity.sector };
    const { state } = await this.#sessions.get(this.id);
    // After the session closed, chair and secretary still come in to finish the minutes; that is not attendance.
    const attending = state.session.status !== 'closed';
    if (attending) await this.#sessions.execute(this.id, { type: 'participant.join', person }, SYSTEM);
    if (!socket.connected) {
      // Gone while we recorded the arrival: record the departure too, unless they are here on another connection.
      if (attending && !this.#participants.has(identity.sub)) this.#recordLeave(identity.sub);
      throw new NotFound('connection closed while joining');
    }
    const replaced = this.#participants.get(identity.sub);
    if (replaced) {
      this.#log.info({ peerId: identity.sub }, 'identity joined again; replacing the older connection');
      // The person stays present (on the new connection): their attendance goes on unbroken.
      this.#dismiss(replaced, 'session:replaced', {});
    }
    const info: PeerInfo = {
      id: identity.sub,
      name: identity.name,
      role: identity.role,
      ...(identity.sector ? { sector: identity.sector } : {}),
      joinedAt: Date.now(),
    };
    const micAllowed = mayUseMicrophone(state, info);
    this.media.addPeer(info.id, { rtpCapabilities, canProduce: canPublish(info.role), micAllowed });
    this.#participants.set(info.id, { info, socket, micAllowed, instanceId });
    this.#enter(socket, info.role);
    this.notifyOthers(socket, 'peer:joined', info);
    this.#remote?.peerJoined(info);
    return this.#joinResult(info, micAllowed, false);
  }

  /** The page of `participant` is back on a new connection: same participant, same media. */
  #resume(participant: Participant, socket: YishiSocket): JoinResult {
    const old = participant.socket;
    this.#back(participant);
    participant.socket = socket;
    this.#enter(socket, participant.info.role);
    // The server may not have noticed yet that the old connection is dead.
    if (old.connected) old.disconnect(true);
    this.#log.info({ peerId: participant.info.id }, 'participant resumed on a new connection');
    return this.#joinResult(participant.info, participant.micAllowed, true);
  }

  #joinResult(info: PeerInfo, micAllowed: boolean, resumed: boolean): JoinResult {
    return {
      self: info,
      peers: [...this.peers(), ...(this.#remote?.peers() ?? [])].filter((p) => p.id !== info.id),
      producers: this.media.producers().filter((p) => p.peerId !== info.id),
      snapshot: this.snapshot(isModerator(info.role)),
      micAllowed,
      activeSpeakerId: this.media.activeSpeaker(),
      resumed,
    };
  }

  /** Removes the socket's participant, if it is the current one. Safe to call more than once. */
  leave(socket: YishiSocket): void {
    const participant = this.#participants.get(socket.data.identity.sub);
    if (participant?.socket !== socket) return;
    this.#remove(participant);
  }

  /**
   * The socket's connection ended. When the client left on purpose (`clean`), its participant
   * goes now; when the connection was lost, participant and media wait for the page to come
   * back (`join` with the same instanceId) for the reconnect grace. Resolves when the connection
   * no longer holds the room open.
   */
  disconnected(socket: YishiSocket, clean: boolean): Promise<void> {
    const participant = this.#participants.get(socket.data.identity.sub);
    if (participant?.socket !== socket) return Promise.resolve();
    if (clean || this.#graceMs === 0) {
      this.#remove(participant);
      return Promise.resolve();
    }
    this.#log.info({ peerId: participant.info.id }, 'connection lost; keeping the participant for the grace');
    return new Promise((release) => {
      const timer = setTimeout(() => this.#remove(participant), this.#graceMs).unref();
      participant.away = { timer, release };
    });
  }

  /** Ends the participant's away time (they came back, or go now) and lets go of the room. */
  #back(participant: Participant): void {
    if (!participant.away) return;
    clearTimeout(participant.away.timer);
    participant.away.release();
    participant.away = undefined;
  }

  /** The same person joined on another node after joining here: the newest wins there too. */
  #joinedElsewhere(peer: PeerInfo): void {
    const local = this.#participants.get(peer.id);
    if (!local || local.info.joinedAt > peer.joinedAt) return;
    this.#log.info({ peerId: peer.id }, 'identity joined on another node; replacing the connection here');
    this.#dismiss(local, 'session:replaced', {});
  }

  /**
   * Closes a participant's connection, telling them why first: a newer connection of theirs
   * took over, or the chair removed them. Their attendance is not recorded here (they go on
   * elsewhere, or the removal recorded it).
   */
  #dismiss<K extends 'session:replaced' | 'session:removed'>(
    participant: Participant,
    event: K,
    payload: NotificationPayload<K>,
  ): void {
    const { socket } = participant;
    // Delivered at once, not through the adapter (which would only send it after the disconnect).
    send(this.#io.local.to(socket.id), event, payload);
    this.#remove(participant, false);
    socket.disconnect(true);
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

  /** Runs a command of the joined participant behind `socket` (see SessionService.execute). */
  execute(socket: YishiSocket, command: Command | ((state: RoomState) => Command)): Promise<SessionChange> {
    this.peerIdOf(socket);
    const { sub, name, role, sector } = socket.data.identity;
    const actor: Actor = { id: sub, name, role, sector };
    return this.#sessions.execute(this.id, command, actor);
  }

  /** The consultation as a client (re)joining sees it. */
  snapshot(moderator: boolean): SessionSnapshot {
    const state = this.#state();
    const comments = commentPage(state, { limit: SNAPSHOT_COMMENTS });
    const version = this.version();
    return {
      session: sessionView(state, version),
      queue: queueView(state, version, Date.now()),
      comments: comments.map((c) => commentView(c, moderator)),
      hasMoreComments: state.comments.length > comments.length,
      ...(moderator ? { minutes: minutesView(state, version, Date.now()) } : {}),
    };
  }

  /** Older comments for `socket`'s participant (hidden text only for moderators). */
  commentPage(
    socket: YishiSocket,
    before: string | undefined,
    limit: number,
  ): { comments: CommentView[]; hasMore: boolean } {
    const state = this.#state();
    const page = commentPage(state, { before, limit });
    const moderator = isModerator(socket.data.identity.role);
    const first = page[0];
    return {
      comments: page.map((c) => commentView(c, moderator)),
      hasMore: first !== undefined && (state.commentIndex[first.id] ?? 0) > 0,
    };
  }

  /** The chair mutes `peerId`'s microphone; they are told, and may unmute when the floor allows. */
  async muteMic(peerId: string): Promise<void> {
    const participant = this.#participants.get(peerId);
    if (!participant) throw new NotFound(`participant ${peerId} is not in the room`);
    await this.media.muteMic(peerId);
    participant.socket.emit('mic:state', { allowed: participant.micAllowed, mutedByChair: true });
  }

  /** A participant started publishing: everyone else here, and the other nodes, are told. */
  produced(socket: YishiSocket, producer: ProducerInfo): void {
    this.notifyOthers(socket, 'producer:new', producer);
    this.#remote?.producerAdded(producer);
  }

  /** Sends a notification to everyone joined except `socket`. */
  notifyOthers<K extends NotificationName>(socket: YishiSocket, event: K, payload: NotificationPayload<K>): void {
    send(this.#io.to(this.#channels.all).except(socket.id), event, payload);
  }

  /** Stops listening to the session; the registry calls it when the last connection is gone. */
  close(): void {
    for (const participant of this.#participants.values()) this.#back(participant);
    this.#sessions.off('changed', this.#onChange);
    this.#newComments.close();
    this.#remote?.close();
    this.media.close();
  }

  /** Drops a participant; `left` records that the person left the session (not so when replaced). */
  #remove(participant: Participant, left = true): void {
    const { info, socket } = participant;
    this.#back(participant);
    this.#participants.delete(info.id);
    socket.leave(this.#channels.all);
    socket.leave(this.#audience(info.role));
    this.media.removePeer(info.id);
    this.#broadcast('peer:left', { peerId: info.id });
    if (left) {
      this.#recordLeave(info.id);
      this.#remote?.peerLeft(info.id);
    }
  }

  /**
   * Records that `personId` left. While the store cannot be reached (Redis restarting) it tries
   * again, for a while, unless they are back here meanwhile.
   */
  #recordLeave(personId: string, attempt = 1): void {
    this.#sessions.execute(this.id, { type: 'participant.leave', personId }, SYSTEM).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'UNAVAILABLE' && attempt < LEAVE_ATTEMPTS) {
        setTimeout(() => {
          if (!this.#participants.has(personId)) this.#recordLeave(personId, attempt + 1);
        }, LEAVE_RETRY_MS).unref();
        return;
      }
      this.#log.error({ err, peerId: personId }, 'could not record leaving');
    });
  }

  /** Chair and secretary form one audience (they see hidden comments and the minutes), everyone else another. */
  #audience(role: PeerInfo['role']): string {
    return isModerator(role) ? this.#channels.moderators : this.#channels.participants;
  }

  /**
   * Puts a joined socket in this node's channels of the room. A socket recovered from another
   * node arrives in that node's channels (they carried what it missed): it leaves them now.
   */
  #enter(socket: YishiSocket, role: PeerInfo['role']): void {
    for (const channel of socket.rooms) if (channel !== socket.id) socket.leave(channel);
    socket.join([this.#channels.all, this.#audience(role)]);
  }

  /** The session as last stored; loaded before the room was opened (the handshake reads it). */
  #state(): RoomState {
    return this.#sessions.current(this.id).state;
  }

  /** The session's log version as last stored. */
  version(): number {
    return this.#sessions.current(this.id).version;
  }

  /** Tells every socket what changed, in the slices they render, and re-applies floor control. */
  #publish({ state, version, events }: SessionChange): void {
    const has = (test: (e: DomainEvent) => boolean) => events.some(test);
    const prefix =
      (...p: string[]) =>
      (e: DomainEvent) =>
        p.some((x) => e.type.startsWith(x));
    if (has(prefix('topic.', 'session.', 'agenda.', 'settings.'))) {
      this.#broadcast('session:state', sessionView(state, version));
    }
    if (has(prefix('queue.', 'turn.', 'agenda.', 'settings.', 'session.'))) {
      this.#broadcast('queue:state', queueView(state, version, Date.now()));
    }
    for (const event of events) {
      if (event.type === 'participant.removed') {
        const removed = this.#participants.get(event.data.personId);
        if (removed) this.#dismiss(removed, 'session:removed', { reason: event.data.reason });
      }
      if (event.type === 'comment.posted') this.#newComments.push(event.data.comment.id);
      if (event.type === 'comment.reacted' || event.type === 'comment.hidden') {
        this.#newComments.flush(); // an update never overtakes the comment it changes
        this.#sendUpdatedComment(event.data.commentId, state);
      }
    }
    if (has(prefix('minutes.', 'turn.'))) {
      send(this.#io.to(this.#channels.moderators), 'minutes:state', minutesView(state, version, Date.now()));
    }
    this.#applyFloor(state);
  }

  /** New comments as they are now (a reaction within the batch window is included), per audience. */
  #sendNewComments(ids: string[]): void {
    const state = this.#state();
    const comments = ids.map((id) => state.comments[state.commentIndex[id] ?? -1]).filter((c) => c !== undefined);
    if (comments.length === 0) return;
    send(this.#io.to(this.#channels.moderators), 'comments:added', {
      comments: comments.map((c) => commentView(c, true)),
    });
    send(this.#io.to(this.#channels.participants), 'comments:added', {
      comments: comments.map((c) => commentView(c, false)),
    });
  }

  #sendUpdatedComment(commentId: string, state: RoomState): void {
    const comment = state.comments[state.commentIndex[commentId] ?? -1];
    if (!comment) return;
    send(this.#io.to(this.#channels.moderators), 'comment:updated', commentView(comment, true));
    send(this.#io.to(this.#channels.participants), 'comment:updated', commentView(comment, false));
  }

  /** Floor control in the media: whoever may not speak now has their microphone paused in the SFU. */
  #applyFloor(state: RoomState): void {
    for (const participant of this.#participants.values()) {
      const allowed = mayUseMicrophone(state, participant.info);
      if (allowed === participant.micAllowed) continue;
      participant.micAllowed = allowed;
      participant.socket.emit('mic:state', { allowed, mutedByChair: false });
      this.media.setMicAllowed(participant.info.id, allowed).catch((err: unknown) => {
        this.#log.error({ err, peerId: participant.info.id }, 'could not apply floor control');
      });
    }
  }

  #broadcast<K extends NotificationName>(event: K, payload: NotificationPayload<K>): void {
    send(this.#io.to(this.#channels.all), event, payload);
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
