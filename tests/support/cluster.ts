import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommentView, PeerInfo, QueueView, Role } from '@yishi/shared';
import type { TestClient } from './client.js';
import { RedisServer } from './redis.js';
import { ClientPool, type Joined } from './room.js';
import { freePort, ServerProcess } from './serverProcess.js';

/**
 * Several Yishi nodes (real server processes, `node signaling/dist/main.js`) sharing one real
 * redis-server, all serving one room: for tests and benchmarks of what a deployment does when a
 * node or Redis fails. A node keeps its port across restarts; keys are under a fresh prefix.
 */
export class Cluster {
  readonly redis: RedisServer;
  readonly room: string;
  readonly prefix = `yishi-${randomUUID().slice(0, 8)}:`;
  readonly pool = new ClientPool();
  readonly #nodes = new Map<string, ServerProcess>();
  readonly #ports = new Map<string, number>();
  readonly #dirs: string[] = [];

  private constructor(redis: RedisServer, room: string) {
    this.redis = redis;
    this.room = room;
  }

  /** A redis-server and one node per name (started one after the other: the first creates the room). */
  static async start(room: string, names: string[]): Promise<Cluster> {
    const cluster = new Cluster(await RedisServer.start(), room);
    try {
      for (const name of names) await cluster.startNode(name);
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** Starts node `name` (again), on its own port and a fresh DATA_DIR. */
  async startNode(name: string): Promise<ServerProcess> {
    if (this.#nodes.get(name)?.running) throw new Error(`node ${name} is already running`);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `yishi-node-${name}-`));
    this.#dirs.push(dataDir);
    const port = this.#ports.get(name) ?? (await freePort());
    this.#ports.set(name, port);
    const node = await ServerProcess.start({
      dataDir,
      port,
      demoRoom: this.room,
      env: { REDIS_URL: this.redis.url, REDIS_PREFIX: this.prefix },
    });
    this.#nodes.set(name, node);
    return node;
  }

  node(name: string): ServerProcess {
    const node = this.#nodes.get(name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  /** A token for this room, signed with the nodes' shared secret. */
  token(sub: string, role: Role): string {
    return (
      this.#nodes
        .values()
        .next()
        .value?.token({ sub, name: `名${sub}`, role, room: this.room }) ?? ''
    );
  }

  /** Connects `sub` to node `at` and joins the room; the client's notifications are recorded from the start. */
  async join(at: string, sub: string, role: Role, token = this.token(sub, role)): Promise<Member> {
    const client = await this.pool.connect(this.node(at).url, token, this.room);
    const member = new Member(at, client);
    const { rtpCapabilities } = await client.call('media:routerCapabilities', {});
    member.joined(await client.call('room:join', { rtpCapabilities }), rtpCapabilities);
    return member;
  }

  /** Closes every client, stops every node still running and the redis-server, removes the data. */
  async stop(): Promise<void> {
    this.pool.closeAll();
    await Promise.all([...this.#nodes.values()].map((node) => node.stop()));
    if (this.redis.running) await this.redis.stop();
    else fs.rmSync(this.redis.dir, { recursive: true, force: true });
    for (const dir of this.#dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One client in the room and what it has been told: the queue as last sent, every comment
 * received (snapshot and `comments:added`), and who is present (join result, `peer:joined`,
 * `peer:left`), with the order of those arrivals and departures.
 */
export class Member {
  /** The node it is connected to. */
  readonly node: string;
  readonly client: TestClient;
  join!: Joined['join'];
  rtpCapabilities!: Joined['rtpCapabilities'];
  queue!: QueueView;
  readonly comments: CommentView[] = [];
  readonly peers = new Map<string, PeerInfo>();
  /** `+id` for every peer:joined, `-id` for every peer:left, in order. */
  readonly presence: string[] = [];

  constructor(node: string, client: TestClient) {
    this.node = node;
    this.client = client;
    // Listening from the connection on, so that nothing sent during the join is missed.
    client.socket.on('queue:state', (q) => {
      if (!this.queue || q.version >= this.queue.version) this.queue = q;
    });
    client.socket.on('comments:added', ({ comments }) => this.comments.push(...comments));
    client.socket.on('peer:joined', (peer) => {
      this.peers.set(peer.id, peer);
      this.presence.push(`+${peer.id}`);
    });
    client.socket.on('peer:left', ({ peerId }) => {
      this.peers.delete(peerId);
      this.presence.push(`-${peerId}`);
    });
  }

  joined(join: Joined['join'], rtpCapabilities: Joined['rtpCapabilities']): void {
    this.join = join;
    this.rtpCapabilities = rtpCapabilities;
    if (!this.queue || join.snapshot.queue.version >= this.queue.version) this.queue = join.snapshot.queue;
    const known = new Set(this.comments.map((c) => c.id));
    this.comments.unshift(...join.snapshot.comments.filter((c) => !known.has(c.id)));
    for (const peer of join.peers) if (!this.peers.has(peer.id)) this.peers.set(peer.id, peer);
  }

  /** Speaker ids waiting in the queue, in order, as this client was last told. */
  waiting(): string[] {
    return this.queue.entries.map((e) => e.speaker.id);
  }

  /** How many times this client received the comment `id`. */
  received(id: string): number {
    return this.comments.filter((c) => c.id === id).length;
  }

  /** Who the session's attendance shows present now, by person id (asked of the server; chair or secretary only). */
  async present(): Promise<Record<string, boolean>> {
    const { minutes } = await this.client.call('session:snapshot', {});
    return Object.fromEntries((minutes?.attendance ?? []).map((a) => [a.person.id, a.present]));
  }
}
