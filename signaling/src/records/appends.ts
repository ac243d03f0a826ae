import type { EventBus, NewEvent, RoomStore, StoredEvent } from '../store/index.js';

/** An append heard: the stream, its version after it, and its events when made on this node. */
export type AppendListener = (streamId: string, version: number, events?: readonly StoredEvent[]) => void;

/**
 * Every append to the store, this node's and (through the bus) every other node's, for
 * projections that follow many streams (the records). The store is wrapped: an append made
 * through `store` is told with its events, so a single node (whose bus is silent) hears its own
 * appends and a projection need not read them back. Another node's append comes as the stream and
 * its version only; the listener reads what it has not seen. Both may tell the same append: a
 * listener keys what it applied by stream version, never by delivery.
 */
export class AppendFeed {
  readonly store: RoomStore;
  readonly #listeners: AppendListener[] = [];

  constructor(store: RoomStore, bus?: EventBus) {
    const listeners = this.#listeners;
    this.store = {
      load: (streamId) => store.load(streamId),
      readRange: (streamId, from, to) => store.readRange(streamId, from, to),
      version: (streamId) => store.version(streamId),
      streams: () => store.streams(),
      close: () => store.close(),
      async append(streamId: string, expectedVersion: number, events: NewEvent[]): Promise<number> {
        const version = await store.append(streamId, expectedVersion, events);
        if (events.length === 0) return version;
        // The appender's own objects: a listener never changes them (applyEvents folds copies).
        const stored = events.map((e, i) => ({
          type: e.type,
          at: e.at,
          data: e.data,
          version: expectedVersion + i + 1,
        }));
        for (const listener of listeners) listener(streamId, version, stored);
        return version;
      },
    };
    // Another node's append as its stream and version only, even when the bus carried its events:
    // listeners take events as this node's own (the records enter whoever joined here).
    bus?.subscribe((streamId, version) => {
      for (const listener of listeners) listener(streamId, version);
    });
  }

  /** `listener` hears of every append from now on. */
  subscribe(listener: AppendListener): void {
    this.#listeners.push(listener);
  }
}
