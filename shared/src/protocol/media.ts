import { z } from 'zod';

/**
 * zod mirrors of the mediasoup parameter types that cross the wire. Structurally compatible with
 * mediasoup's and mediasoup-client's own types; every string and array is bounded so a hostile
 * client cannot make the server parse megabytes.
 */

const shortString = z.string().max(256);
const id = z.string().min(1).max(64);
const u8 = z.number().int().min(0).max(255);
const u32 = z.number().int().min(0).max(0xffffffff);

export const MediaKindSchema = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof MediaKindSchema>;

/** What a producer carries; decides gating (mic) and layout (screen). */
export const MediaSourceSchema = z.enum(['mic', 'camera', 'screen']);
export type MediaSource = z.infer<typeof MediaSourceSchema>;

const CodecParametersSchema = z
  .record(z.string().max(64), z.union([z.string().max(256), z.number()]))
  .refine((r) => Object.keys(r).length <= 32, 'too many codec parameters');

const RtcpFeedbackSchema = z.strictObject({
  type: z.string().min(1).max(64),
  parameter: z.string().max(64).optional(),
});

/** A codec as both sides describe it; capabilities add the payload type it prefers, parameters the one it got. */
const codecFields = {
  mimeType: z.string().min(1).max(64),
  clockRate: u32,
  channels: u8.optional(),
  parameters: CodecParametersSchema.optional(),
  rtcpFeedback: z.array(RtcpFeedbackSchema).max(16).optional(),
};

const RtpCodecCapabilitySchema = z.strictObject({ kind: MediaKindSchema, preferredPayloadType: u8, ...codecFields });

const RtpHeaderExtensionSchema = z.strictObject({
  kind: MediaKindSchema,
  uri: shortString,
  preferredId: u8,
  preferredEncrypt: z.boolean().optional(),
  direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
});

export const RtpCapabilitiesSchema = z.strictObject({
  codecs: z.array(RtpCodecCapabilitySchema).max(64).optional(),
  headerExtensions: z.array(RtpHeaderExtensionSchema).max(64).optional(),
});
export type RtpCapabilities = z.infer<typeof RtpCapabilitiesSchema>;

const RtpCodecParametersSchema = z.strictObject({ payloadType: u8, ...codecFields });

const RtpHeaderExtensionParametersSchema = z.strictObject({
  uri: shortString,
  id: u8,
  encrypt: z.boolean().optional(),
  parameters: CodecParametersSchema.optional(),
});

const RtpEncodingParametersSchema = z.strictObject({
  ssrc: u32.optional(),
  rid: z.string().max(32).optional(),
  codecPayloadType: u8.optional(),
  rtx: z.strictObject({ ssrc: u32 }).optional(),
  dtx: z.boolean().optional(),
  scalabilityMode: z.string().max(16).optional(),
  scaleResolutionDownBy: z.number().min(1).max(64).optional(),
  maxBitrate: z.number().int().min(0).optional(),
  maxFramerate: z.number().min(0).max(240).optional(),
  adaptivePtime: z.boolean().optional(),
  priority: z.enum(['very-low', 'low', 'medium', 'high']).optional(),
  networkPriority: z.enum(['very-low', 'low', 'medium', 'high']).optional(),
  active: z.boolean().optional(),
});

export const RtpParametersSchema = z.strictObject({
  mid: z.string().max(32).optional(),
  codecs: z.array(RtpCodecParametersSchema).min(1).max(16),
  headerExtensions: z.array(RtpHeaderExtensionParametersSchema).max(32).optional(),
  encodings: z.array(RtpEncodingParametersSchema).max(8).optional(),
  rtcp: z
    .strictObject({
      cname: z.string().max(256).optional(),
      reducedSize: z.boolean().optional(),
      mux: z.boolean().optional(),
    })
    .optional(),
  msid: z.string().max(256).optional(),
});
export type RtpParameters = z.infer<typeof RtpParametersSchema>;

export const DtlsParametersSchema = z.strictObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(
      z.strictObject({
        algorithm: z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']),
        value: z.string().regex(/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){15,63}$/, 'fingerprint: hex pairs separated by ":"'),
      }),
    )
    .min(1)
    .max(8),
});
export type DtlsParameters = z.infer<typeof DtlsParametersSchema>;

/**
 * A TURN server for the client's transports, as `RTCIceServer`: TURN REST credentials (coturn's
 * `use-auth-secret`) made for one join, valid until the expiry (Unix seconds) that starts the username.
 */
export interface IceServer {
  urls: string[];
  username: string;
  credential: string;
}

/** What the server hands a client so it can build its side of a WebRTC transport. */
export interface TransportOptions {
  id: string;
  iceParameters: { usernameFragment: string; password: string; iceLite?: boolean };
  iceCandidates: Array<{
    foundation: string;
    priority: number;
    address: string;
    ip?: string;
    protocol: 'udp' | 'tcp';
    port: number;
    type: 'host' | 'srflx' | 'prflx' | 'relay';
    tcpType?: 'passive';
  }>;
  dtlsParameters: DtlsParameters;
}

/** What a client needs to create its side of a consumer (always created paused). */
export interface ConsumerOptions {
  id: string;
  producerId: string;
  peerId: string;
  kind: MediaKind;
  source: MediaSource;
  rtpParameters: RtpParameters;
  type: 'simple' | 'simulcast' | 'svc' | 'pipe';
  producerPaused: boolean;
}

export { id as MediaIdSchema };
