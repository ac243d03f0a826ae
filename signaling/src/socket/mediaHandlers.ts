import type { Logger } from 'pino';
import type { IceServer, MediaRequestName } from '@yishi/shared';
import type { Connection } from '../rooms/channels.js';
import type { Room } from '../rooms/Room.js';
import { type TurnConfig, turnCredentials } from '../turn/turnCredentials.js';
import type { Handler } from './registerHandler.js';

type Handlers = { [K in MediaRequestName]: Handler<K> };

/**
 * The requests of the media core: join/leave and the mediasoup transport, producer and consumer
 * calls. With `turn`, each join's answer carries TURN credentials made for it.
 */
export function mediaHandlers(
  room: Room,
  connection: Connection,
  { turn, log }: { turn: TurnConfig | undefined; log: Logger },
): Handlers {
  const media = room.media;
  const me = () => room.peerIdOf(connection);
  // Everyone (the owner too) learns a producer's new state from the media room's producerPaused/Resumed.
  const producerPaused =
    (paused: boolean) =>
    async ({ producerId }: { producerId: string }) => {
      await media.setProducerPaused(me(), producerId, paused);
      return {};
    };
  const consumerPaused =
    (paused: boolean) =>
    async ({ consumerId }: { consumerId: string }) => {
      await media.setConsumerPaused(me(), consumerId, paused);
      return {};
    };

  /** Fresh TURN credentials (none without TURN), each issue logged: coturn logs the username, this ties it to the person. */
  const iceServers = (): { iceServers?: IceServer[] } => {
    if (!turn) return {};
    const server = turnCredentials(turn);
    log.info({ turnUser: server.username }, 'TURN credentials issued');
    return { iceServers: [server] };
  };

  return {
    'media:routerCapabilities': async () => ({ rtpCapabilities: await media.rtpCapabilities() }),

    'room:join': async ({ rtpCapabilities, instanceId }) => ({
      ...(await room.join(connection, rtpCapabilities, instanceId)),
      ...iceServers(),
    }),

    'room:leave': () => {
      me();
      room.leave(connection);
      return {};
    },

    'transport:create': ({ direction }) => media.createTransport(me(), direction),

    'transport:connect': async ({ transportId, dtlsParameters }) => {
      await media.connectTransport(me(), transportId, dtlsParameters);
      return {};
    },

    // A restart may come hours after the join, when its credentials have expired: new ones with it.
    'transport:restartIce': async ({ transportId }) => ({
      iceParameters: await media.restartIce(me(), transportId),
      ...iceServers(),
    }),

    'producer:create': async (request) => {
      const info = await media.produce(me(), request);
      room.produced(connection, info);
      return { producerId: info.producerId };
    },

    'producer:pause': producerPaused(true),
    'producer:resume': producerPaused(false),

    // Others learn of the closing through the media room's `producerClosed` event.
    'producer:close': ({ producerId }) => {
      media.closeProducer(me(), producerId);
      return {};
    },

    'consumer:create': (request) => media.consume(me(), request),

    'consumer:resume': consumerPaused(false),
    'consumer:pause': consumerPaused(true),

    'consumer:setPreferredLayers': async ({ consumerId, spatialLayer, temporalLayer }) => {
      await media.setPreferredLayers(me(), consumerId, {
        spatialLayer,
        ...(temporalLayer === undefined ? {} : { temporalLayer }),
      });
      return {};
    },
  };
}
