import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { PipeAddress, PipeOffer } from '@yishi/sfu';
import { AppError, type ErrorCode, type PeerInfo, type ProducerInfo } from '@yishi/shared';
import { type RedisClient, redisClient } from '../redis/client.js';
import type { RedisKeys } from '../redis/keys.js';

/** What one node tells the others about the media of a session it hosts participants of. */
export type MediaNotice =
  | { type: 'peer'; peer: PeerInfo }
  | { type: 'peer-left'; peerId: string }
  | { type: 'producer'; producer: ProducerInfo }
  | { type: 'producer-closed'; producerId: string }
  /** Paused or resumed at its own node (e.g. floor control): piped copies follow, for the UI. */
  | { type: 'producer-paused'; producerId: string; paused: boolean }
  /** This node's room for the session closed: pipes sent to it can close. */
  | { type: 'room-closed' };

export type Notice = (
  | MediaNotice
  /**
   * Not sent between nodes: after this node's connection to Redis came back, the session's
   * directory as it is now, standing in for any notices published while it was away.
   */
  | ({ type: 'directory' } & Directory)
) & { sessionId: string; node: string };

/** Asks the node hosting `producerId` to pipe it to this node's pipe end (address and SRTP keys). */
export interface PipeCall extends PipeAddress {
  sessionId: string;
  producerId: string;
}

export interface Directory {
  peers: Array<{ node: string; peer: PeerInfo }>;
  producers: Array<{ node: string; producer: ProducerInfo }>;
}

type Envelope =
  | { kind: 'call'; id: string; from: string; call: PipeCall }
  | { kind: 'reply'; id: string; ok: true; offer: PipeOffer & { pipeId: string } }
  | { kind: 'reply'; id: string; ok: false; code: ErrorCode; message: string };

/** After a failed catch-up read (the publishing connection may come back later than the subscriber). */
const RESYNC_RETRY_MS = 500;
/** A pipe request not answered in this time fails (the other node is gone or overloaded). */
const CALL_TIMEOUT_MS = 5_000;
/** A node refreshes its `alive` key this often; the key expires after HEARTBEAT_TTL_MS without one. */
const HEARTBEAT_MS = 2_000;
const HEARTBEAT_TTL_MS = 6_000;

/**
 * Removes a session's directory entries (KEYS[1], a hash of JSON rows `{ node, … }`) only while
 * they are still the ones node ARGV[1] wrote: a person who has meanwhile joined again at another
 * node (their row rewritten by it) keeps their row. ARGV[2…]: the fields. Returns the fields
 * removed: of several nodes sweeping the same gone node, exactly one removes each.
 */
const FORGET_OWN = `
local removed = {}
for i = 2, #ARGV do
  local row = redis.call('HGET', KEYS[1], ARGV[i])
  if row and cjson.decode(row).node == ARGV[1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
    removed[#removed + 1] = ARGV[i]
  end
end
return removed
`;

/**
 * The nodes of one deployment talking over Redis about media: notices on one channel (and a
 * directory per session, for a room opening later), and pipe requests to one node's own channel.
 */
export class NodeLink {
  readonly nodeId = randomUUID();
  readonly #pub: RedisClient;
  readonly #sub: RedisClient;
  readonly #keys: RedisKeys;
  readonly #log: Logger;
  readonly #noticeListeners: Array<(notice: Notice) => void> = [];
  readonly #pending = new Map<
    string,
    { resolve: (offer: PipeOffer & { pipeId: string }) => void; reject: (err: Error) => void }
  >();
  #serve: ((call: PipeCall, from: string) => Promise<PipeOffer & { pipeId: string }>) | undefined;
  /** Sessions this node has a room for (it read their directory and has not released them). */
  readonly #sessions = new Set<string>();
  #heartbeat: NodeJS.Timeout | undefined;
  #beat: (() => Promise<void>) | undefined;
  /** When this node's connection to Redis last came back (0: never lost). */
  #reconnectedAt = 0;
  #closed = false;

  static async open(url: string, keys: RedisKeys, log: Logger): Promise<NodeLink> {
    const pub = redisClient(url);
    await pub.connect();
    const sub = pub.duplicate();
    sub.on('error', () => {});
    await sub.connect();
    const link = new NodeLink(pub, sub, keys, log);
    await sub.subscribe(keys.media, (message) => link.#onNotice(message));
    await sub.subscribe(keys.node(link.nodeId), (message) => link.#onEnvelope(message));
    // Back after Redis was unreachable (restarted, say): beat at once, and give the other nodes a
    // full heartbeat period to do the same before judging them (see `alive`).
    pub.on('ready', () => {
      link.#reconnectedAt = Date.now();
      void link.#beat?.();
    });
    // Subscribed again after a reconnect: what was published meanwhile is lost, so every room
    // here re-reads its session's directory.
    sub.on('ready', () => void link.#resync());
    return link;
  }

  /** True once `close` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Keeps this node listed as alive with its load (`load()` is called at every beat) until
   * `close`. Other nodes treat a node whose key expired as gone (see `alive`). While Redis cannot
   * be reached the beats fail (logged once) and the next one after it is back lists the node again.
   */
  async startHeartbeat(load: () => Record<string, number>): Promise<void> {
    const set = () =>
      this.#pub.set(this.#keys.alive(this.nodeId), JSON.stringify({ ...load(), at: Date.now() }), {
        expiration: { type: 'PX', value: HEARTBEAT_TTL_MS },
      });
    await set();
    let failing = false;
    this.#beat = () =>
      set().then(
        () => {
          if (failing) this.#log.info('heartbeat restored');
          failing = false;
        },
        (err: unknown) => {
          if (!failing && !this.#closed) this.#log.warn({ err }, 'heartbeat failed (Redis unreachable?)');
          failing = true;
        },
      );
    this.#heartbeat = setInterval(() => void this.#beat?.(), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /**
   * Which of `nodes` still heartbeat. Right after this node's own connection to Redis came back,
   * every node counts as alive for one heartbeat period: the others' keys may have expired while
   * Redis was down (or while it restarted from its AOF), and they need a moment to beat again —
   * dropping them then would remove participants who never left.
   */
  async alive(nodes: string[]): Promise<Set<string>> {
    if (nodes.length === 0) return new Set();
    if (Date.now() - this.#reconnectedAt < HEARTBEAT_TTL_MS) return new Set(nodes);
    const values = await this.#pub.mGet(nodes.map((n) => this.#keys.alive(n)));
    return new Set(nodes.filter((_, i) => values[i] !== null));
  }

  /**
   * Removes a gone node's entries from a session's directory (any node may do it, more than
   * once); a person who has since joined at another node keeps the entry that node wrote.
   */
  async forget(
    sessionId: string,
    node: string,
    entries: { peers: string[]; producers: string[] },
  ): Promise<{ peers: string[] }> {
    if (entries.producers.length > 0) await this.#pub.hDel(this.#keys.producers(sessionId), entries.producers);
    const peers =
      entries.peers.length > 0
        ? ((await this.#pub.eval(FORGET_OWN, {
            keys: [this.#keys.peers(sessionId)],
            arguments: [node, ...entries.peers],
          })) as string[])
        : [];
    this.#log.info({ sessionId, node, ...entries, removed: peers }, 'forgot a node that stopped heartbeating');
    return { peers };
  }

  private constructor(pub: RedisClient, sub: RedisClient, keys: RedisKeys, log: Logger) {
    this.#pub = pub;
    this.#sub = sub;
    this.#keys = keys;
    this.#log = log.child({ module: 'node-link' });
  }

  /** Records `notice` in the session's directory and tells every node (this one hears it too, and ignores it). */
  async publish(sessionId: string, notice: MediaNotice): Promise<void> {
    const node = this.nodeId;
    const k = this.#keys;
    const multi = this.#pub.multi();
    if (notice.type === 'peer') {
      multi.hSet(k.peers(sessionId), notice.peer.id, JSON.stringify({ node, peer: notice.peer }));
    } else if (notice.type === 'peer-left') {
      // Only this node's row: the person may already have joined again at another node.
      multi.eval(FORGET_OWN, { keys: [k.peers(sessionId)], arguments: [node, notice.peerId] });
    } else if (notice.type === 'producer') {
      multi.hSet(
        k.producers(sessionId),
        notice.producer.producerId,
        JSON.stringify({ node, producer: notice.producer }),
      );
    } else if (notice.type === 'producer-closed') {
      multi.hDel(k.producers(sessionId), notice.producerId);
    } else if (notice.type === 'producer-paused') {
      // The directory keeps the state too, for a node that pipes the producer in later.
      const row = await this.#pub.hGet(k.producers(sessionId), notice.producerId);
      if (row) {
        const entry = JSON.parse(row) as { node: string; producer: ProducerInfo };
        entry.producer.paused = notice.paused;
        multi.hSet(k.producers(sessionId), notice.producerId, JSON.stringify(entry));
      }
    }
    multi.publish(k.media, JSON.stringify({ ...notice, sessionId, node } satisfies Notice));
    await multi.exec();
  }

  onNotice(listener: (notice: Notice) => void): void {
    this.#noticeListeners.push(listener);
  }

  /**
   * The peers and producers other nodes have in `sessionId` now. The session then counts as open
   * here (its directory is read again after a reconnect) until `release`.
   */
  async directory(sessionId: string): Promise<Directory> {
    this.#sessions.add(sessionId);
    const [peers, producers] = await Promise.all([
      this.#pub.hVals(this.#keys.peers(sessionId)),
      this.#pub.hVals(this.#keys.producers(sessionId)),
    ]);
    const others = <T extends { node: string }>(rows: string[]) =>
      rows.map((row) => JSON.parse(row) as T).filter((row) => row.node !== this.nodeId);
    return { peers: others(peers), producers: others(producers) };
  }

  /** This node's room for `sessionId` closed. */
  release(sessionId: string): void {
    this.#sessions.delete(sessionId);
  }

  /** Answers other nodes' pipe requests with `handler`. */
  serve(handler: (call: PipeCall, from: string) => Promise<PipeOffer & { pipeId: string }>): void {
    this.#serve = handler;
  }

  /** Asks `node` to pipe a producer here. */
  requestPipe(node: string, call: PipeCall): Promise<PipeOffer & { pipeId: string }> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new AppError('UNAVAILABLE', `node ${node} did not answer a pipe request`));
      }, CALL_TIMEOUT_MS);
      this.#pending.set(id, {
        resolve: (offer) => {
          clearTimeout(timer);
          resolve(offer);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      const envelope: Envelope = { kind: 'call', id, from: this.nodeId, call };
      this.#pub.publish(this.#keys.node(node), JSON.stringify(envelope)).catch((err: Error) => {
        this.#pending.get(id)?.reject(err);
        this.#pending.delete(id);
      });
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    // Gone at once for the others, rather than after the heartbeat's expiry.
    await this.#pub.del(this.#keys.alive(this.nodeId)).catch(() => {});
    for (const { reject } of this.#pending.values()) reject(new AppError('UNAVAILABLE', 'node shutting down'));
    this.#pending.clear();
    await this.#sub.close().catch(() => {});
    await this.#pub.close().catch(() => {});
  }

  /** Tells every open session's room its directory as it is now (retrying until Redis answers). */
  async #resync(): Promise<void> {
    for (const sessionId of this.#sessions) {
      for (;;) {
        if (this.#closed || !this.#sessions.has(sessionId)) break;
        const directory = await this.directory(sessionId).catch(() => undefined);
        if (directory) {
          const notice: Notice = { type: 'directory', ...directory, sessionId, node: this.nodeId };
          for (const listener of this.#noticeListeners) listener(notice);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, RESYNC_RETRY_MS));
      }
    }
  }

  #onNotice(message: string): void {
    const notice = parse<Notice>(message);
    if (!notice || notice.node === this.nodeId) return;
    for (const listener of this.#noticeListeners) listener(notice);
  }

  #onEnvelope(message: string): void {
    const envelope = parse<Envelope>(message);
    if (!envelope) return;
    if (envelope.kind === 'reply') {
      const pending = this.#pending.get(envelope.id);
      this.#pending.delete(envelope.id);
      if (!pending) return;
      if (envelope.ok) pending.resolve(envelope.offer);
      else pending.reject(new AppError(envelope.code, envelope.message));
      return;
    }
    const { id, from, call } = envelope;
    const serve = this.#serve ?? (() => Promise.reject(new AppError('UNAVAILABLE', 'this node serves no pipes')));
    serve(call, from)
      .then(
        (offer): Envelope => ({ kind: 'reply', id, ok: true, offer }),
        (err: unknown): Envelope => ({
          kind: 'reply',
          id,
          ok: false,
          code: err instanceof AppError ? err.code : 'INTERNAL',
          message: err instanceof AppError ? err.message : 'pipe failed',
        }),
      )
      .then((reply) => this.#pub.publish(this.#keys.node(from), JSON.stringify(reply)))
      .catch((err: unknown) => this.#log.warn({ err, from }, 'could not answer a pipe request'));
  }
}

function parse<T>(message: string): T | undefined {
  try {
    return JSON.parse(message) as T;
  } catch {
    return undefined;
  }
}
