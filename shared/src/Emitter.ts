// biome-ignore lint/suspicious/noExplicitAny: listeners of different events share one map; on/emit keep them typed.
type Listener = (...args: any[]) => void;

/**
 * A minimal event emitter whose event names and listener arguments are checked by the compiler.
 * No Node or DOM dependency, so server and browser code share it.
 */
export class Emitter<Events extends Record<string, unknown[]>> {
  readonly #listeners = new Map<keyof Events, Set<Listener>>();

  on<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): this {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener);
    return this;
  }

  off<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): this {
    this.#listeners.get(event)?.delete(listener as Listener);
    return this;
  }

  once<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): this {
    const wrapped = (...args: Events[K]) => {
      this.off(event, wrapped);
      listener(...args);
    };
    return this.on(event, wrapped);
  }

  protected emit<K extends keyof Events & string>(event: K, ...args: Events[K]): void {
    // Copy: a listener may remove itself (or others) while we iterate.
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      listener(...args);
    }
  }

  protected removeAllListeners(): void {
    this.#listeners.clear();
  }
}
