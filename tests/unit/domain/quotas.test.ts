import { type Command, QUOTAS, replay } from '@yishi/shared';
import { describe, expect, it } from 'vitest';
import {
  type Room,
  chair,
  joinCommand,
  member1,
  member2,
  openRoom,
  ROOM_ID,
  secretary,
  system,
} from '../../support/domain.js';

/**
 * Per-person quotas by class (shared/src/domain/quotas.ts): a loop of join/leave, react on/off or
 * request/withdraw is refused with RATE_LIMITED once past its class's limit, and changes nothing;
 * what decides nothing (a retry, a reaction already there) is not counted; the counts are part of
 * the state folded from the log, so every node and every restart sees the same.
 */

/** Runs `step` until refused; returns how many ran. */
function runUntilLimited(room: Room, step: (i: number) => void, bound = 1_000): number {
  for (let i = 0; i < bound; i++) {
    const before = room.log.length;
    try {
      step(i);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('RATE_LIMITED');
      expect(room.log.length).toBe(before);
      return i;
    }
  }
  throw new Error(`never limited in ${bound} steps`);
}

describe('quotas', () => {
  it('limits a join/leave loop to the presence quota, then lets the person in after the window', () => {
    const room = openRoom({ join: [] });
    const [perMinute] = QUOTAS.presence;
    const joins = runUntilLimited(room, () => {
      room.run(joinCommand(member1), system);
      room.advance(100).run({ type: 'participant.leave', personId: member1.id }, system);
      room.advance(100);
    });
    expect(joins).toBe(perMinute.max);
    room.refuse(joinCommand(member1), system, 'RATE_LIMITED');
    // Someone else is not limited by member1's loop.
    room.run(joinCommand(member2), system);
    room.advance(perMinute.windowMs);
    room.run(joinCommand(member1), system);
  });

  it('limits reacting on and off, counting only reactions that change something', () => {
    const room = openRoom({ stage: 'agenda' });
    const [comment] = room.run({ type: 'comment.post', text: '建议增加乡村学校校车' }, member2);
    const commentId = (comment as Extract<typeof comment, { type: 'comment.posted' }>).data.comment.id;
    const react = (on: boolean): Command => ({ type: 'comment.react', commentId, reaction: 'agree', on });
    // The same reaction again is no change: not counted, however often.
    room.run(react(true), member1);
    for (let i = 0; i < 50; i++) expect(room.run(react(true), member1)).toEqual([]);
    const toggles = runUntilLimited(room, (i) => room.run(react(i % 2 === 1), member1));
    expect(toggles + 1).toBe(QUOTAS.reaction[0].max);
  });

  it('limits requesting and withdrawing the floor, but not the chair putting others on the list', () => {
    const room = openRoom({ stage: 'agenda' });
    const loops = runUntilLimited(room, (i) => {
      if (i % 2 === 0) room.request(member1);
      else room.run({ type: 'queue.withdraw', entryId: room.state.queue[0]?.id ?? '' }, member1);
      room.advance(100);
    });
    expect(loops).toBe(QUOTAS.queue[0].max);
    for (let i = 0; i < 3 * QUOTAS.queue[0].max; i++) {
      room.run({ type: 'queue.add', speakerId: member2.id, kind: 'contribution' }, chair);
      room.run({ type: 'queue.remove', entryId: room.state.queue.at(-1)?.id ?? '' }, chair);
    }
  });

  it("limits the secretary's autosaves of the notes", () => {
    const room = openRoom({ stage: 'agenda' });
    const saves = runUntilLimited(room, (i) => {
      room.run({ type: 'minutes.setNotes', text: `第${i}稿` }, secretary);
      room.advance(10);
    });
    expect(saves).toBe(QUOTAS.minutes[0].max);
  });

  it('keeps per person only what a window still holds, and the same after a replay', () => {
    const room = openRoom({ join: [] });
    const longest = Math.max(...QUOTAS.presence.map((l) => l.windowMs));
    // A join every 7 minutes for a day: never limited, and only the last hour's times kept.
    for (let i = 0; i < 24 * 60; i += 7) {
      room.run(joinCommand(member1), system);
      room.advance(60_000).run({ type: 'participant.leave', personId: member1.id }, system);
      room.advance(6 * 60_000);
    }
    const times = room.state.activity[member1.id]?.presence ?? [];
    expect(times.length).toBeLessThanOrEqual(Math.ceil(longest / (7 * 60_000)));
    expect(room.now - (times[0] ?? 0)).toBeLessThan(longest + 7 * 60_000);
    expect(replay(ROOM_ID, room.log).activity).toEqual(room.state.activity);
  });
});
