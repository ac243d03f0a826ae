import { describe, expect, it } from 'vitest';
import type { LedgerActor, LedgerCommand } from '@yishi/shared';
import { isLedgerStream, LedgerService } from '../../signaling/src/ledger/LedgerService.js';
import { SessionService } from '../../signaling/src/sessions/SessionService.js';
import { MemoryRoomStore } from '../../signaling/src/store/MemoryRoomStore.js';
import { createTopicCommand, organiser } from '../support/domain.js';
import { testLogger } from '../support/media.js';

/**
 * LedgerService over one store shared by two services, as two nodes share Redis: a chosen id is
 * registered once whoever registers it, concurrent changes are all kept in order (a store race is
 * retried on fresh state), and the ledger's streams are never taken for sessions.
 */

const office: LedgerActor = { id: 'office', name: '办公室', role: 'secretary' };
const system: LedgerActor = { id: 'system', name: 'system', role: 'system' };
const unit: LedgerActor = { id: 'u-jyj', name: '刘科长', role: 'unit', unit: '县教育局' };

const register = (id: string): Extract<LedgerCommand, { type: 'ledger.register' }> => ({
  type: 'ledger.register',
  id,
  title: '校车线路',
  description: '',
  category: '承办事项',
  source: { kind: 'action', sessionId: 'topic-1', refId: id, minutesVersion: 1, agendaItemId: null },
  topicId: 'topic-1',
  raisedBy: [],
});

describe('LedgerService', () => {
  it('registers a chosen id once, whichever of two nodes registers it, however often', async () => {
    const store = new MemoryRoomStore();
    const [a, b] = [new LedgerService(store, testLogger()), new LedgerService(store, testLogger())];
    const items = await Promise.all([
      a.register(register('topic-1.act-1'), system),
      b.register(register('topic-1.act-1'), system),
      a.register(register('topic-1.act-1'), system),
    ]);
    expect(new Set(items.map((i) => i.id))).toEqual(new Set(['topic-1.act-1']));
    expect(await store.version('ledger:topic-1.act-1')).toBe(1);
  });

  it('keeps every concurrent change, in the order the store took them', async () => {
    const store = new MemoryRoomStore();
    const [a, b] = [new LedgerService(store, testLogger()), new LedgerService(store, testLogger())];
    await a.register(register('item'), office);
    await a.execute('item', { type: 'ledger.assign', leadUnit: '县教育局', coUnits: [] }, office);
    await a.execute('item', { type: 'ledger.start' }, unit);
    // b has not read the item yet; a's cache is current: their updates race on the store.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).execute('item', { type: 'ledger.update', text: `进展 ${i}` }, unit),
      ),
    );
    const fresh = new LedgerService(store, testLogger());
    const item = await fresh.get('item');
    expect(item?.updates).toHaveLength(10);
    expect(await store.version('ledger:item')).toBe(13);
    expect((await fresh.list({}, office)).map((i) => i.id)).toEqual(['item']);
    expect(await fresh.list({}, { ...unit, unit: '县卫健委' })).toEqual([]);
  });

  it('lives beside the sessions in one store without being taken for one', async () => {
    const store = new MemoryRoomStore();
    const sessions = new SessionService(store, testLogger());
    await sessions.execute('topic-1', createTopicCommand(), organiser);
    await new LedgerService(store, testLogger()).register(register('topic-1.act-1'), system);
    expect((await store.streams()).map(isLedgerStream)).toEqual([false, true]);
    expect((await sessions.list()).map((s) => s.state.session.id)).toEqual(['topic-1']);
    sessions.close();
  });
});
