import { randomBytes } from 'node:crypto';

/**
 * Synthetic RTP, generated in-process: opus-sized audio and VP8 frames in three simulcast layers.
 * The SFU never decodes media, only parses RTP and the VP8 payload descriptor (keyframes, picture
 * ids), so well-formed headers with filler payload load it exactly like real media.
 */

export interface RtpStream {
  ssrc: number;
  payloadType: number;
  seq: number;
  timestamp: number;
}

export function rtpPacket(stream: RtpStream, marker: boolean, payload: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80; // version 2
  header[1] = (marker ? 0x80 : 0) | stream.payloadType;
  header.writeUInt16BE(stream.seq & 0xffff, 2);
  header.writeUInt32BE(stream.timestamp >>> 0, 4);
  header.writeUInt32BE(stream.ssrc >>> 0, 8);
  stream.seq = (stream.seq + 1) & 0xffff;
  return Buffer.concat([header, payload]);
}

export const AUDIO = { payloadType: 100, clockRate: 48000, ptimeMs: 20, bytes: 80 } as const; // 32 kbit/s
export const VIDEO = {
  payloadType: 101,
  clockRate: 90000,
  fps: 15,
  /** Target kbit/s of each simulcast layer, lowest first (≈ 500 kbit/s in all). */
  layerKbps: [100, 150, 250],
  maxPayload: 1100,
  keyframeEvery: 15,
} as const;

/** One VP8 frame of `bytes` split into RTP payloads: descriptor (with a 15-bit picture id) + data. */
export function vp8Frame(bytes: number, pictureId: number, keyframe: boolean): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes; offset += VIDEO.maxPayload) {
    const size = Math.min(VIDEO.maxPayload, bytes - offset);
    const first = offset === 0;
    // X=1 (extensions present), S=1 on the first packet of the frame, PID=0; I=1: picture id, M=1: 15 bits.
    const descriptor = Buffer.from([first ? 0x90 : 0x80, 0x80, 0x80 | ((pictureId >> 8) & 0x7f), pictureId & 0xff]);
    const data = randomBytes(size);
    if (first) {
      // VP8 payload header: bit 0 of the first byte is 0 on a keyframe; keyframes carry the start code and size.
      data[0] = keyframe ? 0x10 : 0x11;
      if (keyframe && size >= 10) {
        data.set([0x9d, 0x01, 0x2a], 3);
        data.writeUInt16LE(640, 6);
        data.writeUInt16LE(360, 8);
      }
    }
    chunks.push(Buffer.concat([descriptor, data]));
  }
  return chunks;
}

/**
 * An RTCP sender report: it ties the stream's RTP clock to wall-clock time. The SFU needs these
 * to line up the timestamps of simulcast layers before it can switch a consumer between them.
 */
export function senderReport(stream: RtpStream, packets: number, octets: number): Buffer {
  const sr = Buffer.alloc(28);
  sr[0] = 0x80; // version 2, no reception reports
  sr[1] = 200; // SR
  sr.writeUInt16BE(6, 2); // length in 32-bit words minus one
  sr.writeUInt32BE(stream.ssrc >>> 0, 4);
  const ms = Date.now() + 2_208_988_800_000; // NTP epoch is 1900
  sr.writeUInt32BE(Math.floor(ms / 1000) >>> 0, 8);
  sr.writeUInt32BE(Math.floor(((ms % 1000) / 1000) * 2 ** 32) >>> 0, 12);
  sr.writeUInt32BE(stream.timestamp >>> 0, 16);
  sr.writeUInt32BE(packets >>> 0, 20);
  sr.writeUInt32BE(octets >>> 0, 24);
  return sr;
}
