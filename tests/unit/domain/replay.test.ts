import { AppError, type DomainEvent, replay, type RoomState } from '@yishi/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chair,
  member1,
  member2,
  OTHER_OPS,
  openRoom,
  organiser,
  QUEUE_FLOOR_OPS,
  ROOM_ID,
  type Room,
  secretary,
  type Step,
  stepCommand,
  stepsArbitrary,
} from '../../support/domain.js';

/** Runs random steps on `room`, keeping the state after each successful command (by log length). */
function runAll(room: Room, steps: Step[]): Map<number, RoomState> {
  const checkpoints = new Map<number, RoomState>();
  for (const step of steps) {
    room.advance(step.advance);
    const { command, actor } = stepCommand(step, room.state);
    try {
      const events = room.run(command, actor);
      if (events.length) checkpoints.set(room.log.length, structuredClone(room.state));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
  }
  return checkpoints;
}

describe('event sourcing', () => {
  it('replaying the log of a long random session gives the state applyCommand built step by step', () => {
    fc.assert(
      fc.property(stepsArbitrary([...QUEUE_FLOOR_OPS, ...OTHER_OPS], 150, 400), (steps) => {
        const room = openRoom({ stage: 'agenda' });
        const checkpoints = runAll(room, steps);
        room.run({ type: 'session.close' }, organiser);
        room.run({ type: 'topic.archive' }, organiser);
        const log = structuredClone(room.log);

        expect(replay(ROOM_ID, room.log)).toEqual(room.state);
        // Some intermediate states too: every prefix of the log is a state the room was in.
        const lengths = [...checkpoints.keys()];
        for (const length of lengths.filter((_, i) => i % Math.max(1, Math.floor(lengths.length / 8)) === 0)) {
          expect(replay(ROOM_ID, room.log.slice(0, length))).toEqual(checkpoints.get(length));
        }
        // Replaying reads the log; it never changes it, so a second replay gives the same state.
        expect(room.log).toEqual(log);
        expect(replay(ROOM_ID, room.log)).toEqual(room.state);
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('the log survives a JSON round trip (what a store keeps) and replays the same', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    room.grant();
    room.run({ type: 'floor.pause' }, chair);
    room.advance(2000);
    room.run({ type: 'floor.resume' }, chair);
    room.request(member2, 'reply');
    room.grant();
    const [posted] = room.run({ type: 'comment.post', text: '好' }, member2);
    if (posted?.type !== 'comment.posted') throw new Error('no comment');
    room.run({ type: 'comment.react', commentId: posted.data.comment.id, reaction: 'agree', on: true }, member1);
    room.run({ type: 'comment.hide', commentId: posted.data.comment.id, reason: '重复' }, secretary);
    room.run({ type: 'minutes.submit' }, secretary);
    room.run({ type: 'minutes.finalize', hash: 'f'.repeat(64), document: { a: [1, '二'] } }, chair);
    room.run({ type: 'minutes.reopen' }, secretary);
    const stored = JSON.parse(JSON.stringify(room.log)) as DomainEvent[];
    expect(JSON.parse(JSON.stringify(replay(ROOM_ID, stored)))).toEqual(JSON.parse(JSON.stringify(room.state)));
  });

  it('replay does not share objects with the log: later events never rewrite earlier ones', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    room.grant();
    room.advance(1000);
    room.run({ type: 'floor.pause' }, chair);
    const [posted] = room.run({ type: 'comment.post', text: '好' }, member2);
    if (posted?.type !== 'comment.posted') throw new Error('no comment');
    room.run({ type: 'comment.react', commentId: posted.data.comment.id, reaction: 'agree', on: true }, member1);
    room.run({ type: 'agenda.open', itemId: room.state.agenda[2]!.id }, chair);
    const started = room.log.find((e) => e.type === 'turn.started');
    const before = structuredClone(room.log);
    const once = replay(ROOM_ID, room.log);
    expect(room.log).toEqual(before);
    if (started?.type === 'turn.started') expect(started.data.turn.pauses).toEqual([]);
    expect(replay(ROOM_ID, room.log)).toEqual(once);
    // Nor does the state applyCommand evolves share objects with the events it returned.
    const [event] = room.run({ type: 'comment.post', text: '再说' }, member1);
    if (event?.type !== 'comment.posted') throw new Error('no comment');
    expect(room.state.comments.at(-1)).toEqual(event.data.comment);
    expect(room.state.comments.at(-1)).not.toBe(event.data.comment);
  });
});
