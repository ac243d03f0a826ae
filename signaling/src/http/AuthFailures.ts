/**
 * Failed authentications per client address: past `max` in a minute, the address is refused
 * (RATE_LIMITED) without its secret being checked, until the minute is over — so guessing an
 * organiser key or forging tokens goes no faster than `max` a minute. Per node, in memory.
 */
export class AuthFailures {
  static readonly WINDOW_MS = 60_000;
  /** Addresses tracked at most; past it, windows already over are dropped first. */
  static readonly MAX_ADDRESSES = 10_000;
  readonly #max: number;
  readonly #now: () => number;
  readonly #byAddress = new Map<string, { count: number; since: number }>();

  constructor(max: number, now: () => number = Date.now) {
    this.#max = max;
    this.#now = now;
  }

  /** Seconds until `address` may try again, or 0 when it may now. */
  retryAfter(address: string): number {
    const entry = this.#current(address);
    if (!entry || entry.count < this.#max) return 0;
    return Math.ceil((entry.since + AuthFailures.WINDOW_MS - this.#now()) / 1000);
  }

  failed(address: string): void {
    const entry = this.#current(address);
    if (entry) {
      entry.count += 1;
      return;
    }
    if (this.#byAddress.size >= AuthFailures.MAX_ADDRESSES) this.#prune();
    this.#byAddress.set(address, { count: 1, since: this.#now() });
  }

  #current(address: string): { count: number; since: number } | undefined {
    const entry = this.#byAddress.get(address);
    if (entry && this.#now() - entry.since >= AuthFailures.WINDOW_MS) {
      this.#byAddress.delete(address);
      return undefined;
    }
    return entry;
  }

  #prune(): void {
    const now = this.#now();
    for (const [address, entry] of this.#byAddress) {
      if (now - entry.since >= AuthFailures.WINDOW_MS) this.#byAddress.delete(address);
    }
    // Still full (a flood from many addresses): forget the oldest rather than grow.
    for (const address of this.#byAddress.keys()) {
      if (this.#byAddress.size < AuthFailures.MAX_ADDRESSES) break;
      this.#byAddress.delete(address);
    }
  }
}
