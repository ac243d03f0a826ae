import type { YishiServer, YishiSocket } from './types.js';

/** Socket.IO's EVENT packet type (socket.io-parser's PacketType.EVENT). */
const EVENT = 2;

/** The part of a Socket.IO socket that writes a packet as is (what its own recovery uses). */
interface PacketWriter {
  packet(packet: { type: number; data: unknown[] }): void;
}

/**
 * The adapter's internals relied on (socket.io-adapter 2.5): a broadcast, local or from another
 * node, calls `_encode` with the packet and then `apply` with its rooms.
 */
interface AdapterInternals {
  _encode(packet: { data?: unknown }, opts: unknown): unknown;
  apply(opts: { rooms: Set<string>; except?: Set<string> }, callback: (socket: unknown) => void): void;
}

/** A broadcast made while a recovering socket was not connected yet: to whom, and what. */
interface Broadcast {
  rooms: Set<string>;
  except: Set<string>;
  data: unknown[];
}

/** A socket between its restored session and its 'connection'. */
interface Recovering {
  /** The rooms it is in again (its own id among them). */
  rooms: Set<string>;
  /** What it missed while away, as the adapter read it; sent once the handshake has passed. */
  missed: unknown[][];
  /** Broadcasts since the session was read, which the adapter does not deliver to it yet. */
  live: Broadcast[];
}

/**
 * Connection-state recovery, made safe and whole.
 *
 * Safe: Socket.IO sends a recovering client the packets it missed as soon as its socket is made,
 * before any middleware has looked at its token; a person removed while disconnected would get
 * the room's traffic, and anyone holding a leaked session id someone else's. So the adapter's
 * restored session comes without them, and the handshake hands them over only once the new token
 * is checked, is the same person's as the session's, and that person is not removed.
 *
 * Whole: the adapter delivers a broadcast only to connected sockets, and a recovering socket is
 * not connected until the handshake (Redis round trips) is over; what its rooms got meanwhile, on
 * this node or another, would be lost. Those broadcasts are kept from the moment the session is
 * read and sent on 'connection', after the missed packets, each once (a packet both read with the
 * session and broadcast live carries the same stream offset, its last argument).
 */
export class MissedPackets {
  readonly #recovering = new Map<string, Recovering>();
  /** Broadcast lists of sessions being read (their socket id not known yet). */
  readonly #reading = new Set<Broadcast[]>();

  constructor(io: YishiServer) {
    const adapter = io.of('/').adapter;
    const restore = adapter.restoreSession.bind(adapter);
    adapter.restoreSession = async (pid, offset) => {
      const live: Broadcast[] = [];
      this.#reading.add(live);
      try {
        const session = await restore(pid, offset);
        if (!session) return session;
        this.#recovering.set(session.sid, { rooms: new Set(session.rooms), missed: session.missedPackets, live });
        return { ...session, missedPackets: [] };
      } finally {
        this.#reading.delete(live);
      }
    };
    // The adapter's broadcast encodes the packet, then applies it to the sockets of its rooms.
    // (Its other uses of apply — joins, disconnections, fetches — encode nothing.)
    const internals = adapter as unknown as AdapterInternals;
    let encoding: { data?: unknown } | undefined;
    const encode = internals._encode.bind(adapter);
    internals._encode = (packet, opts) => {
      encoding = packet;
      return encode(packet, opts);
    };
    const apply = internals.apply.bind(adapter);
    internals.apply = (opts, callback) => {
      const data = encoding?.data;
      encoding = undefined;
      if (Array.isArray(data)) this.#keep({ rooms: opts.rooms, except: opts.except ?? new Set(), data });
      apply(opts, callback);
    };
  }

  /** The packets `socket` missed (none unless it recovered), for the handshake to send once it passes. */
  take(socket: YishiSocket): unknown[][] {
    const recovering = this.#recovering.get(socket.id);
    if (!recovering) return [];
    socket.conn.once('close', () => this.forget(socket));
    return recovering.missed;
  }

  /** Sends them, in order, before the client learns it is connected (as Socket.IO itself would). */
  static send(socket: YishiSocket, packets: unknown[][]): void {
    for (const data of packets) (socket as unknown as PacketWriter).packet({ type: EVENT, data });
  }

  /** The socket is connected: the broadcasts to its rooms it did not get yet follow, each once. */
  connected(socket: YishiSocket): void {
    const recovering = this.#recovering.get(socket.id);
    if (!recovering) return;
    this.#recovering.delete(socket.id);
    const sent = new Set(recovering.missed.map((data) => data.at(-1)));
    const { rooms } = recovering;
    const packets = recovering.live
      .filter(
        (b) =>
          (b.rooms.size === 0 || [...b.rooms].some((r) => rooms.has(r))) && ![...b.except].some((r) => rooms.has(r)),
      )
      .map((b) => b.data)
      .filter((data) => !sent.has(data.at(-1)));
    MissedPackets.send(socket, packets);
  }

  /** The socket was refused or left before connecting. */
  forget(socket: YishiSocket): void {
    this.#recovering.delete(socket.id);
  }

  #keep(broadcast: Broadcast): void {
    for (const live of this.#reading) live.push(broadcast);
    for (const { live } of this.#recovering.values()) live.push(broadcast);
  }
}
