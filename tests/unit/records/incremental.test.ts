import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '@yishi/shared';
import { DIRECTORY_STREAM } from '../../../signaling/src/records/PeopleDirectory.js';
import { MemoryRoomStore } from '../../../signaling/src/store/MemoryRoomStore.js';
import { chair, FakeClock, member1, member2, member3, secretary } from '../../support/domain.js';
import { HandBus, recordsNode } from '../../support/records.js';

/**
 * Property: the records kept incrementally — by the node that made the appends, and by another
 * node that hears of them only over the bus, late, twice and out of order — are exactly the
 * records a node starting afresh reads from the store (the start-up catch-up).
 */

const MEMBERS = [member1, member2, member3];
const ROOMS = ['r1', 'r2'];

type Step =
  | { kind: 'speak'; room: number; who: number; seconds: number }
  | { kind: 'comment'; room: number; who: number; replyTo: number | null }
  | { kind: 'react'; room: number; who: number; comment: number }
  | { kind: 'hide'; room: number; comment: number }
  | { kind: 'reconnect'; room: number; who: number }
  | { kind: 'promote'; room: number; comment: number }
  | { kind: 'close'; room: number };

const room = fc.nat(ROOMS.length - 1);
const who = fc.nat(MEMBERS.length - 1);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('speak' as const), room, who, seconds: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('comment' as const), room, who, replyTo: fc.option(fc.nat(20)) }),
  fc.record({ kind: fc.constant('react' as const), room, who, comment: fc.nat(20) }),
  fc.record({ kind: fc.constant('hide' as const), room, comment: fc.nat(20) }),
  fc.record({ kind: fc.constant('reconnect' as const), room, who }),
  fc.record({ kind: fc.constant('promote' as const), room, comment: fc.nat(20) }),
  // A closed session's state is dropped once tallied, and read again if it changes (promote after close).
  fc.record({ kind: fc.constant('close' as const), room }),
);
/** After each step: which versions of which stream the bus announces (again), in that order. */
const deliveries = fc.array(fc.record({ room, back: fc.nat(6) }), { maxLength: 4 });

describe('records kept incrementally', () => {
  it('equal the records read afresh from the store, however appends were delivered', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(step, deliveries), { minLength: 1, maxLength: 25 }), async (script) => {
        const store = new MemoryRoomStore();
        const bus = new HandBus();
        const clock = new FakeClock();
        const writer = recordsNode(store, { clock });
        const listener = recordsNode(store, { bus, clock });
        await writer.records.start();
        await listener.records.start();
        for (const id of ROOMS) await writer.openSession(id, [chair, secretary, ...MEMBERS]);
        const comments: Record<string, string[]> = { r1: [], r2: [] };
        for (const [s, announce] of script) {
          const id = ROOMS[s.room] as string;
          const list = comments[id] as string[];
          const pick = (i: number) => list[i % Math.max(1, list.length)];
          clock.advance(2_000);
          await apply(writer, id, s, list, pick).catch((err: { code?: string }) => {
            // A refusal (quota, a comment already hidden) changes nothing: the property still holds.
            if (!err.code) throw err;
          });
          // Reads between steps settle the tallies (and drop a closed session's state).
          await writer.records.leaderboard('2025');
          await listener.records.leaderboard('2025');
          for (const { room: r, back } of announce) {
            const stream = ROOMS[r] as string;
            bus.announce(stream, Math.max(1, (await store.version(stream)) - back));
          }
        }
        // The people seen in tokens are entered by the writer (the node they joined); the listener hears of it.
        await expect.poll(() => writer.directory.all.size).toBe(MEMBERS.length + 2);
        for (const id of [...ROOMS, DIRECTORY_STREAM]) bus.announce(id, await store.version(id));
        await new Promise((resolve) => setTimeout(resolve, 5));
        const fresh = recordsNode(store, { clock });
        await fresh.records.start();
        for (const m of MEMBERS) {
          const expected = await fresh.records.record(m.id, '2025');
          expect(await writer.records.record(m.id, '2025')).toEqual(expected);
          expect(await listener.records.record(m.id, '2025')).toEqual(expected);
        }
        expect(await writer.records.leaderboard('2025-03')).toEqual(await fresh.records.leaderboard('2025-03'));
      }),
      { numRuns: 25 },
    );
  });
});

async function apply(
  node: ReturnType<typeof recordsNode>,
  id: string,
  s: Step,
  list: string[],
  pick: (i: number) => string | undefined,
): Promise<void> {
  const member = (i: number) => MEMBERS[i] as Actor;
  switch (s.kind) {
    case 'speak':
      return node.speak(id, member(s.who), s.seconds);
    case 'comment': {
      const replyTo = s.replyTo === null ? undefined : pick(s.replyTo);
      list.push(await node.comment(id, member(s.who), '意见', replyTo));
      return;
    }
    case 'react': {
      const commentId = pick(s.comment);
      if (commentId)
        await node.run(id, { type: 'comment.react', commentId, reaction: 'agree', on: true }, member(s.who));
      return;
    }
    case 'hide': {
      const commentId = pick(s.comment);
      if (commentId) await node.run(id, { type: 'comment.hide', commentId, reason: '测试' }, chair);
      return;
    }
    case 'promote': {
      const commentId = pick(s.comment);
      if (commentId) await node.run(id, { type: 'minutes.promoteComment', commentId }, secretary);
      return;
    }
    case 'close':
      await node.run(id, { type: 'session.close' }, chair);
      return;
    case 'reconnect':
      await node.run(id, { type: 'participant.leave', personId: member(s.who).id }, chair);
      await node.run(
        id,
        { type: 'participant.join', person: { ...member(s.who), role: 'member' }, resumeWithinMs: 30_000 },
        chair,
      );
      return;
  }
}
