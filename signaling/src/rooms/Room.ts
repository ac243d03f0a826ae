import type { Logger } from 'pino';
import type { MediaRoomApi } from '@yishi/sfu';
import {
  answersOf,
  type Actor,
  type Command,
  type CommentView,
  canPublish,
  commentPage,
  commentView,
  Conflict,
  type JoinResult,
  minutesView,
  mayUseMicrophone,
  pollsView,
  sitesView,
  type NotificationName,
  type NotificationPayload,
  NotFound,
  personOfClaims,
  type PeerInfo,
  type ProducerInfo,
  queueView,
  type RoomState,
  type RtpCapabilities,
  type SessionSnapshot,
  sessionView,
} from '@yishi/shared';
import type { Cluster, RemoteRoom } from '../cluster/Cluster.js';
import type { SessionChange, SessionService } from '../sessions/SessionService.js';
import { Batcher } from './Batcher.js';
import type { Channels, Connection } from './channels.js';
import { notificationsFor } from './notifications.js';
import { type Participant, Presence } from './Presence.js';

/** Comments a (re)joining client gets at once; older ones are paged. */
const SNAPSHOT_COMMENTS = 50;

export interface RoomOptions {
  /** See COMMENT_BATCH_MS in config.ts. */
  commentBatchMs: number;
  /** See RECONNECT_GRACE_SECONDS in config.ts. */
  reconnectGraceMs: number;
  /** The other nodes: the room's media spans those hosting its participants. */
  cluster: Cluster;
}

const isModerator = (role: PeerInfo['role']) => role === 'chair' || role === 'secretary';

/**
 * A room as the signaling layer sees it: who has joined (one connection per identity, see
 * Presence), its media, and its consultation session. Media and session changes are fanned out
 * to the room's connections here, in one place (what an event tells whom: notificationsFor); so
 * is floor control — after every change of the session, each participant's microphone is
 * allowed or gated in the SFU. Each node tells its own clients, through channels scoped to the
 * node (`<room>@<node>`): with several nodes each applies the session's log in order, so every
 * client sees one order whichever node made a change. The broadcasts still go through the
 * Socket.IO adapter (a Redis stream with several nodes), which is what lets a client that
 * reconnects — to this node or another — be sent what it missed (connection-state recovery).
 */
export class Room {
  readonly id: string;
  readonly media: MediaRoomApi;
  readonly #sessions: SessionService;
  readonly #send: Channels['send'];
  readonly #log: Logger;
  /** The channels this node broadcasts to: everyone here, and the two audiences. */
  readonly #channels: Record<'all' | 'moderators' | 'participants', string>;
  readonly #presence: Presence;
  /** Keeps the session loaded while the room is open: views read it synchronously. */
  readonly #releaseSession: () => void;
  /** Every connection open to this room here, joined or not (a removal closes them all). */
  readonly #connections = new Set<Connection>();
  /** Ids of new comments, sent in batches under a burst. */
  readonly #newComments: Batcher<string>;
  /** The room's participants and media on other nodes. */
  readonly #remote: RemoteRoom;
  readonly #onChange = (change: SessionChange) => {
    if (change.sessionId === this.id) this.#publish(change);
  };
  #closed = false;

  constructor(
    id: string,
    media: MediaRoomApi,
    sessions: SessionService,
    channels: Channels,
    log: Logger,
    options: RoomOptions,
  ) {
    this.id = id;
    this.media = media;
    this.#sessions = sessions;
    this.#releaseSession = sessions.hold(id);
    this.#send = channels.send.bind(channels);
    const node = options.cluster.nodeId;
    this.#channels = {
      all: `${id}@${node}`,
      moderators: `${id}:moderators@${node}`,
      participants: `${id}:participants@${node}`,
    };
    this.#log = log.child({ module: 'room', roomId: id });
    this.#presence = new Presence(id, sessions, options.reconnectGraceMs, this.#log);
    this.#newComments = new Batcher(options.commentBatchMs, (ids) => this.#sendNewComments(ids));
    this.#remote = options.cluster.remote(
      id,
      media,
      {
        broadcast: (event, payload) => this.#broadcast(event, payload),
        joinedElsewhere: (peer) => this.#joinedElsewhere(peer),
        gone: (peerIds) => {
          for (const peerId of peerIds) if (!this.#presence.has(peerId)) this.#presence.recordLeave(peerId);
        },
      },
      this.#log,
    );
    sessions.on('changed', this.#onChange);
    media.on('producerClosed', (info) => {
      this.#broadcast('producer:closed', info);
      this.#remote.producerClosed(info.producerId);
    });
    media.on('producerPaused', (info) => {
      this.#broadcast('producer:paused', info);
      this.#remote.producerPaused(info.producerId, true);
    });
    media.on('producerResumed', (info) => {
      this.#broadcast('producer:resumed', info);
      this.#remote.producerPaused(info.producerId, false);
    });
    media.on('consumerClosed', ({ peerId, consumerId }) => {
      this.#presence.get(peerId)?.connection.send('consumer:closed', { consumerId });
    });
    media.on('activeSpeaker', (peerId) => this.#broadcast('speaker:active', { peerId }));
    media.on('reset', (reason) => this.#broadcast('media:reset', { reason }));
  }

  /** Before first use: learns what other nodes have in the room and pipes their media in. */
  start(): Promise<void> {
    return this.#remote.start();
  }

  get size(): number {
    return this.#presence.size;
  }

  /**
   * Joins `connection` as its identity: counted present in the session, given media, told the
   * state of the consultation. The same page (`instanceId`) coming back after a lost connection
   * resumes its participant and media. Otherwise the newest connection of an identity wins: an
   * older one is told `session:replaced` and disconnected.
   */
  async join(connection: Connection, rtpCapabilities: RtpCapabilities, instanceId?: string): Promise<JoinResult> {
    const { identity } = connection;
    const current = this.#presence.get(identity.sub);
    if (current?.connection === connection) throw new Conflict('already joined');
    if (current && instanceId !== undefined && current.instanceId === instanceId) {
      return this.#resume(current, connection);
    }
    const person = personOfClaims(identity);
    const { state } = await this.#sessions.get(this.id);
    // After the session closed, chair and secretary still come in to finish the minutes; that is not attendance.
    const attending = state.session.status !== 'closed';
    if (attending) await this.#presence.recordArrival(person);
    if (!connection.connected) {
      // Gone while we recorded the arrival: record the departure too, unless they are here on another connection.
      if (attending && !this.#presence.has(identity.sub)) this.#presence.recordLeave(identity.sub);
      throw new NotFound('connection closed while joining');
    }
    const replaced = this.#presence.get(identity.sub);
    if (replaced) {
      this.#log.info({ peerId: identity.sub }, 'identity joined again; replacing the older connection');
      // The person stays present (on the new connection): their attendance goes on unbroken.
      this.#dismiss(replaced, 'session:replaced', {});
    }
    const info: PeerInfo = { ...person, joinedAt: Date.now() };
    const micAllowed = mayUseMicrophone(state, info);
    this.media.addPeer(info.id, { rtpCapabilities, canProduce: canPublish(info.role), micAllowed });
    this.#presence.add({ info, connection, micAllowed, instanceId });
    this.#listen(connection, info.role);
    this.notifyOthers(connection, 'peer:joined', info);
    this.#remote.peerJoined(info);
    return this.#joinResult(info, micAllowed, false);
  }

  /** The page of `participant` is back on a new connection: same participant, same media. */
  #resume(participant: Participant, connection: Connection): JoinResult {
    const old = participant.connection;
    this.#presence.back(participant);
    participant.connection = connection;
    this.#listen(connection, participant.info.role);
    // The server may not have noticed yet that the old connection is dead.
    if (old.connected) old.disconnect();
    this.#log.info({ peerId: participant.info.id }, 'participant resumed on a new connection');
    return this.#joinResult(participant.info, participant.micAllowed, true);
  }

  #joinResult(info: PeerInfo, micAllowed: boolean, resumed: boolean): JoinResult {
    return {
      self: info,
      peers: [...this.#presence.peers(), ...this.#remote.peers()].filter((p) => p.id !== info.id),
      producers: this.media.producers().filter((p) => p.peerId !== info.id),
      snapshot: this.snapshot(info.id, isModerator(info.role)),
      micAllowed,
      activeSpeakerId: this.media.activeSpeaker(),
      resumed,
    };
  }

  /** A connection to this room was opened here (it has not joined yet). */
  connected(connection: Connection): void {
    this.#connections.add(connection);
  }

  /** Removes the connection's participant, if it is the current one. Safe to call more than once. */
  leave(connection: Connection): void {
    const participant = this.#presence.of(connection);
    if (participant) this.#remove(participant);
  }

  /**
   * The connection ended. When the client left on purpose (`clean`), its participant goes now;
   * when the connection was lost, participant and media wait for the page to come back (`join`
   * with the same instanceId) for the reconnect grace. Resolves when the connection no longer
   * holds the room open.
   */
  disconnected(connection: Connection, clean: boolean): Promise<void> {
    this.#connections.delete(connection);
    const participant = this.#presence.of(connection);
    if (!participant) return Promise.resolve();
    const remove = () => this.#remove(participant);
    if (!clean) return this.#presence.away(participant, remove);
    remove();
    return Promise.resolve();
  }

  /** The same person joined on another node after joining here: the newest wins there too. */
  #joinedElsewhere(peer: PeerInfo): void {
    const local = this.#presence.get(peer.id);
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
    const { connection } = participant;
    // At once: through the adapter it would only arrive after the disconnect.
    connection.sendAtOnce(event, payload);
    this.#remove(participant, false);
    connection.disconnect();
  }

  /** A removal is final: their participant goes, and so does every connection of theirs here, joined or not. */
  #dismissRemoved(personId: string, reason: string): void {
    const participant = this.#presence.get(personId);
    if (participant) this.#dismiss(participant, 'session:removed', { reason });
    for (const connection of this.#connections) {
      if (connection.identity.sub !== personId || !connection.connected) continue;
      connection.sendAtOnce('session:removed', { reason });
      connection.disconnect();
    }
  }

  /** The peer id of a joined connection; refuses connections that have not joined (or were replaced). */
  peerIdOf(connection: Connection): string {
    if (!this.#presence.of(connection)) throw new NotFound('join the room first');
    return connection.identity.sub;
  }

  /** Runs a command of the participant joined on `connection` (see SessionService.execute). */
  execute(connection: Connection, command: Command | ((state: RoomState) => Command)): Promise<SessionChange> {
    this.peerIdOf(connection);
    const actor: Actor = personOfClaims(connection.identity);
    return this.#sessions.execute(this.id, command, actor);
  }

  /** The consultation as `personId`, (re)joining, sees it. */
  snapshot(personId: string, moderator: boolean): SessionSnapshot {
    const state = this.#state();
    const comments = commentPage(state, { limit: SNAPSHOT_COMMENTS });
    const version = this.version();
    return {
      session: sessionView(state, version),
      queue: queueView(state, version, Date.now()),
      comments: comments.map((c) => commentView(c, moderator)),
      hasMoreComments: state.comments.length > comments.length,
      ...(moderator ? { minutes: minutesView(state, version, Date.now()) } : {}),
      polls: pollsView(state, version),
      sites: sitesView(state, version),
      myAnswers: answersOf(state, personId),
    };
  }

  /** Older comments for `connection`'s participant (hidden text only for moderators). */
  commentPage(
    connection: Connection,
    before: string | undefined,
    limit: number,
  ): { comments: CommentView[]; hasMore: boolean } {
    const state = this.#state();
    const page = commentPage(state, { before, limit });
    const moderator = isModerator(connection.identity.role);
    const first = page[0];
    return {
      comments: page.map((c) => commentView(c, moderator)),
      hasMore: first !== undefined && (state.commentIndex[first.id] ?? 0) > 0,
    };
  }

  /** The chair mutes `peerId`'s microphone; they are told, and may unmute when the floor allows. */
  async muteMic(peerId: string): Promise<void> {
    const participant = this.#presence.get(peerId);
    if (!participant) throw new NotFound(`participant ${peerId} is not in the room`);
    await this.media.muteMic(peerId);
    participant.connection.send('mic:state', { allowed: participant.micAllowed, mutedByChair: true });
  }

  /** A participant started publishing: everyone else here, and the other nodes, are told. */
  produced(connection: Connection, producer: ProducerInfo): void {
    this.notifyOthers(connection, 'producer:new', producer);
    this.#remote.producerAdded(producer);
  }

  /** Sends a notification to everyone joined except `connection`. */
  notifyOthers<K extends NotificationName>(connection: Connection, event: K, payload: NotificationPayload<K>): void {
    this.#send(this.#channels.all, event, payload, connection);
  }

  /** Stops listening to the session and closes the media; the registry calls it when the last connection is gone. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#presence.close();
    this.#sessions.off('changed', this.#onChange);
    this.#releaseSession();
    this.#newComments.close();
    this.#remote.close();
    this.media.close();
  }

  /** Drops a participant; `left` records that the person left the session (not so when replaced). */
  #remove(participant: Participant, left = true): void {
    const { info, connection } = participant;
    this.#presence.delete(participant);
    connection.stopListening([this.#channels.all, this.#audience(info.role)]);
    this.media.removePeer(info.id);
    this.#broadcast('peer:left', { peerId: info.id });
    if (left) {
      this.#presence.recordLeave(info.id);
      this.#remote.peerLeft(info.id);
    }
  }

  /** Chair and secretary form one audience (they see hidden comments and the minutes), everyone else another. */
  #audience(role: PeerInfo['role']): string {
    return isModerator(role) ? this.#channels.moderators : this.#channels.participants;
  }

  /** Puts a joined connection in this node's channels of the room (and out of any other node's). */
  #listen(connection: Connection, role: PeerInfo['role']): void {
    connection.listen([this.#channels.all, this.#audience(role)]);
  }

  /** The session as last stored; loaded before the room was opened (the handshake reads it). */
  #state(): RoomState {
    return this.#sessions.current(this.id).state;
  }

  /** The session's log version as last stored. */
  version(): number {
    return this.#sessions.current(this.id).version;
  }

  /** Tells every connection what changed, in the slices they render, and re-applies floor control. */
  #publish({ state, version, events }: SessionChange): void {
    const notifications = events.flatMap(notificationsFor);
    const has = (name: NotificationName) => notifications.some((n) => n.name === name);
    if (has('session:state')) this.#broadcast('session:state', sessionView(state, version));
    if (has('queue:state')) this.#broadcast('queue:state', queueView(state, version, Date.now()));
    if (has('polls:state')) this.#broadcast('polls:state', pollsView(state, version));
    if (has('sites:state')) this.#broadcast('sites:state', sitesView(state, version));
    for (const notification of notifications) {
      if (notification.name === 'session:removed') {
        this.#dismissRemoved(notification.personId, notification.reason);
      } else if (notification.name === 'comments:added') {
        this.#newComments.push(notification.commentId);
      } else if (notification.name === 'comment:updated') {
        this.#newComments.flush(); // an update never overtakes the comment it changes
        this.#sendUpdatedComment(notification.commentId, state);
      }
    }
    if (has('minutes:state')) this.#toModerators('minutes:state', () => minutesView(state, version, Date.now()));
    this.#applyFloor(state);
  }

  /**
   * Sends a moderators' view to this node's moderators' channel — built only when chair or
   * secretary is in the room here (or away for the reconnect grace, their missed broadcasts kept
   * for them). Without anyone in it, building one (the minutes grow with every turn) and passing
   * it through the adapter (with several nodes, a Redis stream entry every other node reads and
   * decodes) reaches nobody; a moderator who joins later is given the snapshot.
   */
  #toModerators<K extends NotificationName>(event: K, payload: () => NotificationPayload<K>): void {
    if (this.#moderatorHere()) this.#send(this.#channels.moderators, event, payload());
  }

  /** A chair or secretary is in the room on this node (a loop, not a copy of everyone: this runs on every broadcast). */
  #moderatorHere(): boolean {
    for (const participant of this.#presence.all()) if (isModerator(participant.info.role)) return true;
    return false;
  }

  /** New comments as they are now (a reaction within the batch window is included), per audience. */
  #sendNewComments(ids: string[]): void {
    const state = this.#state();
    const comments = ids.map((id) => state.comments[state.commentIndex[id] ?? -1]).filter((c) => c !== undefined);
    if (comments.length === 0) return;
    this.#toModerators('comments:added', () => ({ comments: comments.map((c) => commentView(c, true)) }));
    this.#send(this.#channels.participants, 'comments:added', {
      comments: comments.map((c) => commentView(c, false)),
    });
  }

  #sendUpdatedComment(commentId: string, state: RoomState): void {
    const comment = state.comments[state.commentIndex[commentId] ?? -1];
    if (!comment) return;
    this.#toModerators('comment:updated', () => commentView(comment, true));
    this.#send(this.#channels.participants, 'comment:updated', commentView(comment, false));
  }

  /** Floor control in the media: whoever may not speak now has their microphone paused in the SFU. */
  #applyFloor(state: RoomState): void {
    for (const participant of this.#presence.all()) {
      const allowed = mayUseMicrophone(state, participant.info);
      if (allowed === participant.micAllowed) continue;
      participant.micAllowed = allowed;
      participant.connection.send('mic:state', { allowed, mutedByChair: false });
      this.media.setMicAllowed(participant.info.id, allowed).catch((err: unknown) => {
        this.#log.error({ err, peerId: participant.info.id }, 'could not apply floor control');
      });
    }
  }

  #broadcast<K extends NotificationName>(event: K, payload: NotificationPayload<K>): void {
    this.#send(this.#channels.all, event, payload);
  }
}
