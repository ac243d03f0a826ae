import { z } from 'zod';
import type { PeerInfo, ProducerInfo } from './peers.js';
import {
  type ConsumerOptions,
  DtlsParametersSchema,
  MediaIdSchema,
  MediaKindSchema,
  MediaSourceSchema,
  type RtpCapabilities,
  RtpCapabilitiesSchema,
  RtpParametersSchema,
  type TransportOptions,
} from './media.js';

const Empty = z.strictObject({});
const ProducerRef = z.strictObject({ producerId: MediaIdSchema });
const ConsumerRef = z.strictObject({ consumerId: MediaIdSchema });

/**
 * One schema per client→server request. Objects are strict: an unknown field is an
 * INVALID_REQUEST, not something silently ignored.
 */
export const RequestSchemas = {
  /** The router's codecs, to load the client's mediasoup Device before joining. */
  'media:routerCapabilities': Empty,
  /** Enter the room with the Device's receive capabilities; answers who and what is there. */
  'room:join': z.strictObject({ rtpCapabilities: RtpCapabilitiesSchema }),
  'room:leave': Empty,
  'transport:create': z.strictObject({ direction: z.enum(['send', 'recv']) }),
  'transport:connect': z.strictObject({ transportId: MediaIdSchema, dtlsParameters: DtlsParametersSchema }),
  'transport:restartIce': z.strictObject({ transportId: MediaIdSchema }),
  'producer:create': z.strictObject({
    transportId: MediaIdSchema,
    kind: MediaKindSchema,
    source: MediaSourceSchema,
    rtpParameters: RtpParametersSchema,
  }),
  'producer:pause': ProducerRef,
  'producer:resume': ProducerRef,
  'producer:close': ProducerRef,
  'consumer:create': z.strictObject({ transportId: MediaIdSchema, producerId: MediaIdSchema }),
  'consumer:resume': ConsumerRef,
  'consumer:pause': ConsumerRef,
  'consumer:setPreferredLayers': z.strictObject({
    consumerId: MediaIdSchema,
    spatialLayer: z.number().int().min(0).max(2),
    temporalLayer: z.number().int().min(0).max(2).optional(),
  }),
} as const;

export type RequestName = keyof typeof RequestSchemas;
export type RequestPayload<K extends RequestName> = z.infer<(typeof RequestSchemas)[K]>;
export const REQUEST_NAMES = Object.keys(RequestSchemas) as RequestName[];

export interface JoinResult {
  self: PeerInfo;
  peers: PeerInfo[];
  producers: ProducerInfo[];
}

/** What each request's successful ack carries. */
export interface ResponseMap {
  'media:routerCapabilities': { rtpCapabilities: RtpCapabilities };
  'room:join': JoinResult;
  'room:leave': Record<string, never>;
  'transport:create': TransportOptions;
  'transport:connect': Record<string, never>;
  'transport:restartIce': { iceParameters: TransportOptions['iceParameters'] };
  'producer:create': { producerId: string };
  'producer:pause': Record<string, never>;
  'producer:resume': Record<string, never>;
  'producer:close': Record<string, never>;
  'consumer:create': ConsumerOptions;
  'consumer:resume': Record<string, never>;
  'consumer:pause': Record<string, never>;
  'consumer:setPreferredLayers': Record<string, never>;
}
