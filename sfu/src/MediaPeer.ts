import type { types } from 'mediasoup';
import { NotFound, type MediaSource, type ProducerInfo, type RtpCapabilities } from '@yishi/shared';

export type Direction = 'send' | 'recv';

/** One participant's mediasoup objects inside a room. Plain bookkeeping; MediaRoom owns the rules. */
export class MediaPeer {
  readonly id: string;
  readonly canProduce: boolean;
  readonly rtpCapabilities: RtpCapabilities;
  readonly transports = new Map<string, types.Transport<{ direction: Direction }>>();
  readonly producers = new Map<string, types.Producer<{ peerId: string; source: MediaSource }>>();
  readonly consumers = new Map<string, types.Consumer>();
  /** Floor control: may this peer's microphone carry sound now? */
  micAllowed = true;
  /** The peer (or the chair) muted the microphone. */
  micMuted = false;
  /** The last change of the microphone's paused state in the SFU; changes are applied one at a time. */
  micApplied: Promise<void> = Promise.resolve();

  constructor(id: string, canProduce: boolean, rtpCapabilities: RtpCapabilities) {
    this.id = id;
    this.canProduce = canProduce;
    this.rtpCapabilities = rtpCapabilities;
  }

  transport(transportId: string, direction?: Direction): types.Transport<{ direction: Direction }> {
    const transport = this.transports.get(transportId);
    if (!transport) throw new NotFound(`transport ${transportId} not found`);
    if (direction && transport.appData.direction !== direction) {
      throw new NotFound(`transport ${transportId} is not a ${direction} transport`);
    }
    return transport;
  }

  /** A transport of a browser (ICE + DTLS), for the calls only those have. */
  webRtcTransport(transportId: string): types.WebRtcTransport<{ direction: Direction }> {
    const transport = this.transport(transportId);
    if (transport.type !== 'webrtc') throw new NotFound(`transport ${transportId} is not a WebRTC transport`);
    return transport as types.WebRtcTransport<{ direction: Direction }>;
  }

  /** A plain RTP transport (server-side media, load tests). */
  plainTransport(transportId: string): types.PlainTransport<{ direction: Direction }> {
    const transport = this.transport(transportId);
    if (transport.type !== 'plain') throw new NotFound(`transport ${transportId} is not a plain RTP transport`);
    return transport as types.PlainTransport<{ direction: Direction }>;
  }

  producer(producerId: string): types.Producer<{ peerId: string; source: MediaSource }> {
    const producer = this.producers.get(producerId);
    if (!producer) throw new NotFound(`producer ${producerId} not found`);
    return producer;
  }

  /** The microphone producer, if the peer publishes one. */
  mic(): types.Producer<{ peerId: string; source: MediaSource }> | undefined {
    for (const producer of this.producers.values()) if (producer.appData.source === 'mic') return producer;
    return undefined;
  }

  consumer(consumerId: string): types.Consumer {
    const consumer = this.consumers.get(consumerId);
    if (!consumer) throw new NotFound(`consumer ${consumerId} not found`);
    return consumer;
  }

  /** Closing the transports closes this peer's producers and consumers with them. */
  closeAll(): void {
    for (const transport of this.transports.values()) transport.close();
    this.forget();
  }

  /** Drops references to objects mediasoup already closed (router lost with its worker). */
  forget(): void {
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
  }
}

/** A producer as the signaling layer describes it. */
export function producerInfo(producer: types.Producer<{ peerId: string; source: MediaSource }>): ProducerInfo {
  return {
    producerId: producer.id,
    peerId: producer.appData.peerId,
    kind: producer.kind,
    source: producer.appData.source,
    paused: producer.paused,
  };
}
