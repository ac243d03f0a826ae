import type { Handler } from './registerHandler.js';
import type { MediaRequestName } from '@yishi/shared';
import type { YishiSocket } from './types.js';

type Handlers = { [K in MediaRequestName]: Handler<K> };

/** The requests of the media core: join/leave and the mediasoup transport, producer and consumer calls. */
export function mediaHandlers(socket: YishiSocket): Handlers {
  const { room, identity } = socket.data;
  const media = room.media;
  const me = () => room.peerIdOf(socket);

  return {
    'media:routerCapabilities': async () => ({ rtpCapabilities: await media.rtpCapabilities() }),

    'room:join': ({ rtpCapabilities, instanceId }) => room.join(socket, identity, rtpCapabilities, instanceId),

    'room:leave': () => {
      me();
      room.leave(socket);
      return {};
    },

    'transport:create': ({ direction }) => media.createTransport(me(), direction),

    'transport:connect': async ({ transportId, dtlsParameters }) => {
      await media.connectTransport(me(), transportId, dtlsParameters);
      return {};
    },

    'transport:restartIce': async ({ transportId }) => ({
      iceParameters: await media.restartIce(me(), transportId),
    }),

    'producer:create': async (request) => {
      const info = await media.produce(me(), request);
      room.produced(socket, info);
      return { producerId: info.producerId };
    },

    // Everyone (the owner too) learns the new state from the media room's producerPaused/Resumed.
    'producer:pause': async ({ producerId }) => {
      await media.setProducerPaused(me(), producerId, true);
      return {};
    },

    'producer:resume': async ({ producerId }) => {
      await media.setProducerPaused(me(), producerId, false);
      return {};
    },

    // Others learn of the closing through the media room's `producerClosed` event.
    'producer:close': ({ producerId }) => {
      media.closeProducer(me(), producerId);
      return {};
    },

    'consumer:create': (request) => media.consume(me(), request),

    'consumer:resume': async ({ consumerId }) => {
      await media.setConsumerPaused(me(), consumerId, false);
      return {};
    },

    'consumer:pause': async ({ consumerId }) => {
      await media.setConsumerPaused(me(), consumerId, true);
      return {};
    },

    'consumer:setPreferredLayers': async ({ consumerId, spatialLayer, temporalLayer }) => {
      await media.setPreferredLayers(me(), consumerId, {
        spatialLayer,
        ...(temporalLayer === undefined ? {} : { temporalLayer }),
      });
      return {};
    },
  };
}
