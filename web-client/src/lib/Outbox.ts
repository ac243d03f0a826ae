import type { RequestInput, RequestName, ResponseMap } from '@yishi/shared';
import { RequestError } from './signaling.js';
import { Store } from './store.js';

/** A request still on its way, as the UI lists it ("sending…"). */
export interface Pending {
  name: RequestName;
  payload: unknown;
}

interface Item extends Pending {
  /** Items with the same key replace an unsent one (the latest summary text is what counts). */
  key: string | undefined;
  resolve: (value: never) => void;
  reject: (err: unknown) => void;
}

/** Refusals that say nothing about the request itself: it is sent again once the room is back. */
const TRANSIENT = new Set<RequestError['code']>(['TIMEOUT', 'NETWORK', 'UNAVAILABLE']);
/** A timeout while still connected: the server was slow or the link half-dead; try again after this. */
const RETRY_MS = 3_000;

/**
 * The edits a participant must not lose — comments and minutes — sent in order, one at a time.
 * When the connection drops before the server answers, the same request (carrying the same
 * client-chosen id where it creates something) goes again once the room is rejoined; the server
 * stores it once. A refusal (a rule, a limit) is final and reported to the caller.
 */
export class Outbox {
  /** What waits for the connection to come back (empty while online: sending is not waiting). */
  readonly pending = new Store<Pending[]>([]);
  readonly #send: (name: RequestName, payload: unknown) => Promise<unknown>;
  #queue: Item[] = [];
  #online = true;
  #busy = false;
  #wake: (() => void) | undefined;

  constructor(send: (name: RequestName, payload: unknown) => Promise<unknown>) {
    this.#send = send;
  }

  deliver<K extends RequestName>(name: K, payload: RequestInput<K>, key?: string): Promise<ResponseMap[K]> {
    let item!: Item;
    const done = new Promise<ResponseMap[K]>((resolve, reject) => {
      item = { name, payload, key, resolve: resolve as (value: never) => void, reject };
    });
    // An unsent edit of the same thing is superseded (not the one in flight): its caller gets the newer outcome.
    const stale = key === undefined ? -1 : this.#queue.findIndex((queued, i) => i > 0 && queued.key === key);
    const old = this.#queue[stale];
    if (old) {
      this.#queue[stale] = item;
      done.then(old.resolve as (value: unknown) => void, old.reject);
    } else this.#queue.push(item);
    this.#show();
    void this.#pump();
    return done;
  }

  /** The room is joined (again): send what waits. */
  online(): void {
    this.#online = true;
    this.#show();
    this.#wake?.();
  }

  /** The connection dropped: hold everything until `online`. */
  offline(): void {
    this.#online = false;
    this.#show();
  }

  /** The session ended for good: whatever waits fails. */
  close(err: unknown): void {
    for (const item of this.#queue.splice(0)) item.reject(err);
    this.#show();
    this.#wake?.();
  }

  async #pump(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (let item = this.#queue[0]; item; item = this.#queue[0]) {
        if (!this.#online) {
          await this.#sleep(undefined);
          continue;
        }
        try {
          item.resolve((await this.#send(item.name, item.payload)) as never);
        } catch (err) {
          if (err instanceof RequestError && TRANSIENT.has(err.code)) {
            await this.#sleep(RETRY_MS);
            continue;
          }
          item.reject(err);
        }
        if (this.#queue[0] === item) this.#queue.shift();
        this.#show();
      }
    } finally {
      this.#busy = false;
    }
  }

  /** Waits for `online` (or `ms`, if given). */
  #sleep(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.#wake?.(), ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  #show(): void {
    const waiting = this.#online ? [] : this.#queue.map(({ name, payload }) => ({ name, payload }));
    if (waiting.length > 0 || this.pending.get().length > 0) this.pending.update(() => waiting);
  }
}
