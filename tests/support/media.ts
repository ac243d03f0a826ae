import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { MediaConfig } from '@yishi/sfu';
import { MAX_PUBLISH_BITRATE } from '@yishi/shared';
import { createLogger } from '@yishi/signaling';

/** Media settings for tests: loopback only, ports chosen by the OS at run time. */
export function testMediaConfig(overrides: Partial<MediaConfig> = {}): MediaConfig {
  return {
    numWorkers: 1,
    listenIp: '127.0.0.1',
    announcedAddress: undefined,
    basePort: 0,
    workerLogLevel: 'error',
    initialOutgoingBitrate: 1_000_000,
    maxIncomingBitrate: MAX_PUBLISH_BITRATE,
    peersPerRouter: 100,
    maxWorkerLoad: 0.85,
    ...overrides,
  };
}

/** Silent unless TEST_LOG_LEVEL says otherwise. */
export function testLogger() {
  return createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
}

/** Anything with the typed `on`/`off` of the SFU's emitters. */
interface Listenable<Events extends Record<string, unknown[]>> {
  on<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): unknown;
  off<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): unknown;
}

/**
 * Awaits typed events: `events<MediaRoomEvents>(room).next('reset')` resolves with the arguments
 * of the next `reset` (optionally the next one that `match` accepts), or rejects after a bounded wait.
 * Call `next` before triggering the event.
 */
export function events<Events extends Record<string, unknown[]>>(source: Listenable<Events>) {
  return {
    next<K extends keyof Events & string>(
      event: K,
      match: (...args: Events[K]) => boolean = () => true,
      timeoutMs = 10_000,
    ): Promise<Events[K]> {
      return new Promise((resolve, reject) => {
        const listener = (...args: Events[K]) => {
          if (!match(...args)) return;
          clearTimeout(timer);
          source.off(event, listener);
          resolve(args);
        };
        const timer = setTimeout(() => {
          source.off(event, listener);
          reject(new Error(`timed out waiting for ${event}`));
        }, timeoutMs);
        source.on(event, listener);
      });
    },
  };
}

/** Polls `condition` until it holds; a bounded wait, never a timing assertion. */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Watches every mediasoup object this process creates, through mediasoup's own observer API, so
 * tests can check what the SFU did behind its interface (a consumer really is paused, a router
 * really was closed) and that no worker process outlives the tests.
 */
export class MediasoupTracker {
  readonly workers: types.Worker[] = [];
  readonly routers: types.Router[] = [];
  readonly transports: types.Transport[] = [];
  readonly producers: types.Producer[] = [];
  readonly consumers: types.Consumer[] = [];

  readonly #onWorker = (worker: types.Worker) => {
    this.workers.push(worker);
    worker.observer.on('newrouter', (router) => {
      this.routers.push(router);
      router.observer.on('newtransport', (transport) => {
        this.transports.push(transport);
        transport.observer.on('newproducer', (producer) => this.producers.push(producer));
        transport.observer.on('newconsumer', (consumer) => this.consumers.push(consumer));
      });
    });
  };

  constructor() {
    mediasoup.observer.on('newworker', this.#onWorker);
  }

  consumer(id: string): types.Consumer {
    const consumer = this.consumers.find((c) => c.id === id);
    if (!consumer) throw new Error(`no mediasoup consumer ${id}`);
    return consumer;
  }

  producer(id: string): types.Producer {
    const producer = this.producers.find((p) => p.id === id);
    if (!producer) throw new Error(`no mediasoup producer ${id}`);
    return producer;
  }

  transport(id: string): types.Transport {
    const transport = this.transports.find((t) => t.id === id);
    if (!transport) throw new Error(`no mediasoup transport ${id}`);
    return transport;
  }

  /** Waits (bounded) until every worker process seen so far has exited, then stops watching. */
  async expectAllWorkersGone(timeoutMs = 10_000): Promise<void> {
    mediasoup.observer.off('newworker', this.#onWorker);
    const alive = () => this.workers.filter((w) => !w.subprocessClosed).map((w) => w.pid);
    await until(() => alive().length === 0, `worker processes ${alive().join(', ')} exit`, timeoutMs);
  }
}
