import { describe, expect, it } from 'vitest';
import { InvalidRequest, type LedgerActor } from '@yishi/shared';
import { decodeCursor, encodeCursor } from '../../signaling/src/ledger/cursor.js';
import { LedgerService } from '../../signaling/src/ledger/LedgerService.js';
import { MemoryRoomStore } from '../../signaling/src/store/MemoryRoomStore.js';
import { testLogger } from '../support/media.js';

/**
 * The ledger's listing order and pages: registration time, then id — the same on a node that
 * registered the items and on one that read them from the store, and with an item from another
 * node whose clock was behind. Walking the pages gives the listing exactly once, a page starts
 * right after any position (even one no item has), and a cursor is a position only.
 */

const office: LedgerActor = { id: 'office', name: '办公室', role: 'secretary' };
const unitOf = (unit: string): LedgerActor => ({ id: `u-${unit}`, name: unit, role: 'unit', unit });

/** A service whose clock reads `clock.now`. */
function serviceAt(store: MemoryRoomStore, clock: { now: number }) {
  return new LedgerService(store, testLogger(), { now: () => clock.now });
}

async function add(ledger: LedgerService, id: string, topicId: string, unit: string) {
  await ledger.register(
    {
      type: 'ledger.register',
      id,
      title: `事项 ${id}`,
      description: '',
      category: '教育',
      source: { kind: 'site_visit' },
      topicId,
      raisedBy: [],
    },
    office,
  );
  await ledger.execute(id, { type: 'ledger.assign', leadUnit: unit, coUnits: [] }, office);
}

async function walk(ledger: LedgerService, viewer: LedgerActor, limit: number, filter = {}) {
  const pages: string[][] = [];
  let after: { createdAt: number; id: string } | undefined;
  for (;;) {
    const { items, more } = await ledger.page(filter, viewer, { after, limit });
    pages.push(items.map((i) => i.id));
    const last = items.at(-1);
    if (!more || !last) return pages;
    after = decodeCursor(encodeCursor(last));
  }
}

describe('ledger pages', () => {
  it('lists by registration time then id, alike on the node that wrote and on a fresh one', async () => {
    const store = new MemoryRoomStore();
    const clock = { now: 1_000 };
    const writer = serviceAt(store, clock);
    // Three items in one millisecond, registered out of id order, then two later ones.
    for (const id of ['c', 'a', 'b']) await add(writer, id, 'topic-1', '县教育局');
    clock.now = 2_000;
    await add(writer, 'e', 'topic-2', '县卫健委');
    clock.now = 3_000;
    await add(writer, 'd', 'topic-1', '县卫健委');

    const expected = ['a', 'b', 'c', 'e', 'd'];
    expect((await writer.list({}, office)).map((i) => i.id)).toEqual(expected);
    const fresh = serviceAt(store, clock);
    expect((await fresh.list({}, office)).map((i) => i.id)).toEqual(expected);
    expect(await walk(fresh, office, 2)).toEqual([['a', 'b'], ['c', 'e'], ['d']]);
    expect(await walk(fresh, office, 5)).toEqual([expected]);
    expect(await walk(fresh, office, 500)).toEqual([expected]);
  });

  it('puts an item from a node whose clock was behind in its place', async () => {
    const store = new MemoryRoomStore();
    const [here, there] = [{ now: 5_000 }, { now: 1_500 }];
    const a = serviceAt(store, here);
    await add(a, 'x1', 'topic-1', '县教育局');
    here.now = 6_000;
    await add(a, 'x3', 'topic-1', '县教育局');
    expect((await a.list({}, office)).map((i) => i.id)).toEqual(['x1', 'x3']);
    await add(serviceAt(store, there), 'x0', 'topic-1', '县教育局');
    // What the bus does when the other node appends: this node reads the item.
    await a.get('x0');
    here.now = 7_000;
    await add(a, 'x4', 'topic-1', '县教育局');
    expect((await a.list({}, office)).map((i) => i.id)).toEqual(['x0', 'x1', 'x3', 'x4']);
    expect(await walk(a, office, 3)).toEqual([['x0', 'x1', 'x3'], ['x4']]);
  });

  it('filters and scopes every page: a unit walks its own items only, from any position', async () => {
    const store = new MemoryRoomStore();
    const clock = { now: 1_000 };
    const ledger = serviceAt(store, clock);
    for (let i = 0; i < 12; i++) {
      clock.now += 10;
      await add(ledger, `i${String(i).padStart(2, '0')}`, `topic-${i % 2}`, i % 3 === 0 ? '县卫健委' : '县教育局');
    }
    const health = unitOf('县卫健委');
    expect(await walk(ledger, health, 2)).toEqual([
      ['i00', 'i03'],
      ['i06', 'i09'],
    ]);
    expect(await walk(ledger, office, 3, { topicId: 'topic-1', unit: '县教育局' })).toEqual([
      ['i01', 'i05', 'i07'],
      ['i11'],
    ]);
    // A position before everything, or between items, that no cursor of this unit ever named.
    const everything = await ledger.page({}, health, { after: { createdAt: 0, id: '' }, limit: 500 });
    expect(everything.items.map((i) => i.id)).toEqual(['i00', 'i03', 'i06', 'i09']);
    const fromMiddle = await ledger.page({}, health, { after: { createdAt: 1_045, id: 'zzz' }, limit: 500 });
    expect(fromMiddle.items.map((i) => i.id)).toEqual(['i06', 'i09']);
    expect(fromMiddle.more).toBe(false);
  });
});

describe('ledger cursors', () => {
  it('name a position and nothing else', () => {
    const cursor = encodeCursor({ createdAt: 1_764_000_000_000, id: 'ledger-a.act-1' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ createdAt: 1_764_000_000_000, id: 'ledger-a.act-1' });
  });

  it.each([
    ['not base64 JSON', 'bm90IGpzb24'],
    ['JSON of another shape', Buffer.from('{"createdAt":1,"id":"a"}').toString('base64url')],
    ['a negative time', Buffer.from('[-1,"a"]').toString('base64url')],
    ['an empty id', Buffer.from('[1,""]').toString('base64url')],
    ['extra fields', Buffer.from('[1,"a","b"]').toString('base64url')],
  ])('refuse %s', (_why, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(InvalidRequest);
  });
});
