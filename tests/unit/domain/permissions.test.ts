import {
  AppError,
  applyCommand,
  type CommandType,
  decide,
  emptyState,
  mayIssue,
  PERMISSIONS,
  ROLES,
} from '@yishi/shared';
import { describe, expect, it } from 'vitest';
import {
  ACTORS_BY_ROLE,
  ALL_ROLES,
  chair,
  member1,
  member2,
  openRoom,
  ROOM_ID,
  type Room,
  sampleCommand,
  testContext,
} from '../../support/domain.js';

const COMMAND_TYPES = Object.keys(PERMISSIONS) as CommandType[];

/** A room with something of everything: an open agenda item, a turn, a waiting entry, a comment. */
function busyRoom(): Room {
  const room = openRoom({ stage: 'agenda', settings: { observersMayComment: true } });
  room.request(member1);
  room.grant();
  room.request(member2);
  room.run({ type: 'comment.post', text: '意见' }, member1);
  return room;
}

/** The refusal of the permission table itself (not of a finer rule that also answers NOT_ALLOWED). */
const tableRefusal = (role: string, type: CommandType) => `a ${role} may not ${type.replace('.', ' ')}`;

describe('permissions', () => {
  it('covers every role a token can carry, plus organiser and system', () => {
    expect([...ALL_ROLES].sort()).toEqual([...ROLES, 'organiser', 'system'].sort());
    // Every command is allowed to someone.
    for (const type of COMMAND_TYPES) expect(PERMISSIONS[type].length, type).toBeGreaterThan(0);
  });

  describe.each(COMMAND_TYPES)('%s', (type) => {
    const denied = ALL_ROLES.filter((role) => !PERMISSIONS[type].includes(role));
    const allowed = ALL_ROLES.filter((role) => PERMISSIONS[type].includes(role));

    it.each(denied.length ? denied : ['(none)'])('is refused to %s with NOT_ALLOWED and no events', (role) => {
      if (role === '(none)') return;
      const actor = ACTORS_BY_ROLE[role as keyof typeof ACTORS_BY_ROLE];
      expect(mayIssue(actor.role, type)).toBe(false);
      // In a busy room…
      const room = busyRoom();
      const error = room.refuse(sampleCommand(type, room.state), actor, 'NOT_ALLOWED');
      expect(error.message).toBe(tableRefusal(actor.role, type));
      // …and in a room that does not exist yet (permission comes before existence).
      const empty = emptyState(ROOM_ID);
      const snapshot = structuredClone(empty);
      expect(() => applyCommand(empty, sampleCommand(type, empty), actor, testContext())).toThrow(
        expect.objectContaining({ code: 'NOT_ALLOWED' }),
      );
      expect(empty).toEqual(snapshot);
    });

    it.each(allowed)('passes the permission table for %s', (role) => {
      const actor = ACTORS_BY_ROLE[role];
      expect(mayIssue(actor.role, type)).toBe(true);
      const room = busyRoom();
      const before = structuredClone(room.state);
      try {
        decide(room.state, sampleCommand(type, room.state), actor, room.ctx);
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).message).not.toBe(tableRefusal(actor.role, type));
      }
      expect(room.state).toEqual(before);
    });
  });

  it('finer rules: observers comment only when allowed; only one’s own request is withdrawn', () => {
    const room = openRoom({ stage: 'agenda' });
    room.refuse({ type: 'comment.post', text: 'x' }, ACTORS_BY_ROLE.observer, 'NOT_ALLOWED');
    const entry = room.request(member1);
    room.refuse({ type: 'queue.withdraw', entryId: entry }, member2, 'NOT_ALLOWED');
    room.refuse({ type: 'queue.withdraw', entryId: entry }, chair, 'NOT_ALLOWED');
  });
});
