import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  type Actor,
  applyEvents,
  type Command,
  Conflict,
  type DomainEvent,
  decide,
  findTurn,
  isPresent,
  type RoomState,
  replay,
  ROOM_ID_PATTERN,
  turnDeadline,
} from '@yishi/shared';
import { Emitter } from '@yishi/shared';
import type { EventBus, RoomStore, StoredEvent } from '../store/index.js';

/** One change to a session, after it is stored: what happened and the state it led to. */
export interface SessionChange {
  sessionId: string;
  version: number;
  events: DomainEvent[];
  state: RoomState;
}

export const SYSTEM: Actor = { id: 'system', name: 'system', role: 'system' };

/**
 * A store race is retried with fresh state this many times before giving up (never silently).
 * With several nodes writing one busy session, a command can lose a few races in a row; a short
 * random back-off between attempts keeps two nodes from colliding in lockstep.
 */
const MAX_ATTEMPTS = 20;
/** A turn-clock tick that failed (the store unreachable) is tried again after this. */
const CLOCK_RETRY_MS = 1_000;
const backOff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, 50)));

interface Loaded {
  state: RoomState;
  version: number;
}

/** How many sessions stay loaded, and for how long unused (SESSION_CACHE_* in the README). */
export interface SessionCacheLimits {
  /** A session nobody has read or changed for this long is dropped (read again from the store when next needed). */
  idleMs: number;
  /** Beyond this many, the least recently used are dropped first. */
  max: number;
}

const DEFAULT_CACHE: SessionCacheLimits = { idleMs: 10 * 60_000, max: 1_000 };
/** A session used this recently is never dropped, even beyond the maximum. */
const JUST_USED_MS = 1_000;

/**
 * Runs commands against sessions: load state (cached), decide, append with the expected version,
 * apply, announce. Commands on one session run one at a time in this process; a race with
 * another process shows up as a store CONFLICT and is retried on fresh state, so nothing
 * acknowledged is lost. Appends made by other nodes (heard on the bus) are read and applied in
 * order, and announced like local ones. Also keeps each session's turn clock: a wake-up at the
 * next deadline.
 *
 * The cache is bounded: a session unused for `idleMs`, or the least recently used beyond `max`, is
 * dropped — unless something still needs it in memory: an open room (`hold`), a command in
 * progress, a running turn's clock.
 */
export class SessionService extends Emitter<{ changed: [SessionChange] }> {
  readonly #store: RoomStore;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #cache = new Map<string, Promise<Loaded>>();
  /** The same sessions once loaded, for synchronous reads. */
  readonly #ready = new Map<string, Loaded>();
  readonly #queues = new Map<string, Promise<unknown>>();
  /** Each session's next turn-clock wake-up, and the deadline it is for. */
  readonly #timers = new Map<string, { timer: NodeJS.Timeout; at: number }>();
  readonly #limits: SessionCacheLimits;
  /** When each cached session was last used (Map order is not use order: times are compared). */
  readonly #lastUsed = new Map<string, number>();
  /** Open rooms per session: their sessions stay loaded (rooms read them synchronously). */
  readonly #holds = new Map<string, number>();
  readonly #sweeper: NodeJS.Timeout;
  #closed = false;

  constructor(
    store: RoomStore,
    log: Logger,
    options: { bus?: EventBus | undefined; now?: () => number; cache?: SessionCacheLimits } = {},
  ) {
    super();
    this.#store = store;
    this.#log = log.child({ module: 'sessions' });
    this.#now = options.now ?? Date.now;
    this.#limits = options.cache ?? DEFAULT_CACHE;
    options.bus?.subscribe((sessionId, version, events) => this.#heard(sessionId, version, events));
    // A few sweeps per idle time: a session stays at most a quarter longer than asked.
    this.#sweeper = setInterval(() => this.evictIdle(), Math.min(60_000, Math.max(1_000, this.#limits.idleMs / 4)));
    this.#sweeper.unref();
  }

  /** How many sessions are loaded now. */
  get cached(): number {
    return this.#ready.size;
  }

  /** Keeps the session loaded until the returned release is called (once). */
  hold(sessionId: string): () => void {
    this.#holds.set(sessionId, (this.#holds.get(sessionId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#holds.get(sessionId) ?? 1) - 1;
      if (left > 0) this.#holds.set(sessionId, left);
      else this.#holds.delete(sessionId);
      this.#lastUsed.set(sessionId, this.#now());
    };
  }

  /**
   * Drops the sessions unused for the idle time, then the least recently used beyond the maximum,
   * of those nothing needs in memory. Runs on a timer; tests call it directly.
   */
  evictIdle(): void {
    const now = this.#now();
    const evictable = [...this.#ready.keys()]
      .filter((id) => !this.#holds.has(id) && !this.#queues.has(id) && !this.#timers.has(id))
      .sort((a, b) => (this.#lastUsed.get(a) ?? 0) - (this.#lastUsed.get(b) ?? 0));
    let excess = this.#ready.size - this.#limits.max;
    for (const id of evictable) {
      const unused = now - (this.#lastUsed.get(id) ?? 0);
      // Just read (a handshake about to open its room, a REST request between its steps): kept.
      if (unused < JUST_USED_MS || (unused < this.#limits.idleMs && excess <= 0)) break;
      this.#cache.delete(id);
      this.#ready.delete(id);
      this.#lastUsed.delete(id);
      excess--;
    }
  }

  /** The session's current state and version; state.topic is null when it does not exist. */
  get(sessionId: string): Promise<Loaded> {
    this.#lastUsed.set(sessionId, this.#now());
    let loaded = this.#cache.get(sessionId);
    if (!loaded) {
      loaded = this.#load(sessionId);
      this.#cache.set(sessionId, loaded);
      loaded.catch(() => this.#cache.delete(sessionId));
    }
    return loaded;
  }

  /** The cached state of a session already loaded with `get` (synchronous, for views). */
  current(sessionId: string): Loaded {
    const loaded = this.#ready.get(sessionId);
    if (!loaded) throw new Error(`session ${sessionId} read before it was loaded`);
    this.#lastUsed.set(sessionId, this.#now());
    return loaded;
  }

  /** Every session that has a topic, in creation order (the store's other streams, the ledger's, are not sessions). */
  async list(): Promise<Loaded[]> {
    const ids = (await this.#store.streams()).filter((id) => ROOM_ID_PATTERN.test(id));
    const all = await Promise.all(ids.map((id) => this.get(id)));
    return all.filter((s) => s.state.topic !== null);
  }

  /**
   * Decides, stores and applies one command; throws the domain's typed error and changes nothing.
   * `command` may be built from the state it will be decided on (e.g. finalizing the minutes
   * freezes exactly that state); it is rebuilt if a race forces a retry.
   */
  execute(sessionId: string, command: Command | ((state: RoomState) => Command), actor: Actor): Promise<SessionChange> {
    return this.#serialized(sessionId, () => this.#execute(sessionId, command, actor));
  }

  /**
   * After a start: every session's clock runs again (a running turn must still expire), and,
   * when this is the only node (`closeAttendance`), whoever the log still shows present is
   * recorded as gone — their connections died with the previous process; they are counted in
   * again when they reconnect. With several nodes the others' participants are still present.
   */
  async recover({ closeAttendance }: { closeAttendance: boolean }): Promise<void> {
    for (const { state } of await this.list()) {
      this.#scheduleClock(state);
      if (!closeAttendance) continue;
      for (const [personId, record] of Object.entries(state.attendance)) {
        if (isPresent(record)) await this.execute(state.session.id, { type: 'participant.leave', personId }, SYSTEM);
      }
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#sweeper);
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.removeAllListeners();
  }

  async #execute(
    sessionId: string,
    command: Command | ((state: RoomState) => Command),
    actor: Actor,
  ): Promise<SessionChange> {
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.get(sessionId);
      const decided = typeof command === 'function' ? command(loaded.state) : command;
      // applyCommand with the store between its halves: the state never shows what the store refused.
      const events = decide(loaded.state, decided, actor, { now: this.#now(), newId: randomUUID });
      if (events.length === 0) {
        // A timer may fire a millisecond before Date.now() reaches the deadline: the tick then
        // decides nothing, and without a new wake-up the turn would never expire.
        this.#scheduleClock(loaded.state);
        return { sessionId, version: loaded.version, events, state: loaded.state };
      }
      try {
        const version = await this.#store.append(sessionId, loaded.version, events);
        applyEvents(loaded.state, events);
        loaded.version = version;
        const change = { sessionId, version, events, state: loaded.state };
        this.#scheduleClock(loaded.state);
        this.emit('changed', change);
        return change;
      } catch (err) {
        if (!(err instanceof Conflict) || attempt >= MAX_ATTEMPTS) throw err;
        // Another writer got there first: catch up on its events and decide again.
        this.#log.debug({ sessionId, attempt }, 'append conflict; retrying on fresh state');
        await backOff(attempt);
        const missed = await this.#catchUp(sessionId, loaded);
        // Another node's events, applied here: this node's clients hear of them too.
        if (missed.length > 0) {
          this.emit('changed', { sessionId, version: loaded.version, events: missed, state: loaded.state });
        }
      }
    }
  }

  async #load(sessionId: string): Promise<Loaded> {
    const stored = await this.#store.load(sessionId);
    const loaded = { state: replay(sessionId, stored as DomainEvent[]), version: stored.at(-1)?.version ?? 0 };
    this.#ready.set(sessionId, loaded);
    if (this.#ready.size > this.#limits.max) this.evictIdle();
    return loaded;
  }

  /** Applies what the store has beyond `loaded`; the events applied, in order. */
  async #catchUp(sessionId: string, loaded: Loaded): Promise<DomainEvent[]> {
    return advance(loaded, await this.#store.readRange(sessionId, loaded.version + 1));
  }

  /** Applies the announced events beyond `loaded` if they follow on from it; undefined when they do not (or none came). */
  #applyAnnounced(loaded: Loaded, announced: readonly StoredEvent[] | undefined): DomainEvent[] | undefined {
    if (!announced) return undefined;
    const newer = announced.filter((e) => e.version > loaded.version);
    if (newer.length > 0 && newer[0]?.version !== loaded.version + 1) return undefined;
    return advance(loaded, newer);
  }

  /**
   * Another node appended to a session this one has loaded: apply and announce it, in turn with
   * local commands. The announcement's events are applied as they came when they follow on from
   * what is loaded (no store read before this node's clients are told); otherwise — none carried,
   * or a gap (an announcement missed while disconnected) — what the store has beyond is read.
   */
  #heard(sessionId: string, version: number, announced?: readonly StoredEvent[]): void {
    if (this.#closed || !this.#ready.has(sessionId)) return;
    if ((this.#ready.get(sessionId)?.version ?? 0) >= version) return; // our own append, or already read
    this.#serialized(sessionId, async () => {
      const loaded = await this.get(sessionId);
      const events = this.#applyAnnounced(loaded, announced) ?? (await this.#catchUp(sessionId, loaded));
      if (events.length === 0) return;
      this.#scheduleClock(loaded.state);
      this.emit('changed', { sessionId, version: loaded.version, events, state: loaded.state });
    }).catch((err: unknown) => this.#log.error({ err, sessionId }, 'could not apply another node’s events'));
  }

  #serialized<T>(sessionId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(sessionId) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    this.#queues.set(sessionId, tail);
    void tail.then(() => {
      if (this.#queues.get(sessionId) === tail) this.#queues.delete(sessionId);
    });
    return run;
  }

  /**
   * One wake-up per session, at the current turn's next deadline (warning or end). Kept as it is
   * when the deadline has not changed: most commands (a comment, a reaction) do not move it.
   */
  #scheduleClock(state: RoomState): void {
    const sessionId = state.session.id;
    const turn = findTurn(state, state.currentTurnId);
    const deadline = turn && turnDeadline(turn, state.settings);
    const scheduled = this.#timers.get(sessionId);
    if (scheduled && scheduled.at === deadline?.at) return;
    clearTimeout(scheduled?.timer);
    this.#timers.delete(sessionId);
    if (!deadline || this.#closed) return;
    const timer = setTimeout(
      () => {
        this.#timers.delete(sessionId);
        this.execute(sessionId, { type: 'clock.tick' }, SYSTEM).catch((err: unknown) => {
          this.#log.error({ err, sessionId }, 'turn clock tick failed; trying again shortly');
          // The store could not be reached (Redis restarting): the turn must still end.
          setTimeout(() => {
            const loaded = this.#ready.get(sessionId);
            if (loaded && !this.#closed && !this.#timers.has(sessionId)) this.#scheduleClock(loaded.state);
          }, CLOCK_RETRY_MS).unref();
        });
      },
      Math.max(0, deadline.at - this.#now()),
    );
    timer.unref();
    this.#timers.set(sessionId, { timer, at: deadline.at });
  }
}

/** Applies `newer` (the events right after `loaded.version`, in order) to `loaded`; returns them. */
function advance(loaded: Loaded, newer: StoredEvent[]): DomainEvent[] {
  const events = newer as DomainEvent[];
  applyEvents(loaded.state, events);
  loaded.version = newer.at(-1)?.version ?? loaded.version;
  return events;
}
