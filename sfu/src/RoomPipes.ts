import { isIP } from 'node:net';
import type { types } from 'mediasoup';
import { type MediaSource, NotFound, type ProducerInfo, type RtpParameters } from '@yishi/shared';
import type { MediaConfig } from './config.js';
import type { MediaPipes, PipeAddress, PipeEnd, PipeOffer } from './MediaPipes.js';
import { producerInfo } from './MediaPeer.js';

type Producer = types.Producer<{ peerId: string; source: MediaSource }>;

interface Hooks {
  /** The room's first router; with a producer id, once that producer is available on it. */
  router(producerId?: string): Promise<types.Router>;
  /** A producer of this room's own peers. */
  localProducer(producerId: string): Producer;
  /** A producer piped in from another node is ready here (and when it closes). */
  pipedIn(producer: Producer): void;
}

/**
 * The pipe transports of one room (see MediaPipes). Pipes carry SRTP between nodes of one
 * deployment, on the media listen address, each end's keys exchanged over the cluster's Redis
 * channel: keep that network private too (a LAN or a VPN between the nodes), as the mediasoup
 * documentation advises for PipeTransports.
 */
export class RoomPipes implements MediaPipes {
  readonly #config: MediaConfig;
  readonly #hooks: Hooks;
  readonly #transports = new Map<string, types.PipeTransport>();
  readonly #piped = new Map<string, Producer>();

  constructor(config: MediaConfig, hooks: Hooks) {
    this.#config = config;
    this.#hooks = hooks;
  }

  /** Producers piped in from other nodes. */
  producers(): Producer[] {
    return [...this.#piped.values()];
  }

  producer(producerId: string): Producer | undefined {
    return this.#piped.get(producerId);
  }

  async pipeOut(producerId: string, remote: PipeAddress): Promise<PipeOffer & { pipeId: string }> {
    const producer = this.#hooks.localProducer(producerId);
    const transport = await this.#create(producerId);
    try {
      await transport.connect(remote);
      const consumer = await transport.consume({ producerId });
      // The original gone, the pipe has nothing more to carry.
      consumer.on('producerclose', () => transport.close());
      return {
        pipeId: transport.id,
        ...this.#address(transport),
        producer: producerInfo(producer),
        rtpParameters: consumer.rtpParameters as RtpParameters,
      };
    } catch (err) {
      transport.close();
      throw err;
    }
  }

  async openPipeIn(): Promise<PipeEnd> {
    const transport = await this.#create();
    return { pipeId: transport.id, ...this.#address(transport) };
  }

  async completePipeIn(pipeId: string, offer: PipeOffer): Promise<ProducerInfo> {
    const transport = this.#transport(pipeId);
    const { producer: remote } = offer;
    await transport.connect({ ip: offer.ip, port: offer.port, srtpParameters: offer.srtpParameters });
    const producer = await transport.produce<{ peerId: string; source: MediaSource }>({
      id: remote.producerId,
      kind: remote.kind,
      rtpParameters: offer.rtpParameters as types.RtpParameters,
      paused: remote.paused,
      appData: { peerId: remote.peerId, source: remote.source },
    });
    this.#piped.set(producer.id, producer);
    producer.observer.on('close', () => this.#piped.delete(producer.id));
    this.#hooks.pipedIn(producer);
    return producerInfo(producer);
  }

  async setPipedPaused(producerId: string, paused: boolean): Promise<void> {
    const producer = this.#piped.get(producerId);
    if (!producer) throw new NotFound(`piped producer ${producerId} not found`);
    await (paused ? producer.pause() : producer.resume());
  }

  closePipe(pipeId: string): void {
    this.#transports.get(pipeId)?.close();
  }

  async #create(producerId?: string): Promise<types.PipeTransport> {
    const router = await this.#hooks.router(producerId);
    const transport = await router.createPipeTransport({
      listenInfo: { protocol: 'udp', ip: this.#config.listenIp },
      // Retransmissions across the pipe too: a lost packet between nodes is asked for again.
      enableRtx: true,
      enableSrtp: true,
    });
    this.#transports.set(transport.id, transport);
    transport.observer.on('close', () => this.#transports.delete(transport.id));
    return transport;
  }

  #transport(pipeId: string): types.PipeTransport {
    const transport = this.#transports.get(pipeId);
    if (!transport) throw new NotFound(`pipe ${pipeId} not found`);
    return transport;
  }

  /**
   * Where the other node reaches this end (the announced address when it is an IP, else the
   * listen one), and this end's SRTP keys.
   */
  #address(transport: types.PipeTransport): PipeAddress {
    const announced = this.#config.announcedAddress;
    const ip = announced && isIP(announced) ? announced : transport.tuple.localAddress;
    const { srtpParameters } = transport;
    if (!srtpParameters) throw new Error('a pipe transport was created without SRTP');
    return { ip, port: transport.tuple.localPort, srtpParameters };
  }
}
