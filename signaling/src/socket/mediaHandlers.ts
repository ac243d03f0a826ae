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

  /**
   * The transports asked for with a join. One that cannot be made (say, no worker may take more)
   * is left out, not the join refused: signaling goes on, and `transport:create` tells the client why.
   */
  const joinTransports = async (directions: Array<'send' | 'recv'>) => {
    const made = await Promise.all(
      directions.map(async (direction) => {
        try {
          return [direction, await media.createTransport(me(), direction)] as const;
        } catch (err) {
          log.debug({ err, direction }, 'transport asked with the join not made');
          return undefined;
        }
      }),
    );
    return Object.fromEntries(made.filter((entry) => entry !== undefined));
  };

  return {
    'media:routerCapabilities': async () => ({ rtpCapabilities: await media.rtpCapabilities() }),

    'room:join': async ({ rtpCapabilities, instanceId, transports }) => {
      const joined = await room.join(connection, rtpCapabilities, instanceId);
      // A resumed page keeps its transports; new ones are made only for a fresh join.
      const made = transports?.length && !joined.resumed ? { transports: await joinTransports(transports) } : {};
      return { ...joined, ...iceServers(), ...made };
    },

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
