import dgram from 'node:dgram';
import { AUDIO, type RtpStream, rtpPacket, senderReport, VIDEO, vp8Frame } from './rtp.js';

/** SSRCs of the synthetic publisher: one audio stream and three video layers. */
export const SSRC = { audio: 11_111_111, video: [22_222_221, 22_222_222, 22_222_223] } as const;

/** mediasoup producer parameters matching what `Publisher` sends. */
export const PRODUCER_PARAMETERS = {
  audio: {
    codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO.payloadType, clockRate: AUDIO.clockRate, channels: 2 }],
    encodings: [{ ssrc: SSRC.audio }],
  },
  video: {
    codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO.payloadType, clockRate: VIDEO.clockRate }],
    encodings: SSRC.video.map((ssrc) => ({ ssrc })),
  },
};

/** A plain transport's address. */
export interface Target {
  ip: string;
  port: number;
}

/**
 * Sends the synthetic audio and three-layer video to a plain transport's address (or the same
 * packets to several: one stream per member of a synthetic room, built once), paced by timers,
 * and counts what it sent per stream (the SFU forwards each consumer the audio and one video
 * layer, so these counts give the expected delivery).
 */
export class Publisher {
  readonly sent = { audio: 0, video: [0, 0, 0] };
  readonly #socket = dgram.createSocket('udp4');
  readonly #timers: NodeJS.Timeout[] = [];

  start(audioTo: Target | readonly Target[], videoTo: Target | readonly Target[]): void {
    const audio = [audioTo].flat();
    const video = [videoTo].flat();
    const send = (packet: Buffer, to: readonly Target[]) => {
      for (const t of to) this.#socket.send(packet, t.port, t.ip);
    };
    const audioStream: RtpStream = { ssrc: SSRC.audio, payloadType: AUDIO.payloadType, seq: 1, timestamp: 1 };
    this.#timers.push(
      setInterval(() => {
        audioStream.timestamp += (AUDIO.clockRate * AUDIO.ptimeMs) / 1000;
        send(rtpPacket(audioStream, false, Buffer.alloc(AUDIO.bytes, 0x5a)), audio);
        this.sent.audio++;
      }, AUDIO.ptimeMs),
    );
    const layers: RtpStream[] = SSRC.video.map((ssrc) => ({
      ssrc,
      payloadType: VIDEO.payloadType,
      seq: 1,
      timestamp: 1,
    }));
    let frame = 0;
    this.#timers.push(
      setInterval(() => {
        const keyframe = frame % VIDEO.keyframeEvery === 0;
        layers.forEach((stream, layer) => {
          stream.timestamp += VIDEO.clockRate / VIDEO.fps;
          const bytes = Math.round(((VIDEO.layerKbps[layer] as number) * 1000) / 8 / VIDEO.fps) * (keyframe ? 3 : 1);
          const chunks = vp8Frame(bytes, frame & 0x7fff, keyframe);
          chunks.forEach((payload, i) => {
            send(rtpPacket(stream, i === chunks.length - 1, payload), video);
          });
          (this.sent.video[layer] as number) += chunks.length;
        });
        frame++;
      }, 1000 / VIDEO.fps),
    );
    // One sender report per second per stream (RTCP is multiplexed on the RTP port).
    this.#timers.push(
      setInterval(() => {
        send(senderReport(audioStream, this.sent.audio, this.sent.audio * AUDIO.bytes), audio);
        layers.forEach((stream, layer) => {
          const packets = this.sent.video[layer] as number;
          send(senderReport(stream, packets, packets * VIDEO.maxPayload), video);
        });
      }, 1000),
    );
  }

  stop(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#socket.close();
  }
}
