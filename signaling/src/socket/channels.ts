import type { NotificationName, NotificationPayload } from '@yishi/shared';
import type { Channels, Connection } from '../rooms/channels.js';
import type { YishiServer, YishiSocket } from './types.js';

/** A socket as its room sees it. Made once per socket: a room tells connections apart by identity. */
export function socketConnection(io: YishiServer, socket: YishiSocket): Connection {
  return {
    id: socket.id,
    identity: socket.data.identity,
    get connected() {
      return socket.connected;
    },
    // With connection-state recovery this goes through the adapter too, so a recovering client gets it.
    send: (event, payload) => emit(socket, event, payload),
    sendAtOnce: (event, payload) => emit(io.local.to(socket.id), event, payload),
    disconnect: () => socket.disconnect(true),
    listen(channels) {
      for (const channel of socket.rooms) if (channel !== socket.id) socket.leave(channel);
      socket.join(channels);
    },
    stopListening(channels) {
      for (const channel of channels) socket.leave(channel);
    },
  };
}

/** Socket.IO rooms as a room's channels: broadcasts go through the adapter (every node, and recovery). */
export function socketChannels(io: YishiServer): Channels {
  return {
    send(channel, event, payload, except) {
      emit(except ? io.to(channel).except(except.id) : io.to(channel), event, payload);
    },
  };
}

/** Socket.IO's typed emit cannot take a generic event name; this narrows it once. */
function emit<K extends NotificationName>(
  target: { emit: (...args: never[]) => unknown },
  event: K,
  payload: NotificationPayload<K>,
): void {
  (target.emit as (event: K, payload: NotificationPayload<K>) => unknown).call(target, event, payload);
}
