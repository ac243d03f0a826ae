/**
 * Sends items at most once per `windowMs`: an item that comes when the last send is older than
 * the window goes at once; those that come sooner wait for the window's end and go together.
 * A lone item is never delayed; a burst costs one message per socket per window instead of one
 * per item (the fan-out write is a room's hottest path). `windowMs` 0 sends each item on its own.
 */
export class Batcher<T> {
  readonly #windowMs: number;
  readonly #send: (items: T[]) => void;
  #pending: T[] = [];
  #timer: NodeJS.Timeout | undefined;
  #lastSentAt = Number.NEGATIVE_INFINITY;

  constructor(windowMs: number, send: (items: T[]) => void) {
    this.#windowMs = windowMs;
    this.#send = send;
  }

  push(item: T): void {
    this.#pending.push(item);
    if (this.#timer) return;
    // Measured from when the last send started: a send to many sockets itself takes time.
    const wait = this.#lastSentAt + this.#windowMs - Date.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, wait);
    this.#timer.unref();
  }

  /** Sends what is pending now (e.g. before a message that must not overtake it). */
  flush(): void {
    if (this.#pending.length === 0) return;
    const items = this.#pending;
    this.#pending = [];
    this.#lastSentAt = Date.now();
    this.#send(items);
  }

  /** Sends what is pending and stops the timer. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.flush();
  }
}
