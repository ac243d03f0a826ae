import { afterEach, describe, expect, it, vi } from 'vitest';
import { Unavailable } from '@yishi/shared';
import { SessionService } from '../../signaling/src/sessions/SessionService.js';
import { MemoryRoomStore } from '../../signaling/src/store/MemoryRoomStore.js';
import type { NewEvent } from '../../signaling/src/store/RoomStore.js';
import { testLogger } from '../support/media.js';
import { chair, createTopicCommand, joinCommand, member1, organiser, ROOM_ID, system } from '../support/domain.js';

/** A store that refuses every write while `down`, as the Redis store does while Redis restarts. */
class FlakyStore extends MemoryRoomStore {
  down = false;

  override append(streamId: string, expectedVersion: number, events: NewEvent[]): Promise<number> {
    if (this.down) return Promise.reject(new Unavailable('the event store (Redis) cannot be reached'));
    return super.append(streamId, expectedVersion, events);
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the server’s turn clock', () => {
  it('ends a turn that ran out while the store could not be written, once it can', async () => {
    vi.useFakeTimers();
    const store = new FlakyStore();
    const sessions = new SessionService(store, testLogger(), { now: () => Date.now() });
    const settings = { turnSeconds: { contribution: 10 }, graceSeconds: 0, autoEnd: true };
    await sessions.execute(ROOM_ID, createTopicCommand({ settings }), organiser);
    await sessions.execute(ROOM_ID, { type: 'session.open' }, organiser);
    await sessions.execute(ROOM_ID, joinCommand(member1), system);
    await sessions.execute(ROOM_ID, { type: 'session.start' }, chair);
    await sessions.execute(ROOM_ID, { type: 'queue.request', kind: 'contribution' }, member1);
    await sessions.execute(ROOM_ID, { type: 'floor.grant' }, chair);
    expect(sessions.current(ROOM_ID).state.currentTurnId).not.toBeNull();

    store.down = true;
    await vi.advanceTimersByTimeAsync(15_000); // the turn runs out; every tick fails
    expect(sessions.current(ROOM_ID).state.currentTurnId).not.toBeNull();

    store.down = false; // nothing else happens in the session: the clock alone must end it
    await vi.advanceTimersByTimeAsync(2_000);
    const { state } = sessions.current(ROOM_ID);
    expect(state.currentTurnId).toBeNull();
    expect(state.turns.at(-1)?.endReason).toBe('expired');
    sessions.close();
  });
});
