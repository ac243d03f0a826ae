import type { Logger } from 'pino';
import type { MediaRoomApi, PipeOffer } from '@yishi/sfu';
import { NotFound, type PeerInfo, type ProducerInfo } from '@yishi/shared';
import type { RemoteRoom, RoomHooks } from './Cluster.js';
import type { Directory, MediaNotice, NodeLink, Notice, PipeCall } from './NodeLink.js';

/** Retrying a notice that could not be sent (Redis unreachable): from this, doubling, up to the cap. */
const RETRY_MS = 250;
const RETRY_MAX_MS = 2_000;

/**
 * The part of a room that lives on other nodes. This node's peers and producers are announced
 * to them; theirs are listed here, and every producer of theirs is piped into this node's router
 * as soon as this node hosts the room, so local clients consume it like any other. Floor control
 * needs nothing here: a gated microphone is paused at its own node, so no packet enters the pipe.
 */
export class RemoteMedia implements RemoteRoom {
  readonly #sessionId: string;
  readonly #media: MediaRoomApi;
  readonly #link: NodeLink;
  readonly #room: RoomHooks;
  /** The node's started rooms, by session id: this one is listed from `start` to `close`. */
  readonly #open: Map<string, RemoteMedia>;
  readonly #log: Logger;
  /** Participants on other nodes, and which node. */
  readonly #peers = new Map<string, { node: string; peer: PeerInfo }>();
  /** Producers of other nodes piped in here, with our pipe end. */
  readonly #pipedIn = new Map<string, { node: string; pipeId: string; peerId: string }>();
  /** Pipes this node sends, per node they go to. */
  readonly #pipesOut = new Map<string, Set<string>>();
  /** The last notice sent (or still being tried): the next one goes after it. */
  #announced: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    sessionId: string,
    media: MediaRoomApi,
    link: NodeLink,
    room: RoomHooks,
    open: Map<string, RemoteMedia>,
    log: Logger,
  ) {
    this.#sessionId = sessionId;
    this.#media = media;
    this.#link = link;
    this.#room = room;
    this.#open = open;
    this.#log = log.child({ module: 'remote-media' });
  }

  /** Reads who is on the other nodes now and pipes in what they publish. */
  async start(): Promise<void> {
    const { peers, producers } = await this.#link.directory(this.#sessionId);
    for (const entry of peers) this.#peers.set(entry.peer.id, entry);
    // Not awaited: a pipe from a node that died unnoticed would hold the first join for its call
    // timeout. Each piped producer is announced here as it arrives (producer:new), and a join
    // lists those already in.
    for (const { node, producer } of producers) void this.#pipeIn(node, producer);
    if (!this.#closed) this.#open.set(this.#sessionId, this);
  }

  /** Participants on other nodes, for someone joining here. */
  peers(): PeerInfo[] {
    return [...this.#peers.values()].map((entry) => entry.peer);
  }

  /**
   * Someone joined here. If another node still lists them (it died, or they moved faster than it
   * noticed), that entry is stale: forgotten here, so that dropping that node later does not
   * announce that they left.
   */
  peerJoined(peer: PeerInfo): void {
    this.#peers.delete(peer.id);
    this.#announce({ type: 'peer', peer });
  }

  peerLeft(peerId: string): void {
    this.#announce({ type: 'peer-left', peerId });
  }

  producerAdded(producer: ProducerInfo): void {
    this.#announce({ type: 'producer', producer });
  }

  /** A producer closed here: if it was one of ours (not piped in), the other nodes drop it. */
  producerClosed(producerId: string): void {
    if (this.#pipedIn.delete(producerId)) return;
    this.#announce({ type: 'producer-closed', producerId });
  }

  /** A producer here was paused or resumed: if it is one of ours, piped copies follow. */
  producerPaused(producerId: string, paused: boolean): void {
    if (this.#pipedIn.has(producerId)) return;
    this.#announce({ type: 'producer-paused', producerId, paused });
  }

  /** Another node asks for one of our producers. */
  async pipeOut(call: PipeCall, from: string): Promise<PipeOffer & { pipeId: string }> {
    const { producerId, ip, port, srtpParameters } = call;
    const offer = await this.#media.pipes.pipeOut(producerId, { ip, port, srtpParameters });
    const pipes = this.#pipesOut.get(from) ?? new Set<string>();
    this.#pipesOut.set(from, pipes.add(offer.pipeId));
    return offer;
  }

  /** What other nodes announce for this session. */
  hear(notice: Notice): void {
    if (this.#closed) return;
    switch (notice.type) {
      case 'peer':
        this.#room.joinedElsewhere(notice.peer);
        this.#peers.set(notice.peer.id, { node: notice.node, peer: notice.peer });
        this.#room.broadcast('peer:joined', notice.peer);
        break;
      case 'peer-left':
        // Only from the node they were on: they may already be back, here or at a third node.
        if (this.#peers.get(notice.peerId)?.node !== notice.node) break;
        this.#peers.delete(notice.peerId);
        this.#room.broadcast('peer:left', { peerId: notice.peerId });
        break;
      case 'producer':
        void this.#pipeIn(notice.node, notice.producer);
        break;
      case 'producer-closed': {
        const piped = this.#pipedIn.get(notice.producerId);
        // Closing our end closes the piped producer; MediaRoom reports that as producerClosed.
        if (piped) this.#media.pipes.closePipe(piped.pipeId);
        break;
      }
      case 'producer-paused':
        if (this.#pipedIn.has(notice.producerId)) {
          this.#media.pipes
            .setPipedPaused(notice.producerId, notice.paused)
            .catch((err: unknown) => this.#log.debug({ err }, 'piped producer not ready for a pause yet'));
        }
        break;
      case 'room-closed':
        this.#closePipesTo(notice.node);
        break;
      case 'directory':
        this.#reconcile(notice);
        break;
    }
  }

  /**
   * After this node was cut off from Redis (and so missed notices): the session's directory is
   * the truth. Who left meanwhile leaves here, who came arrives, what was published is piped in,
   * what closed is closed.
   */
  #reconcile({ peers, producers }: Directory): void {
    const listed = new Map(peers.map((entry) => [entry.peer.id, entry]));
    for (const [peerId, entry] of this.#peers) {
      if (listed.get(peerId)?.node === entry.node) continue;
      this.#peers.delete(peerId);
      this.#room.broadcast('peer:left', { peerId });
    }
    for (const [peerId, entry] of listed) {
      if (this.#peers.get(peerId)?.node === entry.node) continue;
      this.#peers.set(peerId, entry);
      this.#room.broadcast('peer:joined', entry.peer);
    }
    const published = new Set(producers.map((entry) => entry.producer.producerId));
    for (const [producerId, { pipeId }] of this.#pipedIn) {
      if (!published.has(producerId)) this.#media.pipes.closePipe(pipeId);
    }
    for (const { node, producer } of producers) void this.#pipeIn(node, producer);
  }

  /**
   * Drops what belongs to nodes that stopped heartbeating (killed, or cut off): their
   * participants leave the room here and their piped producers close.
   */
  async sweep(): Promise<void> {
    const nodes = new Set([
      ...[...this.#peers.values(), ...this.#pipedIn.values()].map((entry) => entry.node),
      ...this.#pipesOut.keys(),
    ]);
    if (nodes.size === 0) return;
    const alive = await this.#link.alive([...nodes]);
    for (const node of nodes) {
      if (alive.has(node) || this.#closed) continue;
      const peers = [...this.#peers].filter(([, e]) => e.node === node).map(([id]) => id);
      const producers = [...this.#pipedIn].filter(([, e]) => e.node === node);
      for (const peerId of peers) {
        this.#peers.delete(peerId);
        this.#room.broadcast('peer:left', { peerId });
      }
      for (const [, { pipeId }] of producers) this.#media.pipes.closePipe(pipeId);
      this.#closePipesTo(node); // nobody there to receive them
      const forgotten = await this.#link.forget(this.#sessionId, node, {
        peers,
        producers: producers.map(([id]) => id),
      });
      // Their connections died with that node: they have left, unless back elsewhere (their row rewritten).
      if (forgotten.peers.length > 0) this.#room.gone(forgotten.peers);
    }
  }

  /** Stops sending this node's media to `node` (its room closed, or it is gone). */
  #closePipesTo(node: string): void {
    for (const pipeId of this.#pipesOut.get(node) ?? []) this.#media.pipes.closePipe(pipeId);
    this.#pipesOut.delete(node);
  }

  /** The room closes on this node (its last connection left). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#open.get(this.#sessionId) === this) this.#open.delete(this.#sessionId);
    this.#link.release(this.#sessionId);
    this.#announce({ type: 'room-closed' });
  }

  async #pipeIn(node: string, producer: ProducerInfo): Promise<void> {
    if (this.#pipedIn.has(producer.producerId)) return;
    const pipes = this.#media.pipes;
    let pipeId: string | undefined;
    try {
      const end = await pipes.openPipeIn();
      pipeId = end.pipeId;
      this.#pipedIn.set(producer.producerId, { node, pipeId, peerId: producer.peerId });
      const offer = await this.#link.requestPipe(node, {
        sessionId: this.#sessionId,
        producerId: producer.producerId,
        ip: end.ip,
        port: end.port,
        srtpParameters: end.srtpParameters,
      });
      if (this.#closed || !this.#pipedIn.has(producer.producerId)) throw new NotFound('no longer wanted');
      const info = await pipes.completePipeIn(pipeId, offer);
      this.#room.broadcast('producer:new', info);
    } catch (err) {
      this.#pipedIn.delete(producer.producerId);
      if (pipeId) pipes.closePipe(pipeId);
      if (!this.#closed) this.#log.warn({ err, producerId: producer.producerId, node }, 'could not pipe in a producer');
    }
  }

  /**
   * Tells the other nodes (and the session's directory), one notice after the other, in order:
   * a `peer` must never land after the `peer-left` that followed it. A notice that cannot be
   * sent — Redis is down or restarting — is tried again (backing off) until it goes, and the
   * later ones wait behind it, so the other nodes do not keep showing someone who left meanwhile.
   */
  #announce(notice: MediaNotice): void {
    this.#announced = this.#announced.then(async () => {
      for (let delay = RETRY_MS; !this.#link.closed; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
        try {
          return await this.#link.publish(this.#sessionId, notice);
        } catch (err) {
          if (delay === RETRY_MS)
            this.#log.warn({ err, notice: notice.type }, 'could not tell the other nodes; retrying');
          await new Promise((resolve) => setTimeout(resolve, delay).unref());
        }
      }
    });
  }
}
