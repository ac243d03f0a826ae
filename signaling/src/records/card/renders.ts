import { RateLimited, Unavailable } from '@yishi/shared';
import { LRUCache } from 'lru-cache';
import pLimit from 'p-limit';
import { TokenBucket } from '../../TokenBucket.js';

/** Rendered cards kept in memory (about 150 KiB each). */
const RECENT_CARDS = 32;
/** Renders at once on a node: a PNG takes a thread of libuv's pool, a PDF the event loop (~60 ms). */
const RENDERS_AT_ONCE = 2;
/** Renders waiting their turn; past this the node says it is busy. */
const RENDERS_WAITING = 16;
const BUSY_RETRY_SECONDS = 2;
/** Per caller: a burst covers both formats, both languages and a few periods; then one every 6 s. */
const CALLER_BURST = 10;
const CALLER_PER_SECOND = 1 / 6;
/** Callers whose allowance is remembered (the least recent forgotten, back to a full burst). */
const CALLERS_KEPT = 10_000;

/**
 * The cards a node renders: a card made recently (another tab, a share, a reload) or being made
 * now is served from memory; a new one waits for one of a few render slots, and each caller may
 * have only so many made. A caller's own requests, however many, cannot keep the node's event
 * loop or thread pool busy for the others.
 */
export class CardRenders {
  readonly #recent = new LRUCache<string, Buffer>({ max: RECENT_CARDS });
  /** Cards being made, apart from the kept ones: a busy queue must not push one out unfinished. */
  readonly #making = new Map<string, Promise<Buffer>>();
  readonly #callers = new LRUCache<string, TokenBucket>({ max: CALLERS_KEPT });
  readonly #slots = pLimit(RENDERS_AT_ONCE);
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * The card tagged `tag`, rendered by `render` unless kept or under way (which costs nothing).
   * `caller` is who pays for a new render (null: the office, not limited per caller). Refused
   * RATE_LIMITED when the caller has had their share, UNAVAILABLE when the node's renders are all
   * taken and queued.
   */
  card(tag: string, caller: string | null, render: () => Promise<Buffer>): Promise<Buffer> {
    const kept = this.#recent.get(tag);
    if (kept) return Promise.resolve(kept);
    const making = this.#making.get(tag);
    if (making) return making;
    this.#admit(caller);
    const made = this.#slots(render)
      .then((body) => {
        this.#recent.set(tag, body);
        return body;
      })
      .finally(() => this.#making.delete(tag));
    this.#making.set(tag, made);
    return made;
  }

  #admit(caller: string | null): void {
    if (this.#slots.pendingCount >= RENDERS_WAITING) {
      throw new Unavailable(`the card renderer is busy; try again in ${BUSY_RETRY_SECONDS} s`, BUSY_RETRY_SECONDS);
    }
    if (caller === null) return;
    let bucket = this.#callers.get(caller);
    if (!bucket) {
      bucket = new TokenBucket(CALLER_PER_SECOND, CALLER_BURST, this.#now);
      this.#callers.set(caller, bucket);
    }
    if (!bucket.take()) {
      const wait = Math.ceil(1 / CALLER_PER_SECOND);
      throw new RateLimited(`too many cards made for you just now; try again in ${wait} s`, wait);
    }
  }
}
