import type { Actor, Command, DomainEvent } from '@yishi/shared';
import { AppendFeed } from '../../signaling/src/records/appends.js';
import { LedgerService } from '../../signaling/src/ledger/LedgerService.js';
import { LocalRecords, type RecordsSettings } from '../../signaling/src/records/LocalRecords.js';
import { PeopleDirectory } from '../../signaling/src/records/PeopleDirectory.js';
import { SessionService } from '../../signaling/src/sessions/SessionService.js';
import type { AppendHeard } from '../../signaling/src/store/EventBus.js';
import type { EventBus, RoomStore, StoredEvent } from '../../signaling/src/store/index.js';
import { MemoryRoomStore } from '../../signaling/src/store/MemoryRoomStore.js';
import { chair, createTopicCommand, FakeClock, joinCommand, system } from './domain.js';
import { testLogger } from './media.js';

/**
 * A bus the test drives by hand: `announce` tells every listener of an append, as Redis pub/sub
 * would another node — as often, as late and in whatever order the test likes, with the events
 * (as a Redis announcement carries them) or without.
 */
export class HandBus implements EventBus {
  readonly #listeners: AppendHeard[] = [];
  subscribe(listener: AppendHeard): void {
    this.#listeners.push(listener);
  }
  announce(streamId: string, version: number, events?: readonly StoredEvent[]): void {
    for (const listener of this.#listeners) listener(streamId, version, events);
  }
  async close(): Promise<void> {}
}

/** One node of the records: its feed over `store` (and `bus`), sessions, directory and projection, on a fake clock. */
export function recordsNode(
  store: RoomStore = new MemoryRoomStore(),
  options: { bus?: EventBus; clock?: FakeClock; settings?: RecordsSettings } = {},
) {
  const clock = options.clock ?? new FakeClock();
  const now = () => clock.now;
  const feed = new AppendFeed(store, options.bus);
  const sessions = new SessionService(feed.store, testLogger(), { now, ...(options.bus ? { bus: options.bus } : {}) });
  const directory = new PeopleDirectory(feed, { now });
  const ledger = new LedgerService(feed.store, testLogger(), { now, ...(options.bus ? { bus: options.bus } : {}) });
  const records = new LocalRecords(feed, directory, ledger, testLogger(), {
    now,
    ...(options.settings ? { settings: options.settings } : {}),
  });
  const run = async (roomId: string, command: Command, actor: Actor): Promise<DomainEvent[]> =>
    (await sessions.execute(roomId, command, actor)).events;
  /** A topic `roomId`, opened, with `people` joined. */
  const openSession = async (roomId: string, people: Actor[]) => {
    await run(roomId, { ...createTopicCommand(), id: roomId }, chair);
    await run(roomId, { type: 'session.open' }, chair);
    for (const person of people) await run(roomId, joinCommand(person), system);
  };
  /** `speaker` asks for the floor and is granted it; `seconds` later the turn ends. */
  const speak = async (
    roomId: string,
    speaker: Actor,
    seconds: number,
    kind: 'contribution' | 'reply' = 'contribution',
  ) => {
    const [added] = await run(roomId, { type: 'queue.request', kind }, speaker);
    if (added?.type !== 'queue.entryAdded') throw new Error('no queue entry');
    await run(roomId, { type: 'floor.grant', entryId: added.data.entry.id }, chair);
    clock.advance(seconds * 1000);
    await run(roomId, { type: 'floor.end' }, chair);
  };
  /** `author` posts a comment; its id. */
  const comment = async (roomId: string, author: Actor, text = '赞成', replyTo?: string) => {
    const [posted] = await run(roomId, { type: 'comment.post', text, ...(replyTo ? { replyTo } : {}) }, author);
    if (posted?.type !== 'comment.posted') throw new Error('no comment');
    return posted.data.comment.id;
  };
  return { store, clock, feed, sessions, directory, ledger, records, run, openSession, speak, comment };
}
