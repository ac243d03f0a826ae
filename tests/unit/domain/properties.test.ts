import { isDeepStrictEqual } from 'node:util';
import {
  AppError,
  applyCommand,
  applyEvents,
  priorityOf,
  type RoomState,
  type SessionStatus,
  spokenMs,
} from '@yishi/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  guest,
  member1,
  member2,
  member3,
  openRoom,
  pausesAreWellFormed,
  QUEUE_FLOOR_OPS,
  secretary,
  type Step,
  stepCommand,
  stepsArbitrary,
} from '../../support/domain.js';

/**
 * Random sequences of queue and floor commands by random people (the chair granting, the clock
 * ticking), checked after every step against the invariants of the speaking queue.
 */

/** Without chair moves and without fairness: the waiting queue is sorted by priority, then request time. */
function queueIsSorted(state: RoomState): boolean {
  return state.queue.every((e, i) => {
    const prev = state.queue[i - 1];
    if (!prev) return true;
    const byKind = priorityOf(prev.kind) - priorityOf(e.kind);
    return byKind < 0 || (byKind === 0 && prev.requestedAt <= e.requestedAt);
  });
}

/** Fails the property with `message` unless `ok` (cheaper than `expect` in a loop of thousands). */
function check(ok: boolean, message: () => string): void {
  if (!ok) throw new Error(message());
}

function checkInvariants(state: RoomState, now: number, ended: Map<string, number>): void {
  // One waiting entry per kind per member.
  const keys = state.queue.map((e) => `${e.speaker.id}/${e.kind}`);
  check(new Set(keys).size === keys.length, () => `duplicate waiting entries: ${keys}`);
  // Nobody waits who may not speak.
  check(
    state.queue.every((e) => e.speaker.role !== 'observer'),
    () => 'an observer is waiting to speak',
  );

  // At most one current turn: every running turn is the current one or one it interrupted.
  const running = state.turns.filter((t) => t.endedAt === undefined).map((t) => t.id);
  const live = [...(state.currentTurnId ? [state.currentTurnId] : []), ...state.interruptedTurnIds];
  check(new Set(live).size === live.length, () => `a turn both current and interrupted: ${live}`);
  check(
    isDeepStrictEqual([...running].sort(), [...live].sort()),
    () => `running turns ${running} are not the current one and those it interrupted (${live})`,
  );
  check(
    state.currentTurnId !== null || state.interruptedTurnIds.length === 0,
    () => 'interrupted turns but no current one',
  );
  // Interrupted turns stay paused by their interposed question.
  for (const id of state.interruptedTurnIds) {
    const last = state.turns.find((x) => x.id === id)?.pauses.at(-1);
    check(last?.reason === 'interposed' && last.until === undefined, () => `interrupted ${id} is not paused: ${last}`);
  }

  // A turn that ended never becomes current (or interrupted) again, and its end never moves.
  for (const [id, endedAt] of ended) {
    check(state.currentTurnId !== id && !state.interruptedTurnIds.includes(id), () => `ended turn ${id} is live again`);
    check(state.turns.find((t) => t.id === id)?.endedAt === endedAt, () => `ended turn ${id} moved its end`);
  }
  for (const t of state.turns) {
    check(pausesAreWellFormed(t), () => `pauses of ${t.id} overlap: ${JSON.stringify(t.pauses)}`);
    check(t.startedAt >= t.requestedAt, () => `turn ${t.id} started before it was requested`);
    if (t.endedAt === undefined) {
      check(spokenMs(t, now) <= now - t.startedAt, () => `turn ${t.id} spoke longer than it ran`);
      continue;
    }
    ended.set(t.id, t.endedAt);
    check(t.endedAt >= t.startedAt, () => `turn ${t.id} ended before it started`);
    check(t.endReason !== undefined, () => `turn ${t.id} ended without reason`);
    // Spoken time is frozen at the end and never exceeds the turn's duration.
    const spoken = spokenMs(t, now);
    check(spoken <= t.endedAt - t.startedAt, () => `turn ${t.id}: spoken ${spoken} > ${t.endedAt! - t.startedAt}`);
    check(spoken === spokenMs(t, t.endedAt), () => `turn ${t.id}: spoken time still runs after its end`);
  }
}

/** Runs `steps` on a fresh room; checks applyCommand's contract on every command and `check` after every step. */
function runSteps(
  steps: Step[],
  options: { fairness: boolean },
  afterStep: (state: RoomState, now: number, ended: Map<string, number>) => void,
) {
  const room = openRoom({ stage: 'agenda', settings: { fairness: options.fairness } });
  const ended = new Map<string, number>();
  for (const step of steps) {
    room.advance(step.advance);
    const { command, actor } = stepCommand(step, room.state);
    const expected = structuredClone(room.state);
    try {
      applyEvents(expected, applyCommand(room.state, command, actor, room.ctx));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
    // applyCommand changes the state by exactly the events it returns; a refusal changes nothing.
    if (!isDeepStrictEqual(room.state, expected)) expect(room.state).toEqual(expected);
    afterStep(room.state, room.now, ended);
  }
  return room;
}

const LIVE: readonly SessionStatus[] = ['open', 'in_progress', 'adjourned'];

describe('speaking queue properties', () => {
  it('hold over random queue/floor sequences (no moves, no fairness), queue sorted by priority then time', () => {
    fc.assert(
      fc.property(stepsArbitrary(QUEUE_FLOOR_OPS, 1, 150), (steps) => {
        runSteps(steps, { fairness: false }, (state, now, ended) => {
          check(
            queueIsSorted(state),
            () => `unsorted: ${JSON.stringify(state.queue.map((e) => [e.kind, e.requestedAt]))}`,
          );
          checkInvariants(state, now, ended);
        });
      }),
      { numRuns: 120 },
    );
  }, 60_000);

  it('with fairness: priorities still hold, and newcomers’ contributions precede those of members who spoke', () => {
    fc.assert(
      fc.property(stepsArbitrary(QUEUE_FLOOR_OPS, 1, 150), (steps) => {
        runSteps(steps, { fairness: true }, (state, now, ended) => {
          // Kinds stay in priority order (fairness reorders only within contributions)…
          const priorities = state.queue.map((e) => priorityOf(e.kind));
          check(
            priorities.every((p, i) => i === 0 || priorities[i - 1]! <= p),
            () => `kinds out of order: ${priorities}`,
          );
          // …and FIFO within points of order and replies.
          for (const kind of ['point_of_order', 'reply'] as const) {
            const times = state.queue.filter((e) => e.kind === kind).map((e) => e.requestedAt);
            check(
              times.every((t, i) => i === 0 || times[i - 1]! <= t),
              () => `${kind} not FIFO: ${times}`,
            );
          }
          checkInvariants(state, now, ended);
        });
      }),
      { numRuns: 80 },
    );
  }, 60_000);

  it('hold with chair moves too (all but the sort order)', () => {
    fc.assert(
      fc.property(stepsArbitrary([...QUEUE_FLOOR_OPS, 'move', 'fairness'], 1, 150), (steps) => {
        runSteps(steps, { fairness: false }, checkInvariants);
      }),
      { numRuns: 80 },
    );
  }, 60_000);

  it('a newcomer contribution goes before the first contribution of someone who has spoken', () => {
    fc.assert(
      fc.property(stepsArbitrary(QUEUE_FLOOR_OPS, 0, 80), (steps) => {
        const room = runSteps(steps, { fairness: true }, () => {});
        const spoke = new Set(room.state.turns.map((t) => t.speaker.id));
        const newcomer = [member1, member2, member3, guest, secretary].find(
          (a) => !spoke.has(a.id) && !room.state.queue.some((e) => e.speaker.id === a.id && e.kind === 'contribution'),
        );
        if (!newcomer || room.state.listClosed || !LIVE.includes(room.state.session.status)) return;
        room.run({ type: 'queue.request', kind: 'contribution' }, newcomer);
        const { state } = room;
        const index = state.queue.findIndex((e) => e.speaker.id === newcomer.id && e.kind === 'contribution');
        const before = state.queue.slice(0, index);
        const next = state.queue[index + 1];
        expect(before.every((e) => e.kind !== 'contribution' || !spoke.has(e.speaker.id))).toBe(true);
        if (next) expect(next.kind === 'contribution' && spoke.has(next.speaker.id)).toBe(true);
      }),
      { numRuns: 80 },
    );
  }, 60_000);
});
