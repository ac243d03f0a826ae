import type { types } from 'mediasoup-client';

/**
 * The bare app's signaling: the handful of acked Socket.IO requests a minimal mediasoup app
 * needs, each `name(input, ack)` answered with `BareAck<output>`.
 */
export interface BareRequests {
  routerRtpCapabilities: { input: Record<string, never>; output: types.RtpCapabilities };
  /** Enters the room: the other peers' producers to consume. */
  join: { input: { rtpCapabilities: types.RtpCapabilities }; output: { producers: BareProducer[] } };
  createTransport: { input: { direction: 'send' | 'recv' }; output: types.TransportOptions };
  connectTransport: {
    input: { transportId: string; dtlsParameters: types.DtlsParameters };
    output: Record<string, never>;
  };
  produce: {
    input: { transportId: string; kind: types.MediaKind; rtpParameters: types.RtpParameters };
    output: { id: string };
  };
  /** A consumer of `producerId`, created paused: the page resumes it once it consumes it locally. */
  consume: {
    input: { transportId: string; producerId: string };
    output: { id: string; producerId: string; kind: types.MediaKind; rtpParameters: types.RtpParameters };
  };
  resume: { input: { consumerId: string }; output: Record<string, never> };
}

export type BareAck<T> = { ok: true; data: T } | { ok: false; error: string };

export interface BareProducer {
  id: string;
  kind: types.MediaKind;
}
