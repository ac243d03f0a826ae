import { EventEmitter } from 'node:events';
import type {
  MediaGateway,
  MediaPipes,
  MediaRoomApi,
  MediaRoomEvents,
  PeerMediaOptions,
  ProduceRequest,
} from '@yishi/sfu';
import {
  type ConsumerOptions,
  type DtlsParameters,
  Forbidden,
  NotFound,
  type ProducerInfo,
  type RtpCapabilities,
  type TransportOptions,
} from '@yishi/shared';
import { rtpCapabilities, transportOptions, vp8SimulcastRtpParameters } from './mediaFixtures.js';

type Method = Exclude<keyof MediaRoomApi, 'id' | 'on' | 'off' | 'pipes'>;

/** One call the signaling layer made into a fake room. */
export interface FakeCall {
  method: Method;
  args: unknown[];
}

/**
 * An in-memory MediaRoomApi for fast signaling tests: it keeps the bookkeeping the real MediaRoom
 * keeps (peers, transports, producers, consumers), refuses the same way (NotFound, Forbidden),
 * records every call, and lets a test inject a failure or fire a media event.
 */
export class FakeMediaRoom implements MediaRoomApi {
  readonly id: string;
  readonly calls: FakeCall[] = [];
  readonly peers = new Map<string, PeerMediaOptions>();
  /** Resolves when close() is first called. */
  readonly closed: Promise<void>;
  closeCount = 0;

  readonly #events = new EventEmitter();
  readonly #transports = new Map<string, { peerId: string; direction: 'send' | 'recv' }>();
  readonly #producers = new Map<string, ProducerInfo>();
  readonly #consumers = new Map<string, { peerId: string; producerId: string }>();
  readonly #failures = new Map<Method, unknown>();
  #resolveClosed!: () => void;
  #nextId = 0;

  /** One node only: signaling tests with the fake never pipe media between nodes. */
  readonly pipes: MediaPipes = {
    pipeOut: () => Promise.reject(new NotFound('no pipes in the fake gateway')),
    openPipeIn: () => Promise.reject(new NotFound('no pipes in the fake gateway')),
    completePipeIn: () => Promise.reject(new NotFound('no pipes in the fake gateway')),
    setPipedPaused: () => Promise.reject(new NotFound('no pipes in the fake gateway')),
    closePipe: () => {},
  };

  constructor(id: string) {
    this.id = id;
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  /** The methods called so far, in order. */
  methods(): Method[] {
    return this.calls.map((c) => c.method);
  }

  /** Makes the next call of `method` throw `error` instead of doing its work. */
  failNext(method: Method, error: unknown): void {
    this.#failures.set(method, error);
  }

  /** Fires a media event, as the SFU would. */
  fire<K extends keyof MediaRoomEvents>(event: K, ...args: MediaRoomEvents[K]): void {
    this.#events.emit(event, ...args);
  }

  async rtpCapabilities(): Promise<RtpCapabilities> {
    this.#record('rtpCapabilities', []);
    return rtpCapabilities();
  }

  addPeer(peerId: string, options: PeerMediaOptions): void {
    this.#record('addPeer', [peerId, options]);
    this.#assertOpen();
    this.#dropPeerMedia(peerId);
    this.peers.set(peerId, options);
  }

  removePeer(peerId: string): void {
    this.#record('removePeer', [peerId]);
    if (!this.peers.delete(peerId)) return;
    this.#dropPeerMedia(peerId);
  }

  activeSpeaker(): string | null {
    return null;
  }

  producers(): ProducerInfo[] {
    this.#record('producers', []);
    return [...this.#producers.values()].map((p) => ({ ...p }));
  }

  async createTransport(peerId: string, direction: 'send' | 'recv'): Promise<TransportOptions> {
    this.#record('createTransport', [peerId, direction]);
    const peer = this.#peer(peerId);
    if (direction === 'send' && !peer.canProduce) throw new Forbidden('this role may not send media');
    const id = this.#newId('transport');
    this.#transports.set(id, { peerId, direction });
    return transportOptions(id);
  }

  async connectTransport(peerId: string, transportId: string, dtlsParameters: DtlsParameters): Promise<void> {
    this.#record('connectTransport', [peerId, transportId, dtlsParameters]);
    this.#transport(peerId, transportId);
  }

  async restartIce(peerId: string, transportId: string): Promise<TransportOptions['iceParameters']> {
    this.#record('restartIce', [peerId, transportId]);
    this.#transport(peerId, transportId);
    return { usernameFragment: this.#newId('ufrag'), password: this.#newId('pwd'), iceLite: true };
  }

  async produce(peerId: string, request: ProduceRequest): Promise<ProducerInfo> {
    this.#record('produce', [peerId, request]);
    if (!this.#peer(peerId).canProduce) throw new Forbidden('this role may not send media');
    this.#transport(peerId, request.transportId, 'send');
    const info: ProducerInfo = {
      producerId: this.#newId('producer'),
      peerId,
      kind: request.kind,
      source: request.source,
      paused: false,
    };
    this.#producers.set(info.producerId, info);
    return { ...info };
  }

  async setProducerPaused(peerId: string, producerId: string, paused: boolean): Promise<void> {
    this.#record('setProducerPaused', [peerId, producerId, paused]);
    const producer = this.#ownProducer(peerId, producerId);
    if (producer.paused === paused) return;
    producer.paused = paused;
    // Like the real room: every change of pause state is announced.
    this.fire(paused ? 'producerPaused' : 'producerResumed', { peerId, producerId });
  }

  async setMicAllowed(peerId: string, allowed: boolean): Promise<void> {
    this.#record('setMicAllowed', [peerId, allowed]);
    this.#peer(peerId);
  }

  async muteMic(peerId: string): Promise<void> {
    this.#record('muteMic', [peerId]);
    this.#peer(peerId);
  }

  closeProducer(peerId: string, producerId: string): void {
    this.#record('closeProducer', [peerId, producerId]);
    this.#ownProducer(peerId, producerId);
    this.#closeProducer(producerId);
  }

  async consume(peerId: string, request: { transportId: string; producerId: string }): Promise<ConsumerOptions> {
    this.#record('consume', [peerId, request]);
    this.#transport(peerId, request.transportId, 'recv');
    const producer = this.#producers.get(request.producerId);
    if (!producer) throw new NotFound(`producer ${request.producerId} not found`);
    const id = this.#newId('consumer');
    this.#consumers.set(id, { peerId, producerId: producer.producerId });
    return {
      id,
      producerId: producer.producerId,
      peerId: producer.peerId,
      kind: producer.kind,
      source: producer.source,
      rtpParameters: vp8SimulcastRtpParameters(),
      type: producer.kind === 'video' ? 'simulcast' : 'simple',
      producerPaused: producer.paused,
    };
  }

  async setConsumerPaused(peerId: string, consumerId: string, paused: boolean): Promise<void> {
    this.#record('setConsumerPaused', [peerId, consumerId, paused]);
    this.#ownConsumer(peerId, consumerId);
  }

  async setPreferredLayers(
    peerId: string,
    consumerId: string,
    layers: { spatialLayer: number; temporalLayer?: number },
  ): Promise<void> {
    this.#record('setPreferredLayers', [peerId, consumerId, layers]);
    this.#ownConsumer(peerId, consumerId);
  }

  close(): void {
    this.calls.push({ method: 'close', args: [] });
    this.closeCount++;
    if (this.closeCount > 1) return;
    this.#resolveClosed();
    this.#events.removeAllListeners();
  }

  on<K extends keyof MediaRoomEvents>(event: K, listener: (...args: MediaRoomEvents[K]) => void): this {
    this.#events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof MediaRoomEvents>(event: K, listener: (...args: MediaRoomEvents[K]) => void): this {
    this.#events.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  #record(method: Method, args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.#failures.has(method)) {
      const error = this.#failures.get(method);
      this.#failures.delete(method);
      throw error;
    }
  }

  #newId(prefix: string): string {
    this.#nextId++;
    return `${prefix}-${this.#nextId}`;
  }

  #assertOpen(): void {
    if (this.closeCount > 0) throw new NotFound(`room ${this.id} is closed`);
  }

  #peer(peerId: string): PeerMediaOptions {
    this.#assertOpen();
    const peer = this.peers.get(peerId);
    if (!peer) throw new NotFound('join the room first');
    return peer;
  }

  #transport(peerId: string, transportId: string, direction?: 'send' | 'recv'): void {
    this.#peer(peerId);
    const transport = this.#transports.get(transportId);
    if (!transport || transport.peerId !== peerId) throw new NotFound(`transport ${transportId} not found`);
    if (direction && transport.direction !== direction) {
      throw new NotFound(`transport ${transportId} is not a ${direction} transport`);
    }
  }

  #ownProducer(peerId: string, producerId: string): ProducerInfo {
    this.#peer(peerId);
    const producer = this.#producers.get(producerId);
    if (!producer || producer.peerId !== peerId) throw new NotFound(`producer ${producerId} not found`);
    return producer;
  }

  #ownConsumer(peerId: string, consumerId: string): void {
    this.#peer(peerId);
    if (this.#consumers.get(consumerId)?.peerId !== peerId) throw new NotFound(`consumer ${consumerId} not found`);
  }

  /** Like the real room: a producer's close reaches others as producerClosed and closes its consumers. */
  #closeProducer(producerId: string): void {
    const producer = this.#producers.get(producerId);
    if (!producer) return;
    this.#producers.delete(producerId);
    for (const [consumerId, consumer] of this.#consumers) {
      if (consumer.producerId !== producerId) continue;
      this.#consumers.delete(consumerId);
      this.#events.emit('consumerClosed', { peerId: consumer.peerId, consumerId });
    }
    this.#events.emit('producerClosed', { peerId: producer.peerId, producerId });
  }

  #dropPeerMedia(peerId: string): void {
    for (const [id, t] of this.#transports) if (t.peerId === peerId) this.#transports.delete(id);
    for (const [id, c] of this.#consumers) if (c.peerId === peerId) this.#consumers.delete(id);
    for (const p of [...this.#producers.values()]) if (p.peerId === peerId) this.#closeProducer(p.producerId);
  }
}

/**
 * A MediaGateway that opens FakeMediaRooms. `hold()` keeps the next openings pending until
 * released (a slow router creation); `failOpen` makes openings reject (media unavailable).
 */
export class FakeMediaGateway implements MediaGateway {
  /** Every room opened, oldest first (a room id appears again once reopened after a close). */
  readonly opened: FakeMediaRoom[] = [];
  failOpen: Error | undefined;
  closed = false;
  #hold: { gate: Promise<void>; requested: () => void } | undefined;

  get ready(): boolean {
    return !this.closed;
  }

  async openRoom(roomId: string): Promise<MediaRoomApi> {
    if (this.#hold) {
      this.#hold.requested();
      await this.#hold.gate;
    }
    if (this.failOpen) throw this.failOpen;
    const room = new FakeMediaRoom(roomId);
    this.opened.push(room);
    return room;
  }

  /** The most recently opened room with this id. */
  room(roomId: string): FakeMediaRoom {
    const room = this.opened.findLast((r) => r.id === roomId);
    if (!room) throw new Error(`no fake room ${roomId} was opened`);
    return room;
  }

  /** Holds openings until `release()`; `requested` resolves when one is waiting. */
  hold(): { requested: Promise<void>; release: () => void } {
    let release!: () => void;
    let requested!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = () => {
        this.#hold = undefined;
        resolve();
      };
    });
    const waiting = new Promise<void>((resolve) => {
      requested = resolve;
    });
    this.#hold = { gate, requested };
    return { requested: waiting, release };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const room of this.opened) if (room.closeCount === 0) room.close();
  }
}
