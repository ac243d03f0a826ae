import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  Conflict,
  decideLedger,
  Emitter,
  evolveLedger,
  type LedgerActor,
  type LedgerCommand,
  type LedgerEvent,
  type LedgerItem,
  type LedgerStatus,
  isOverdue,
  mayView,
  NotFound,
  replayLedger,
} from '@yishi/shared';
import type { EventBus, RoomStore } from '../store/index.js';
import { ledgerToday } from './rows.js';

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
  /** Only items raised by a member of this sector (界别). */
  sector?: string | undefined;
  /** Only items overdue today (true) or only those not (false). */
  overdue?: boolean | undefined;
}

/**
 * Where an item stands in the listing order: registration time, then id. An item's `createdAt`
 * never changes, so neither does its place.
 */
export interface LedgerPosition {
  createdAt: number;
  id: string;
}

/** One page of a listing: at most the asked number of items, and whether more follow. */
export interface LedgerPage {
  items: LedgerItem[];
  more: boolean;
}

interface Cached {
  item: LedgerItem;
  /** The item's stream: its history, for its page and the exports. */
  events: readonly LedgerEvent[];
  version: number;
}

const byPosition = (a: LedgerPosition, b: LedgerPosition): number =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const matches = (item: LedgerItem, filter: LedgerFilter, viewer: LedgerActor, today: string): boolean =>
  (filter.topicId === undefined || item.topicId === filter.topicId) &&
  (filter.status === undefined || item.status === filter.status) &&
  (filter.unit === undefined || item.leadUnit === filter.unit || item.coUnits.includes(filter.unit)) &&
  (filter.sector === undefined || item.raisedBy.some((p) => p.sector === filter.sector)) &&
  (filter.overdue === undefined || isOverdue(item, today) === filter.overdue) &&
  mayView(item, viewer);

/**
 * Runs ledger commands (decide, append with the expected version, apply) and keeps every item in
 * memory as the fold of its stream, for listing: all items are read once, then kept up to date by
 * this node's appends and, with several nodes, by the bus. `changed` tells of every item read or
 * changed (the participation records follow the items through it, rather than folding them again).
 */
export class LedgerService extends Emitter<{ changed: [LedgerItem] }> {
  readonly #store: RoomStore;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #items = new Map<string, Cached>();
  /** Item ids in listing order; null while they are to be sorted (after loading them all). */
  #order: string[] | null = [];
  readonly #queues = new Map<string, Promise<unknown>>();
  #loaded: Promise<void> | undefined;

  constructor(store: RoomStore, log: Logger, options: { bus?: EventBus | undefined; now?: () => number } = {}) {
    super();
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

  /** Every item, in listing order (read from the store the first time). */
  async all(): Promise<LedgerItem[]> {
    await this.#loadAll();
    return this.#sorted().map((id) => this.#cachedItem(id));
  }

  /** Item `id`'s events, oldest first — who changed what, when and why — or null. */
  async history(id: string): Promise<readonly LedgerEvent[] | null> {
    await this.#loadAll();
    if (!this.#items.has(id)) await this.#refresh(id);
    return this.#items.get(id)?.events ?? null;
  }

  /** Each of `items`' history by its id (what the exports write beside the items). */
  async histories(items: readonly LedgerItem[]): Promise<Map<string, readonly LedgerEvent[]>> {
    return new Map(
      await Promise.all(items.map(async (item) => [item.id, (await this.history(item.id)) ?? []] as const)),
    );
  }

  /** The items `viewer` may see that match `filter`, in listing order (oldest first, then by id). */
  async list(filter: LedgerFilter, viewer: LedgerActor): Promise<LedgerItem[]> {
    await this.#loadAll();
    return [...this.#matching(filter, viewer, undefined)];
  }

  /**
   * Up to `limit` of those items after position `after` (from the start without it). The walk
   * starts at `after` and stops at the limit: a page costs its own items, not the whole ledger.
   */
  async page(
    filter: LedgerFilter,
    viewer: LedgerActor,
    { after, limit }: { after?: LedgerPosition | undefined; limit: number },
  ): Promise<LedgerPage> {
    await this.#loadAll();
    const items: LedgerItem[] = [];
    for (const item of this.#matching(filter, viewer, after)) {
      if (items.length === limit) return { items, more: true };
      items.push(item);
    }
    return { items, more: false };
  }

  *#matching(filter: LedgerFilter, viewer: LedgerActor, after: LedgerPosition | undefined): Generator<LedgerItem> {
    const order = this.#sorted();
    const today = ledgerToday(this.#now());
    for (let i = after ? this.#firstAfter(order, after) : 0; i < order.length; i++) {
      const item = this.#cachedItem(order[i] as string);
      if (matches(item, filter, viewer, today)) yield item;
    }
  }

  #sorted(): string[] {
    this.#order ??= [...this.#items.keys()].sort((a, b) => byPosition(this.#cachedItem(a), this.#cachedItem(b)));
    return this.#order;
  }

  /** The index in `order` of the first item past `after` (binary search). */
  #firstAfter(order: string[], after: LedgerPosition): number {
    let [low, high] = [0, order.length];
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (byPosition(this.#cachedItem(order[mid] as string), after) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** An item known to be cached (one of `#order`'s). */
  #cachedItem(id: string): LedgerItem {
    return (this.#items.get(id) as Cached).item;
  }

  /** Keeps item `id`; a new one takes its place in the listing order. Tells of it unless it was known at that version. */
  #keep(id: string, entry: Cached): void {
    const known = this.#items.get(id);
    this.#items.set(id, entry);
    if (!known && this.#order) this.#order.splice(this.#firstAfter(this.#order, entry.item), 0, id);
    if (!known || entry.version > known.version) this.emit('changed', entry.item);
  }

  #apply(id: string, cached: Cached | undefined, events: LedgerEvent[], version: number): LedgerItem {
    let item = cached?.item ?? null;
    for (const event of events) item = evolveLedger(item, event);
    this.#keep(id, { item: item as LedgerItem, events: [...(cached?.events ?? []), ...events], version });
    return item as LedgerItem;
  }

  /** Reads item `id` from the store again. */
  async #refresh(id: string): Promise<LedgerItem | null> {
    const stored = await this.#store.load(streamOf(id));
    const events = stored.map(({ type, at, data }) => ({ type, at, data }) as LedgerEvent);
    const item = replayLedger(events);
    if (item) this.#keep(id, { item, events, version: stored.at(-1)?.version ?? 0 });
    return item;
  }

  #loadAll(): Promise<void> {
    this.#loaded ??= (async () => {
      // Sorted once when read, rather than each item put in place as it comes.
      this.#order = null;
      const ids = (await this.#store.streams()).filter(isLedgerStream).map((s) => s.slice(PREFIX.length));
      for (const id of ids) if (!this.#items.has(id)) await this.#refresh(id);
    })();
    this.#loaded.catch(() => {
      this.#loaded = undefined;
    });
    return this.#loaded;
  }
}
