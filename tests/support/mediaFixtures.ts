import type { DtlsParameters, RtpCapabilities, RtpParameters, TransportOptions } from '@yishi/shared';

/**
 * Media parameters shaped like the ones mediasoup and mediasoup-client really exchange for the
 * server's codec set (opus with FEC/DTX, VP8 simulcast). Each call returns a fresh copy, so a test
 * may mutate its own.
 *
 * The send parameters are what mediasoup-client hands to `transport.produce()` in Chrome (header
 * extension ids as Chrome negotiates them). mediasoup accepts a producer on a WebRtcTransport that
 * is not yet connected, so these let tests publish without a browser.
 */

let nextSsrc = 100_000_000;
let nextMid = 0;

/** Real mediasoup refuses two producers with the same SSRC or MID on one transport: each call gets fresh ones. */
const ssrc = () => nextSsrc++;
const mid = () => String(nextMid++);

const cname = 'hM4iT6jOu5sN0pQ1';

/** The video feedback mediasoup offers in a router's capabilities. */
const videoFeedback = () => [
  { type: 'nack', parameter: '' },
  { type: 'nack', parameter: 'pli' },
  { type: 'ccm', parameter: 'fir' },
  { type: 'goog-remb', parameter: '' },
  { type: 'transport-cc', parameter: '' },
];

const MID_EXT = () => ({ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4, encrypt: false, parameters: {} });
const ABS_SEND_TIME_EXT = () => ({
  uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  id: 2,
  encrypt: false,
  parameters: {},
});
const TRANSPORT_CC_EXT = () => ({
  uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  id: 3,
  encrypt: false,
  parameters: {},
});

/** A router's (and a loaded Device's) receive capabilities. */
export function rtpCapabilities(): RtpCapabilities {
  return {
    codecs: [
      {
        kind: 'audio',
        mimeType: 'audio/opus',
        preferredPayloadType: 100,
        clockRate: 48000,
        channels: 2,
        parameters: { useinbandfec: 1, usedtx: 1 },
        rtcpFeedback: [
          { type: 'nack', parameter: '' },
          { type: 'transport-cc', parameter: '' },
        ],
      },
      {
        kind: 'video',
        mimeType: 'video/VP8',
        preferredPayloadType: 101,
        clockRate: 90000,
        parameters: { 'x-google-start-bitrate': 500 },
        rtcpFeedback: videoFeedback(),
      },
      {
        kind: 'video',
        mimeType: 'video/rtx',
        preferredPayloadType: 102,
        clockRate: 90000,
        parameters: { apt: 101 },
        rtcpFeedback: [],
      },
    ],
    headerExtensions: [
      {
        kind: 'audio',
        uri: 'urn:ietf:params:rtp-hdrext:sdes:mid',
        preferredId: 1,
        preferredEncrypt: false,
        direction: 'sendrecv',
      },
      {
        kind: 'video',
        uri: 'urn:ietf:params:rtp-hdrext:sdes:mid',
        preferredId: 1,
        preferredEncrypt: false,
        direction: 'sendrecv',
      },
      {
        kind: 'video',
        uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
        preferredId: 2,
        preferredEncrypt: false,
        direction: 'recvonly',
      },
      { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', preferredId: 10, direction: 'sendrecv' },
      {
        kind: 'video',
        uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
        preferredId: 5,
        preferredEncrypt: false,
        direction: 'sendrecv',
      },
    ],
  };
}

/** A microphone producer's parameters: opus with in-band FEC and DTX, one encoding (fresh MID and SSRC). */
export function opusRtpParameters(): RtpParameters {
  return {
    mid: mid(),
    codecs: [
      {
        mimeType: 'audio/opus',
        payloadType: 111,
        clockRate: 48000,
        channels: 2,
        parameters: { minptime: 10, useinbandfec: 1, usedtx: 1 },
        rtcpFeedback: [{ type: 'transport-cc', parameter: '' }],
      },
    ],
    headerExtensions: [
      MID_EXT(),
      ABS_SEND_TIME_EXT(),
      TRANSPORT_CC_EXT(),
      { uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 1, encrypt: false, parameters: {} },
    ],
    encodings: [{ ssrc: ssrc(), dtx: true }],
    rtcp: { cname, reducedSize: true },
  };
}

/**
 * A camera producer's parameters: VP8 + RTX with three simulcast layers identified by rid r0
 * (smallest) to r2, each L1T3 (fresh MID).
 */
export function vp8SimulcastRtpParameters(): RtpParameters {
  return {
    mid: mid(),
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: 96,
        clockRate: 90000,
        parameters: {},
        rtcpFeedback: [
          { type: 'goog-remb', parameter: '' },
          { type: 'transport-cc', parameter: '' },
          { type: 'ccm', parameter: 'fir' },
          { type: 'nack', parameter: '' },
          { type: 'nack', parameter: 'pli' },
        ],
      },
      { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 }, rtcpFeedback: [] },
    ],
    headerExtensions: [
      MID_EXT(),
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', id: 10, encrypt: false, parameters: {} },
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id', id: 11, encrypt: false, parameters: {} },
      ABS_SEND_TIME_EXT(),
      TRANSPORT_CC_EXT(),
      { uri: 'urn:3gpp:video-orientation', id: 13, encrypt: false, parameters: {} },
      { uri: 'urn:ietf:params:rtp-hdrext:toffset', id: 14, encrypt: false, parameters: {} },
    ],
    encodings: [
      { rid: 'r0', active: true, scalabilityMode: 'L1T3', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
      { rid: 'r1', active: true, scalabilityMode: 'L1T3', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
      { rid: 'r2', active: true, scalabilityMode: 'L1T3', scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
    ],
    rtcp: { cname, reducedSize: true },
  };
}

/** Audio in a codec the router does not offer (G.722): mediasoup must refuse it. */
export function unsupportedCodecRtpParameters(): RtpParameters {
  return {
    ...opusRtpParameters(),
    codecs: [{ mimeType: 'audio/G722', payloadType: 9, clockRate: 8000, rtcpFeedback: [] }],
  };
}

/** `n` colon-separated hex pairs, e.g. a SHA-256 fingerprint for n = 32. */
export function hexPairs(n: number): string {
  return Array.from({ length: n }, (_, i) => ((i * 37 + 11) % 256).toString(16).toUpperCase().padStart(2, '0')).join(
    ':',
  );
}

/** A browser's DTLS parameters as mediasoup-client sends them on `transport:connect` (role `client` unless given). */
export function dtlsParameters(role: DtlsParameters['role'] = 'client'): DtlsParameters {
  return { role, fingerprints: [{ algorithm: 'sha-256', value: hexPairs(32) }] };
}

/** What a WebRtcTransport on 127.0.0.1 reports to its client. */
export function transportOptions(id: string): TransportOptions {
  return {
    id,
    iceParameters: { usernameFragment: `ufrag-${id}`, password: `pwd-${id}-0123456789abcdef`, iceLite: true },
    iceCandidates: [
      {
        foundation: 'udpcandidate',
        priority: 1_076_302_079,
        address: '127.0.0.1',
        ip: '127.0.0.1',
        protocol: 'udp',
        port: 40000,
        type: 'host',
      },
      {
        foundation: 'tcpcandidate',
        priority: 1_076_276_479,
        address: '127.0.0.1',
        ip: '127.0.0.1',
        protocol: 'tcp',
        port: 40000,
        type: 'host',
        tcpType: 'passive',
      },
    ],
    dtlsParameters: dtlsParameters('auto'),
  };
}
