import { afterEach, describe, expect, it } from 'vitest';
import { Conflict } from '@yishi/shared';
import type { NewEvent, RoomStore, StoredEvent } from '../../signaling/src/store/RoomStore.js';

/** A store under test; `reopen` opens another instance on the same data (durable stores only). */
export interface StoreUnderTest {
  store: RoomStore;
  reopen?: () => Promise<RoomStore>;
}

/** Epoch ms of the events below: a fixed instant, the store must give it back unchanged. */
const T0 = Date.UTC(2025, 10, 26, 9, 0, 0);

/** A small event whose data says who wrote it and in which turn. */
function event(n: number, writer = 'w'): NewEvent {
  return { type: 'test.event', at: T0 + n, data: { writer, n } };
}

/** `count` events numbered from `first`. */
function events(count: number, first = 1, writer = 'w'): NewEvent[] {
  return Array.from({ length: count }, (_, i) => event(first + i, writer));
}

/** The stored form of `list` when it starts at version `from`. */
function stored(list: NewEvent[], from = 1): StoredEvent[] {
  return list.map((e, i) => ({ ...e, version: from + i }));
}

/** Awaits `promise`, expecting a Conflict, and returns it. */
async function conflictOf(promise: Promise<unknown>): Promise<Conflict> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Conflict);
  return err as Conflict;
}

/**
 * Appends `batches` to `streamId` one after another, each time reading the current version and
 * retrying on Conflict — the way the domain writes. Resolves with the number of conflicts met.
 */
async function writeWithRetry(store: RoomStore, streamId: string, batches: NewEvent[][]): Promise<number> {
  let conflicts = 0;
  for (const batch of batches) {
    for (;;) {
      const current = await store.version(streamId);
      try {
        await store.append(streamId, current, batch);
        break;
      } catch (err) {
        if (!(err instanceof Conflict)) throw err;
        conflicts += 1;
      }
    }
  }
  return conflicts;
}

/** `writers` writers each appending `perWriter` single-event batches, all started together. */
function writerBatches(writers: number, perWriter: number): { writer: string; batches: NewEvent[][] }[] {
  return Array.from({ length: writers }, (_, w) => {
    const writer = `writer-${w}`;
    return { writer, batches: Array.from({ length: perWriter }, (_, n) => [event(n, writer)]) };
  });
}

/**
 * Checks that `log` holds exactly the events of `expected` writers, each exactly once, with
 * versions 1..n, and every writer's events in the order it wrote them.
 */
function expectInterleaving(log: StoredEvent[], expected: { writer: string; batches: NewEvent[][] }[]): void {
  const total = expected.reduce((sum, w) => sum + w.batches.length, 0);
  expect(log.map((e) => e.version)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  for (const { writer, batches } of expected) {
    const mine = log.filter((e) => (e.data as { writer: string }).writer === writer);
    expect(mine.map(({ version: _, ...e }) => e)).toEqual(batches.flat());
  }
}

/**
 * The contract every RoomStore implementation passes. `makeStore` gives a fresh, empty store per
 * test; the suite closes it. The durability tests are registered only for implementations whose
 * `makeStore` provides `reopen` — the in-memory store keeps nothing, so they do not apply to it.
 */
export function roomStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`RoomStore contract: ${name}`, async () => {
    // Decided while collecting: a probe store says whether this implementation can be reopened.
    const probe = await makeStore();
    await probe.store.close();
    const durable = probe.reopen !== undefined;

    const open: RoomStore[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    /** A fresh store, closed after the test. */
    async function fresh(): Promise<StoreUnderTest> {
      const made = await makeStore();
      open.push(made.store);
      if (!made.reopen) return made;
      const reopen = made.reopen;
      return {
        store: made.store,
        reopen: async () => {
          const again = await reopen();
          open.push(again);
          return again;
        },
      };
    }

    it('an unknown stream is empty at version 0 and listed nowhere', async () => {
      const { store } = await fresh();
      expect(await store.load('nobody')).toEqual([]);
      expect(await store.version('nobody')).toBe(0);
      expect(await store.readRange('nobody', 1)).toEqual([]);
      expect(await store.readRange('nobody', 1, 10)).toEqual([]);
      expect(await store.streams()).toEqual([]);
    });

    it('gives back type, time and data exactly, Chinese text and nested JSON included', async () => {
      const { store } = await fresh();
      const batch: NewEvent[] = [
        {
          type: 'speech.requested',
          at: T0,
          data: {
            member: { name: '李华', sector: '教育界', tags: ['提案', '委员'] },
            text: '关于加强乡村教育的建议：“一是……二是……”\n第二行\t制表符 \\ 反斜杠 😀',
            nested: { a: [1, 2.5, -3, 0, null, true, false, { b: { c: [[], {}] } }] },
            empty: '',
          },
        },
        { type: 'plain.string', at: T0 + 1, data: '只有一句话' },
        { type: 'plain.number', at: T0 + 2, data: 42 },
        { type: 'plain.null', at: T0 + 3, data: null },
        { type: 'plain.array', at: T0 + 4, data: ['甲', ['乙', ['丙']]] },
      ];
      expect(await store.append('会议-001', 0, batch)).toBe(batch.length);
      expect(await store.load('会议-001')).toEqual(stored(batch));
      expect(await store.streams()).toEqual(['会议-001']);
    });

    it('hands out copies: changing loaded data does not change the stream', async () => {
      const { store } = await fresh();
      await store.append('room', 0, [{ type: 't', at: T0, data: { list: [1] } }]);
      const [first] = await store.load('room');
      (first!.data as { list: number[] }).list.push(2);
      expect((await store.load('room'))[0]!.data).toEqual({ list: [1] });
    });

    it('numbers events 1..n without gaps across appends and resolves with the new version', async () => {
      const { store } = await fresh();
      const a = events(3, 1);
      const b = events(1, 4);
      const c = events(5, 5);
      expect(await store.append('room', 0, a)).toBe(3);
      expect(await store.append('room', 3, b)).toBe(4);
      expect(await store.append('room', 4, c)).toBe(9);
      expect(await store.version('room')).toBe(9);
      expect(await store.load('room')).toEqual(stored([...a, ...b, ...c]));
    });

    it('keeps streams independent', async () => {
      const { store } = await fresh();
      await store.append('a', 0, events(2, 1, 'a'));
      await store.append('b', 0, events(1, 1, 'b'));
      await store.append('a', 2, events(1, 3, 'a'));
      expect(await store.version('a')).toBe(3);
      expect(await store.version('b')).toBe(1);
      expect(await store.load('b')).toEqual(stored(events(1, 1, 'b')));
    });

    it('refuses a wrong expected version with a Conflict naming the stream and both versions, writing nothing', async () => {
      const { store } = await fresh();
      const before = events(2);
      await store.append('room-7', 0, before);
      for (const expected of [0, 1, 3, 10]) {
        const err = await conflictOf(store.append('room-7', expected, events(1, 99)));
        expect(err.code).toBe('CONFLICT');
        expect(err.message).toContain('room-7');
        expect(err.message).toMatch(new RegExp(`\\b${expected}\\b`));
        expect(err.message).toMatch(/\b2\b/);
      }
      // A new stream is at 0: expecting anything else is a conflict too, and creates nothing.
      await conflictOf(store.append('fresh', 1, events(1)));
      expect(await store.load('room-7')).toEqual(stored(before));
      expect(await store.version('fresh')).toBe(0);
      expect(await store.streams()).toEqual(['room-7']);
    });

    it('treats an empty batch as a version check that writes nothing', async () => {
      const { store } = await fresh();
      expect(await store.append('room', 0, [])).toBe(0);
      expect(await store.streams()).toEqual([]);
      await store.append('room', 0, events(2));
      expect(await store.append('room', 2, [])).toBe(2);
      await conflictOf(store.append('room', 1, []));
      expect(await store.version('room')).toBe(2);
    });

    it('lets exactly one of two appends with the same expected version win', async () => {
      const { store } = await fresh();
      await store.append('room', 0, events(1));
      const results = await Promise.allSettled([
        store.append('room', 1, [event(2, 'left')]),
        store.append('room', 1, [event(2, 'right')]),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toEqual([{ status: 'fulfilled', value: 2 }]);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(Conflict);
      const log = await store.load('room');
      expect(log).toHaveLength(2);
      const winner = results[0]!.status === 'fulfilled' ? 'left' : 'right';
      expect(log[1]).toEqual({ ...event(2, winner), version: 2 });
    });

    it('loses nothing when 20 writers × 10 events retry on conflict', async () => {
      const { store } = await fresh();
      const writers = writerBatches(20, 10);
      const conflicts = await Promise.all(writers.map((w) => writeWithRetry(store, 'busy', w.batches)));
      // The writers really raced: otherwise this test would prove nothing about conflicts.
      expect(conflicts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      const log = await store.load('busy');
      expectInterleaving(log, writers);
      // One order, the same for every reader.
      expect(await store.load('busy')).toEqual(log);
      expect(await store.readRange('busy', 1)).toEqual(log);
    });

    it('reads ranges inclusively and clamps them to the stream', async () => {
      const { store } = await fresh();
      const all = stored(events(5));
      await store.append('room', 0, events(5));
      expect(await store.readRange('room', 1)).toEqual(all);
      expect(await store.readRange('room', 0)).toEqual(all);
      expect(await store.readRange('room', 2, 4)).toEqual(all.slice(1, 4));
      expect(await store.readRange('room', 4)).toEqual(all.slice(3));
      expect(await store.readRange('room', 3, 3)).toEqual([all[2]]);
      expect(await store.readRange('room', 5, 5)).toEqual([all[4]]);
      expect(await store.readRange('room', 0, 2)).toEqual(all.slice(0, 2));
      expect(await store.readRange('room', 4, 99)).toEqual(all.slice(3));
      expect(await store.readRange('room', 6)).toEqual([]);
      expect(await store.readRange('room', 4, 3)).toEqual([]);
      expect(await store.readRange('room', 1, 0)).toEqual([]);
    });

    it('lists streams in creation order, not by name or last write', async () => {
      const { store } = await fresh();
      for (const id of ['政协-b', 'a', '政协-a', 'c']) await store.append(id, 0, events(1));
      await store.append('a', 1, events(3, 2));
      await store.append('政协-b', 1, events(1, 2));
      expect(await store.streams()).toEqual(['政协-b', 'a', '政协-a', 'c']);
    });

    it('appends a batch all or nothing: a bad event anywhere leaves the stream as it was', async () => {
      const { store } = await fresh();
      const before = events(2);
      await store.append('room', 0, before);
      const bad: NewEvent[][] = [
        [...events(3, 3), { type: 'bad', at: T0, data: 10n }],
        [event(3), { type: 'bad', at: T0, data: undefined }, event(4)],
        [event(3), event(4), { type: 'bad', at: T0 + 0.5, data: {} }],
        [event(3), { type: '', at: T0, data: {} }],
      ];
      for (const batch of bad) {
        await expect(store.append('room', 2, batch)).rejects.toThrow(TypeError);
        await expect(store.append('new-room', 0, batch)).rejects.toThrow(TypeError);
      }
      expect(await store.load('room')).toEqual(stored(before));
      expect(await store.version('new-room')).toBe(0);
      expect(await store.streams()).toEqual(['room']);
      // Nothing was left half-done: the next append goes through at the same version.
      expect(await store.append('room', 2, events(1, 3))).toBe(3);
    });

    it('refuses malformed arguments without writing', async () => {
      const { store } = await fresh();
      await expect(store.append('', 0, events(1))).rejects.toThrow(TypeError);
      await expect(store.append('room', -1, events(1))).rejects.toThrow(RangeError);
      await expect(store.append('room', 0.5, events(1))).rejects.toThrow(RangeError);
      await expect(store.append('room', Number.NaN, events(1))).rejects.toThrow(RangeError);
      await expect(store.readRange('room', -1)).rejects.toThrow(RangeError);
      await expect(store.readRange('room', 1, 1.5)).rejects.toThrow(RangeError);
      await expect(store.load('')).rejects.toThrow(TypeError);
      expect(await store.streams()).toEqual([]);
    });

    it('closes idempotently and refuses work afterwards', async () => {
      const { store } = await fresh();
      await store.append('room', 0, events(1));
      await store.close();
      await store.close();
      await expect(store.load('room')).rejects.toThrow();
      await expect(store.append('room', 1, events(1, 2))).rejects.toThrow();
    });

    if (!durable) return;

    describe('durability', () => {
      it('gives back every stream exactly after closing and reopening', async () => {
        const { store, reopen } = await fresh();
        await store.append('b', 0, [{ type: '开会', at: T0, data: { 议题: '乡村教育', 票: [1, 2] } }]);
        await store.append('a', 0, events(3));
        await store.append('b', 1, events(2, 2));
        const before = { a: await store.load('a'), b: await store.load('b'), streams: await store.streams() };
        await store.close();

        const again = await reopen!();
        expect(await again.streams()).toEqual(before.streams);
        expect(await again.load('a')).toEqual(before.a);
        expect(await again.load('b')).toEqual(before.b);
        expect(await again.version('b')).toBe(3);
        // The reopened store carries on where the old one stopped.
        await conflictOf(again.append('b', 0, events(1)));
        expect(await again.append('b', 3, events(1, 4))).toBe(4);
      });

      it('two instances on the same data: the same expected version gives one win and one Conflict', async () => {
        const { store, reopen } = await fresh();
        const other = await reopen!();
        await store.append('room', 0, events(1));
        expect(await other.version('room')).toBe(1);
        const results = await Promise.allSettled([
          store.append('room', 1, [event(2, 'first')]),
          other.append('room', 1, [event(2, 'second')]),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const [lost] = results.filter((r) => r.status === 'rejected');
        expect((lost as PromiseRejectedResult).reason).toBeInstanceOf(Conflict);
        expect(await store.load('room')).toEqual(await other.load('room'));
        expect(await other.version('room')).toBe(2);
      });

      it('two instances with 10 retrying writers each lose nothing', async () => {
        const { store, reopen } = await fresh();
        const other = await reopen!();
        const writers = writerBatches(20, 10);
        await Promise.all(writers.map((w, i) => writeWithRetry(i % 2 ? other : store, 'busy', w.batches)));
        const log = await store.load('busy');
        expectInterleaving(log, writers);
        expect(await other.load('busy')).toEqual(log);
      });
    });
  });
}
