import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  Conflict,
  decideLedger,
  evolveLedger,
  type LedgerActor,
  type LedgerCommand,
  type LedgerEvent,
  type LedgerItem,
  type LedgerStatus,
  mayView,
  NotFound,
  replayLedger,
} from '@yishi/shared';
import type { EventBus, RoomStore } from '../store/index.js';

/** Ledger items live in the sessions' store, one stream each, under ids no room id can take (room ids have no ':'). */
const PREFIX = 'ledger:';
export const isLedgerStream = (streamId: string): boolean => streamId.startsWith(PREFIX);
const streamOf = (itemId: string) => `${PREFIX}${itemId}`;

/** A store race is retried on fresh state this many times (see SessionService). */
const MAX_ATTEMPTS = 10;

export interface LedgerFilter {
  topicId?: string | undefined;
  status?: LedgerStatus | undefined;
  unit?: string | undefined;
}

interface Cached {
  item: LedgerItem;
  version: number;
}

/**
 * Runs ledger commands (decide, append with the expected version, apply) and keeps every item in
 * memory as the fold of its stream, for listing: all items are read once, then kept up to date by
 * this node's appends and, with several nodes, by the bus.
 */
export class LedgerService {
  readonly #store: RoomStore;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #items = new Map<string, Cached>();
  readonly #queues = new Map<string, Promise<unknown>>();
  #loaded: Promise<void> | undefined;

  constructor(store: RoomStore, log: Logger, options: { bus?: EventBus | undefined; now?: () => number } = {}) {
    this.#store = store;
    this.#log = log.child({ module: 'ledger' });
    this.#now = options.now ?? Date.now;
    options.bus?.subscribe((streamId, version) => {
      if (!isLedgerStream(streamId) || (this.#items.get(streamId.slice(PREFIX.length))?.version ?? 0) >= version)
        return;
      this.#refresh(streamId.slice(PREFIX.length)).catch((err: unknown) =>
        this.#log.error({ err, streamId }, 'could not read another node’s ledger change'),
      );
    });
  }

  /**
   * Registers a new item. With a chosen id already registered (the same action item, from another
   * node or an earlier attempt) it changes nothing and returns the item as it is.
   */
  async register(
    command: Extract<LedgerCommand, { type: 'ledger.register' }>,
    actor: LedgerActor,
  ): Promise<LedgerItem> {
    if (command.id !== undefined) {
      const existing = await this.get(command.id);
      if (existing) return existing;
    }
    const events = decideLedger(null, command, actor, { now: this.#now(), newId: randomUUID });
    const id = (events[0] as Extract<LedgerEvent, { type: 'ledger.registered' }>).data.id;
    try {
      await this.#store.append(streamOf(id), 0, events);
    } catch (err) {
      if (err instanceof Conflict && command.id !== undefined) return (await this.#refresh(id)) as LedgerItem;
      throw err;
    }
    return this.#apply(id, undefined, events, events.length);
  }

  /** Decides, stores and applies one command on item `id`; the typed error, and no change, when refused. */
  execute(id: string, command: LedgerCommand, actor: LedgerActor): Promise<LedgerItem> {
    // One at a time per item on this node; only another node's append can race it.
    const run = (this.#queues.get(id) ?? Promise.resolve()).then(() => this.#execute(id, command, actor));
    const tail = run.catch(() => undefined);
    this.#queues.set(id, tail);
    void tail.then(() => {
      if (this.#queues.get(id) === tail) this.#queues.delete(id);
    });
    return run;
  }

  async #execute(id: string, command: LedgerCommand, actor: LedgerActor): Promise<LedgerItem> {
    for (let attempt = 1; ; attempt++) {
      if (!this.#items.has(id)) await this.#refresh(id);
      const cached = this.#items.get(id);
      if (!cached) throw new NotFound(`no ledger item ${id}`);
      const events = decideLedger(cached.item, command, actor, { now: this.#now(), newId: randomUUID });
      try {
        const version = await this.#store.append(streamOf(id), cached.version, events);
        return this.#apply(id, cached, events, version);
      } catch (err) {
        if (!(err instanceof Conflict) || attempt >= MAX_ATTEMPTS) throw err;
        await this.#refresh(id);
      }
    }
  }

  /** The item as last stored, or null. */
  async get(id: string): Promise<LedgerItem | null> {
    await this.#loadAll();
    return this.#items.get(id)?.item ?? (await this.#refresh(id));
  }

  /** The items `viewer` may see that match `filter`, oldest first. */
  async list(filter: LedgerFilter, viewer: LedgerActor): Promise<LedgerItem[]> {
    await this.#loadAll();
    return [...this.#items.values()]
      .map((c) => c.item)
      .filter(
        (item) =>
          (filter.topicId === undefined || item.topicId === filter.topicId) &&
          (filter.status === undefined || item.status === filter.status) &&
          (filter.unit === undefined || item.leadUnit === filter.unit || item.coUnits.includes(filter.unit)) &&
          mayView(item, viewer),
      )
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  #apply(id: string, cached: Cached | undefined, events: LedgerEvent[], version: number): LedgerItem {
    let item = cached?.item ?? null;
    for (const event of events) item = evolveLedger(item, event);
    this.#items.set(id, { item: item as LedgerItem, version });
    return item as LedgerItem;
  }

  /** Reads item `id` from the store again. */
  async #refresh(id: string): Promise<LedgerItem | null> {
    const stored = await this.#store.load(streamOf(id));
    const item = replayLedger(stored as unknown as LedgerEvent[]);
    if (item) this.#items.set(id, { item, version: stored.at(-1)?.version ?? 0 });
    return item;
  }

  #loadAll(): Promise<void> {
    this.#loaded ??= (async () => {
      const ids = (await this.#store.streams()).filter(isLedgerStream).map((s) => s.slice(PREFIX.length));
      for (const id of ids) if (!this.#items.has(id)) await this.#refresh(id);
    })();
    this.#loaded.catch(() => {
      this.#loaded = undefined;
    });
    return this.#loaded;
  }
}
