import { afterEach, describe, expect, it } from 'vitest';
import { SessionService } from '../../signaling/src/sessions/SessionService.js';
import { MemoryRoomStore } from '../../signaling/src/store/MemoryRoomStore.js';
import { chair, createTopicCommand, joinCommand, member1, organiser, system } from '../support/domain.js';
import { testLogger } from '../support/media.js';

/**
 * SessionService's cache is bounded (issue 13, "nothing grows without bound"): a session unused for
 * the idle time, or the least recently used beyond the maximum, is dropped and read again from the
 * store when next needed — except while an open room holds it or its turn clock runs.
 */

let now = Date.UTC(2026, 11, 4, 2, 0, 0);
let sessions: SessionService | undefined;

afterEach(() => {
  sessions?.close();
  sessions = undefined;
});

function service(cache: { idleMs: number; max: number }) {
  sessions = new SessionService(new MemoryRoomStore(), testLogger(), { now: () => now, cache });
  return sessions;
}

async function create(s: SessionService, id: string): Promise<void> {
  await s.execute(id, { ...createTopicCommand(), id }, organiser);
  await s.execute(id, { type: 'session.open' }, organiser);
}

describe('the session cache', () => {
  it('drops sessions unused for the idle time, and reads them again unchanged', async () => {
    const s = service({ idleMs: 60_000, max: 1_000 });
    for (let i = 0; i < 30; i++) await create(s, `idle-${i}`);
    await s.execute('idle-0', joinCommand(member1), system);
    const before = structuredClone(await s.get('idle-0'));
    expect(s.cached).toBe(30);

    now += 30_000;
    await s.get('idle-7'); // used: its idle time starts again
    now += 30_001;
    s.evictIdle();
    expect(s.cached).toBe(1);
    expect(() => s.current('idle-0')).toThrow(/before it was loaded/);

    const again = await s.get('idle-0');
    expect(again).toEqual(before);
    expect(again).not.toBe(before);
    // Changed after the reload as it would have been before.
    const change = await s.execute('idle-0', { type: 'session.start' }, chair);
    expect(change.version).toBe(before.version + 1);
  });

  it('keeps at most `max` sessions, dropping the least recently used', async () => {
    const s = service({ idleMs: 3_600_000, max: 10 });
    for (let i = 0; i < 50; i++) {
      await create(s, `many-${i}`);
      now += 2_000;
      expect(s.cached).toBeLessThanOrEqual(10);
    }
    // The newest ten stay; an older one is read from the store again when asked for.
    expect(s.current('many-49').state.topic?.id).toBe('many-49');
    expect((await s.get('many-0')).state.topic?.id).toBe('many-0');
  });

  it('keeps a session an open room holds, or whose turn clock runs, however long unused', async () => {
    const s = service({ idleMs: 60_000, max: 1 });
    await create(s, 'held');
    await create(s, 'turn');
    await create(s, 'other');
    const release = s.hold('held');
    await s.execute('turn', joinCommand(member1), system);
    await s.execute('turn', { type: 'queue.request', kind: 'contribution' }, member1);
    await s.execute('turn', { type: 'floor.grant' }, chair);

    now += 120_000;
    s.evictIdle();
    expect(s.current('held').state.topic?.id).toBe('held');
    expect(s.current('turn').state.currentTurnId).not.toBeNull();
    expect(() => s.current('other')).toThrow(/before it was loaded/);

    release();
    release(); // a second release changes nothing
    now += 120_000;
    s.evictIdle();
    expect(() => s.current('held')).toThrow(/before it was loaded/);
    expect(s.cached).toBe(1);
  });
});
