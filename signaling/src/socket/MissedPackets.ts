import type { YishiServer, YishiSocket } from './types.js';

/** Socket.IO's EVENT packet type (socket.io-parser's PacketType.EVENT). */
const EVENT = 2;

/** The part of a Socket.IO socket that writes a packet as is (what its own recovery uses). */
interface PacketWriter {
  packet(packet: { type: number; data: unknown[] }): void;
}

/**
 * Socket.IO's connection-state recovery sends a recovering client the packets it missed as soon as
 * its socket is made, before any middleware has looked at its token: a person removed while
 * disconnected would get the room's traffic, and anyone holding a leaked session id someone
 * else's. So the adapter's restored session comes without them, and the handshake hands them over
 * only once the new token is checked, is the same person's as the session's, and that person is
 * not removed.
 */
export class MissedPackets {
  readonly #held = new Map<string, unknown[][]>();

  constructor(io: YishiServer) {
    const adapter = io.of('/').adapter;
    const restore = adapter.restoreSession.bind(adapter);
    adapter.restoreSession = async (pid, offset) => {
      const session = await restore(pid, offset);
      if (!session) return session;
      this.#held.set(session.sid, session.missedPackets);
      return { ...session, missedPackets: [] };
    };
  }

  /** The packets held for `socket` (none unless it recovered), forgotten here: the handshake takes them once. */
  take(socket: YishiSocket): unknown[][] {
    const packets = this.#held.get(socket.id) ?? [];
    this.#held.delete(socket.id);
    return packets;
  }

  /** Sends them, in order, before the client learns it is connected (as Socket.IO itself would). */
  static send(socket: YishiSocket, packets: unknown[][]): void {
    for (const data of packets) (socket as unknown as PacketWriter).packet({ type: EVENT, data });
  }
}
