import type { types } from 'mediasoup';
import { Conflict, NotFound, type MediaSource, type ProducerInfo, type RtpCapabilities } from '@yishi/shared';
import { MAX_CONSUMERS_PER_PEER, MAX_TRANSPORTS_PER_DIRECTION } from './limits.js';

export type Direction = 'send' | 'recv';

/** Gives back a slot taken before its object was made (made and recorded, or failed). */
export type Release = () => void;

/**
 * One participant's mediasoup objects inside a room, and the limits on how many (see limits.ts).
 * Bookkeeping; MediaRoom owns the other rules.
 */
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
  /** Slots taken by requests still being carried out (see `reserve…`). */
  readonly #makingTransports: Record<Direction, number> = { send: 0, recv: 0 };
  readonly #publishing = new Set<MediaSource>();
  readonly #consuming = new Set<string>();

  constructor(id: string, canProduce: boolean, rtpCapabilities: RtpCapabilities) {
    this.id = id;
    this.canProduce = canProduce;
    this.rtpCapabilities = rtpCapabilities;
  }

  /**
   * Takes a transport slot in `direction` before the first await of making it, or refuses
   * (CONFLICT): transports held and being made count alike.
   */
  reserveTransport(direction: Direction): Release {
    const held = [...this.transports.values()].filter((t) => t.appData.direction === direction).length;
    if (held + this.#makingTransports[direction] >= MAX_TRANSPORTS_PER_DIRECTION) {
      throw new Conflict(`at most ${MAX_TRANSPORTS_PER_DIRECTION} ${direction} transports per participant`);
    }
    this.#makingTransports[direction]++;
    return () => {
      this.#makingTransports[direction]--;
    };
  }

  /** One producer per source, counting one being made; a second is refused (CONFLICT). */
  reserveSource(source: MediaSource): Release {
    if (this.#publishing.has(source) || [...this.producers.values()].some((p) => p.appData.source === source)) {
      throw new Conflict(`already publishing ${source}; close it first`);
    }
    this.#publishing.add(source);
    return () => this.#publishing.delete(source);
  }

  /** One consumer per producer, and `MAX_CONSUMERS_PER_PEER` in all, counting those being made. */
  reserveConsumer(producerId: string): Release {
    if (this.#consuming.has(producerId) || [...this.consumers.values()].some((c) => c.producerId === producerId)) {
      throw new Conflict('already consuming this producer');
    }
    if (this.consumers.size + this.#consuming.size >= MAX_CONSUMERS_PER_PEER) {
      throw new Conflict(`at most ${MAX_CONSUMERS_PER_PEER} consumers per participant`);
    }
    this.#consuming.add(producerId);
    return () => this.#consuming.delete(producerId);
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
