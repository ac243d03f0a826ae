import { randomUUID } from 'node:crypto';
import {
  Conflict,
  type Directory,
  type DirectoryActor,
  type DirectoryCommand,
  type DirectoryEvent,
  type DirectoryPerson,
  decideDirectory,
  evolveDirectory,
} from '@yishi/shared';
import type { RoomStore, StoredEvent } from '../store/index.js';
import type { AppendFeed } from './appends.js';

/**
 * The member directory is one stream in the sessions' store, so that a roster import or a merge
 * is one atomic append; no room id (no ':') and no ledger item ('ledger:') can take its name.
 */
export const DIRECTORY_STREAM = 'people:directory';

/** A store race is retried on fresh state this many times (another node changed the directory). */
const MAX_ATTEMPTS = 20;

export const SYSTEM: DirectoryActor = { id: 'system', name: 'system', role: 'system' };

/**
 * Runs directory commands (decide, append at the expected version, apply) and keeps the whole
 * directory in memory as the fold of its stream, current with every append heard on the feed —
 * this node's and, with several nodes, the others'.
 */
export class PeopleDirectory {
  readonly #store: RoomStore;
  readonly #now: () => number;
  readonly #directory: Directory = new Map();
  #version = 0;
  /** Reads and commands, one at a time: the fold is applied in stream order. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(feed: AppendFeed, options: { now?: () => number } = {}) {
    this.#store = feed.store;
    this.#now = options.now ?? Date.now;
    feed.subscribe((streamId, version, events) => {
      if (streamId !== DIRECTORY_STREAM || version <= this.#version) return;
      if (events && events[0]?.version === this.#version + 1) this.#apply(events);
      else void this.#serialized(() => this.#catchUp()).catch(() => undefined);
    });
  }

  /** Reads the directory from the store (at start; again whenever an append was missed). */
  load(): Promise<void> {
    return this.#serialized(() => this.#catchUp());
  }

  /** Every entry, merged ones included. Read synchronously: kept current by the feed. */
  get all(): Directory {
    return this.#directory;
  }

  /** The directory stream's version applied: changes whenever the directory does. */
  get version(): number {
    return this.#version;
  }

  get(id: string): DirectoryPerson | undefined {
    return this.#directory.get(id);
  }

  /** Decides, stores and applies a command; the typed error, and nothing changed, when refused. */
  execute(command: DirectoryCommand, actor: DirectoryActor): Promise<DirectoryEvent[]> {
    return this.#serialized(async () => {
      for (let attempt = 1; ; attempt++) {
        const events = decideDirectory(this.#directory, command, actor, { now: this.#now(), newId: randomUUID });
        if (events.length === 0) return events;
        try {
          // The feed applies them (this node's append is told with its events).
          await this.#store.append(DIRECTORY_STREAM, this.#version, events);
          return events;
        } catch (err) {
          if (!(err instanceof Conflict) || attempt >= MAX_ATTEMPTS) throw err;
          await this.#catchUp();
        }
      }
    });
  }

  async #catchUp(): Promise<void> {
    this.#apply(await this.#store.readRange(DIRECTORY_STREAM, this.#version + 1));
  }

  #apply(events: readonly StoredEvent[]): void {
    for (const event of events) {
      if (event.version !== this.#version + 1) continue;
      evolveDirectory(this.#directory, event as unknown as DirectoryEvent);
      this.#version = event.version;
    }
  }

  #serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
