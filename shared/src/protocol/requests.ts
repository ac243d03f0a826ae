import { z } from 'zod';
import {
  type CommandResult,
  type ConsultationRequestName,
  ConsultationRequestSchemas,
  type ConsultationResponseMap,
  type SessionSnapshot,
} from './consultation.js';
import type { PeerInfo, ProducerInfo } from './peers.js';
import {
  type ConsumerOptions,
  DtlsParametersSchema,
  type IceServer,
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

/** Requests of the media core: joining, transports, producers and consumers. */
const MediaRequestSchemas = {
  /** The router's codecs, to load the client's mediasoup Device before joining. */
  'media:routerCapabilities': Empty,
  /**
   * Enter the room with the Device's receive capabilities; answers who and what is there.
   * `instanceId` names the page (one per load): the same page coming back after a dropped
   * connection resumes its media instead of being treated as another tab.
   */
  'room:join': z
    .strictObject({
      rtpCapabilities: RtpCapabilitiesSchema,
      instanceId: z.string().min(8).max(64).optional(),
      transports: z
        .array(z.enum(['send', 'recv']))
        .max(2)
        .refine((directions) => new Set(directions).size === directions.length, 'each direction at most once')
        .optional(),
    })
    .describe(
      'The answer: `self`, `peers`, `producers`, `snapshot`, `micAllowed`, `activeSpeakerId`, `resumed`, and — when the server has TURN configured — `iceServers`: `[{ urls, username, credential }]`, TURN REST credentials made for this join (username `<expiry in Unix seconds>:<random id>`), to pass to both transports as `RTCIceServer`s. `transports`: the directions whose WebRTC transport the join should make at once (as `transport:create` would; saves its round trip before the first media); the answer then has `transports: { send?, recv? }`, each as `transport:create` answers. None are made for a resumed join (the page keeps its own), and one that could not be made is left out: `transport:create` then says why.',
    ),
  'room:leave': Empty,
  'transport:create': z.strictObject({ direction: z.enum(['send', 'recv']) }),
  'transport:connect': z.strictObject({ transportId: MediaIdSchema, dtlsParameters: DtlsParametersSchema }),
  'transport:restartIce': z
    .strictObject({ transportId: MediaIdSchema })
    .describe(
      'The answer: `iceParameters`, and — when the server has TURN configured — `iceServers` with fresh credentials, as in the join answer (those of the join may have expired).',
    ),
  'producer:create': z.strictObject({
    transportId: MediaIdSchema,
    kind: MediaKindSchema,
    source: MediaSourceSchema,
    rtpParameters: RtpParametersSchema,
  }),
  'producer:pause': ProducerRef,
  'producer:resume': ProducerRef,
  'producer:close': ProducerRef,
  'consumer:create': z
    .strictObject({
      transportId: MediaIdSchema,
      producerId: MediaIdSchema,
      spatialLayer: z.number().int().min(0).max(2).optional(),
    })
    .describe(
      'Created paused: resume it once the client side is ready, so that no keyframe is lost. `spatialLayer`: the preferred layer of a simulcast or SVC video from the start (saves a `consumer:setPreferredLayers` before the first resume); ignored for a stream without layers.',
    ),
  'consumer:resume': ConsumerRef,
  'consumer:pause': ConsumerRef,
  'consumer:setPreferredLayers': z.strictObject({
    consumerId: MediaIdSchema,
    spatialLayer: z.number().int().min(0).max(2),
    temporalLayer: z.number().int().min(0).max(2).optional(),
  }),
} as const;

/**
 * One schema per client→server request. Objects are strict: an unknown field is an
 * INVALID_REQUEST, not something silently ignored.
 */
export const RequestSchemas = { ...MediaRequestSchemas, ...ConsultationRequestSchemas } as const;

export type RequestName = keyof typeof RequestSchemas;
export type MediaRequestName = keyof typeof MediaRequestSchemas;
/** A request as the server's handler sees it (after validation and defaults). */
export type RequestPayload<K extends RequestName> = z.output<(typeof RequestSchemas)[K]>;
/** A request as a client sends it (defaults may be left out). */
export type RequestInput<K extends RequestName> = z.input<(typeof RequestSchemas)[K]>;

export interface JoinResult {
  self: PeerInfo;
  peers: PeerInfo[];
  producers: ProducerInfo[];
  /** The consultation as it stands: session, queue, recent comments (minutes for moderators). */
  snapshot: SessionSnapshot;
  /** Whether the floor lets this participant's microphone sound now (see `mic:state`). */
  micAllowed: boolean;
  /** Who is speaking now (later changes come as `speaker:active`). */
  activeSpeakerId: string | null;
  /**
   * The same page came back within the reconnect grace: its transports, producers and consumers
   * are still there (restart ICE, reconcile consumers with `producers`). Otherwise build media anew.
   */
  resumed: boolean;
  /**
   * TURN servers with credentials made for this join (time-limited): for networks that let no
   * UDP or only TCP 443 out. Absent when the server has no TURN configured.
   */
  iceServers?: IceServer[];
  /** The transports asked for with the join (`transports`), made at once; see the request. */
  transports?: { send?: TransportOptions; recv?: TransportOptions };
}

/** What each request's successful ack carries. */
export type ResponseMap = MediaResponseMap &
  ConsultationResponseMap & {
    [K in Exclude<ConsultationRequestName, keyof ConsultationResponseMap>]: CommandResult;
  };

interface MediaResponseMap {
  'media:routerCapabilities': { rtpCapabilities: RtpCapabilities };
  'room:join': JoinResult;
  'room:leave': Record<string, never>;
  'transport:create': TransportOptions;
  'transport:connect': Record<string, never>;
  /** With TURN configured, fresh credentials too (those of the join may have expired). */
  'transport:restartIce': { iceParameters: TransportOptions['iceParameters']; iceServers?: IceServer[] };
  'producer:create': { producerId: string };
  'producer:pause': Record<string, never>;
  'producer:resume': Record<string, never>;
  'producer:close': Record<string, never>;
  'consumer:create': ConsumerOptions;
  'consumer:resume': Record<string, never>;
  'consumer:pause': Record<string, never>;
  'consumer:setPreferredLayers': Record<string, never>;
}
