import type { DtlsParameters, RtpParameters } from '@yishi/shared';

/**
 * Realistic RTP send parameters, shaped like what mediasoup-client hands to `transport.produce()`
 * in Chrome (header extension ids as Chrome negotiates them). mediasoup accepts a producer on a
 * WebRtcTransport that is not yet connected, so these let tests publish without a browser.
 */

let nextSsrc = 100_000_000;
let nextMid = 0;

/** Each producer on a transport needs its own SSRCs and MID; these hand out fresh ones. */
const ssrc = () => nextSsrc++;
const mid = () => String(nextMid++);

const cname = 'yishi-test-cname';

const MID_EXT = { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4, encrypt: false, parameters: {} };
const ABS_SEND_TIME_EXT = {
  uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  id: 2,
  encrypt: false,
  parameters: {},
};
const TRANSPORT_CC_EXT = {
  uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  id: 3,
  encrypt: false,
  parameters: {},
};

/** A microphone track: opus with in-band FEC and DTX, one encoding. */
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
      MID_EXT,
      ABS_SEND_TIME_EXT,
      TRANSPORT_CC_EXT,
      { uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 1, encrypt: false, parameters: {} },
    ],
    encodings: [{ ssrc: ssrc(), dtx: true }],
    rtcp: { cname, reducedSize: true },
  };
}

/** A camera track: VP8 with RTX, three simulcast layers identified by rid r0 (smallest) to r2. */
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
      MID_EXT,
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', id: 10, encrypt: false, parameters: {} },
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id', id: 11, encrypt: false, parameters: {} },
      ABS_SEND_TIME_EXT,
      TRANSPORT_CC_EXT,
      { uri: 'urn:3gpp:video-orientation', id: 13, encrypt: false, parameters: {} },
      { uri: 'urn:ietf:params:rtp-hdrext:toffset', id: 14, encrypt: false, parameters: {} },
    ],
    encodings: [
      { rid: 'r0', active: true, scalabilityMode: 'L1T3', scaleResolutionDownBy: 4, maxBitrate: 100_000 },
      { rid: 'r1', active: true, scalabilityMode: 'L1T3', scaleResolutionDownBy: 2, maxBitrate: 300_000 },
      { rid: 'r2', active: true, scalabilityMode: 'L1T3', scaleResolutionDownBy: 1, maxBitrate: 900_000 },
    ],
    rtcp: { cname, reducedSize: true },
  };
}

/** Audio in a codec the router does not offer (G.722): mediasoup must refuse it. */
export function unsupportedCodecRtpParameters(): RtpParameters {
  const params = opusRtpParameters();
  return { ...params, codecs: [{ mimeType: 'audio/G722', payloadType: 9, clockRate: 8000, rtcpFeedback: [] }] };
}

/** A client's DTLS parameters as a browser would send them (a random SHA-256 certificate fingerprint). */
export function clientDtlsParameters(): DtlsParameters {
  const bytes = Array.from({ length: 32 }, () =>
    Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, '0')
      .toUpperCase(),
  );
  return { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: bytes.join(':') }] };
}
