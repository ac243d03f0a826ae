import { afterEach, describe, expect, it } from 'vitest';
import { type SessionChange, SessionService } from '../../signaling/src/sessions/SessionService.js';
import type { RoomStore } from '../../signaling/src/store/index.js';
import { MemoryRoomStore } from '../../signaling/src/store/MemoryRoomStore.js';
import { createTopicCommand, joinCommand, member1, member2, organiser, system } from '../support/domain.js';
import { testLogger } from '../support/media.js';
import { HandBus } from '../support/records.js';

/**
 * Another node's append, heard on the bus with its events (issue 15: the floor reaches everyone
 * within 50 ms): applied as announced when it follows on from what this node has, without a store
 * read before this node's clients are told; read from the store when it does not (a gap) or
 * when the announcement came without its events.
 */

const services: SessionService[] = [];
afterEach(() => {
  for (const s of services.splice(0)) s.close();
});

/** The store, counting reads of a range. */
function counted(store: RoomStore): { store: RoomStore; reads: () => number } {
  let reads = 0;
  return {
    store: {
      load: (id) => store.load(id),
      readRange: (id, from, to) => {
        reads++;
        return store.readRange(id, from, to);
      },
      version: (id) => store.version(id),
      streams: () => store.streams(),
      append: (id, expected, events) => store.append(id, expected, events),
      close: () => store.close(),
    },
    reads: () => reads,
  };
}

async function twoNodes() {
  const shared = new MemoryRoomStore();
  const bus = new HandBus();
  const here = new SessionService(shared, testLogger());
  const there = counted(shared);
  const other = new SessionService(there.store, testLogger(), { bus });
  services.push(here, other);
  await here.execute('r', { ...createTopicCommand(), id: 'r' }, organiser);
  await here.execute('r', { type: 'session.open' }, organiser);
  await other.get('r');
  const changes: SessionChange[] = [];
  other.on('changed', (change) => changes.push(change));
  /** Appends on `here` and announces it on the bus as the append script would (its events, or none). */
  const append = async (command: Parameters<SessionService['execute']>[1], withEvents = true) => {
    const change = await here.execute('r', command, system);
    const first = change.version - change.events.length + 1;
    const stored = change.events.map((e, i) => ({ ...structuredClone(e), version: first + i }));
    return { change, announce: () => bus.announce('r', change.version, withEvents ? stored : undefined) };
  };
  const settled = () => other.execute('r', { type: 'clock.tick' }, system); // runs after what was heard
  return { here, other, there, changes, append, settled };
}

describe('an append announced with its events', () => {
  it('is applied as announced, without reading the store, and told in order', async () => {
    const { here, other, there, changes, append, settled } = await twoNodes();
    const reads = there.reads();
    const a = await append(joinCommand(member1));
    const b = await append(joinCommand(member2));
    a.announce();
    b.announce();
    b.announce(); // told twice: applied once
    await settled();
    expect(there.reads()).toBe(reads);
    expect(changes.map((c) => [c.version, c.events.map((e) => e.type)])).toEqual([
      [a.change.version, ['participant.joined']],
      [b.change.version, ['participant.joined']],
    ]);
    expect(other.current('r')).toEqual(here.current('r'));
  });

  it('is read from the store after a gap, or when it came without its events', async () => {
    const { here, other, there, changes, append, settled } = await twoNodes();
    const reads = there.reads();
    await append(joinCommand(member1)); // its announcement is lost
    const b = await append(joinCommand(member2));
    b.announce();
    await settled();
    expect(there.reads()).toBe(reads + 1);
    expect(changes.map((c) => c.events.map((e) => e.type))).toEqual([['participant.joined', 'participant.joined']]);
    const c = await append({ type: 'participant.leave', personId: member1.id }, false);
    c.announce();
    await settled();
    expect(there.reads()).toBe(reads + 2);
    expect(changes.at(-1)?.version).toBe(c.change.version);
    expect(other.current('r')).toEqual(here.current('r'));
  });
});
