import { type CommandType, displayName, minutesDocument, PERMISSIONS, personOfClaims } from '@yishi/shared';
import { describe, expect, it } from 'vitest';
import { chair, guest, member1, member2, openRoom, organiser, secretary, unitRep } from '../../support/domain.js';

/**
 * A handling unit invited into a consultation (role `unit`): it takes the floor like a guest and
 * may do nothing more; the room names it by its unit first, in the queue, the turns and the minutes.
 */

const COMMAND_TYPES = Object.keys(PERMISSIONS) as CommandType[];

describe('the unit role', () => {
  it('has exactly the rows of a guest in the permission table', () => {
    const unitRows = COMMAND_TYPES.filter((type) => PERMISSIONS[type].includes('unit'));
    expect(unitRows).toEqual(COMMAND_TYPES.filter((type) => PERMISSIONS[type].includes('guest')));
    expect(unitRows.sort()).toEqual(
      ['comment.post', 'comment.react', 'floor.yield', 'queue.request', 'queue.withdraw'].sort(),
    );
  });

  it.each([
    { type: 'floor.grant', command: { type: 'floor.grant' } },
    { type: 'queue.add', command: { type: 'queue.add', speakerId: 'u-m1', kind: 'contribution' } },
    { type: 'comment.hide', command: { type: 'comment.hide', commentId: 'c', reason: '无关' } },
    { type: 'minutes.addAction', command: { type: 'minutes.addAction', title: '自己交办', ownerUnit: '发改委' } },
    { type: 'minutes.finalize', command: { type: 'minutes.finalize', hash: '0'.repeat(64), document: {} } },
    {
      type: 'invitation.issue',
      command: {
        type: 'invitation.issue',
        invitee: personOfClaims({ sub: 'x', name: '李', room: 'r', role: 'chair' }),
        expiresAt: 1,
      },
    },
    { type: 'participant.remove', command: { type: 'participant.remove', personId: 'u-m1', reason: '离场' } },
    { type: 'session.close', command: { type: 'session.close' } },
  ] as const)('is refused $type (NOT_ALLOWED, nothing changes)', ({ command }) => {
    const room = openRoom({ stage: 'agenda', join: [chair, secretary, member1, unitRep] });
    room.refuse(command, unitRep, 'NOT_ALLOWED');
  });

  it('asks for the floor, speaks when granted and yields; queue and turn name it by its unit', () => {
    const room = openRoom({ stage: 'agenda', join: [chair, secretary, member1, member2, unitRep] });
    const entry = room.request(unitRep);
    expect(room.state.queue[0]?.speaker).toEqual({
      id: 'u-unit',
      name: '发展和改革委员会 · 张处长',
      role: 'unit',
      unit: '发展和改革委员会',
    });
    const turn = room.grant(entry);
    expect(turn.speaker.name).toBe('发展和改革委员会 · 张处长');
    room.run({ type: 'comment.post', text: '我委将会同交通部门研究。' }, unitRep);
    room.run({ type: 'floor.yield' }, unitRep);
    expect(room.turn(turn.id).endReason).toBe('yielded');

    const doc = minutesDocument(room.state, room.now);
    expect(doc.speeches.map((s) => s.speaker.name)).toEqual(['发展和改革委员会 · 张处长']);
    // Listed with the guests (承办单位 / 特邀), apart from the members it answers.
    expect(doc.guests.map((p) => p.name)).toEqual(['发展和改革委员会 · 张处长']);
    expect(doc.attendance.find((a) => a.id === 'u-unit')).toMatchObject({ role: 'unit', unit: '发展和改革委员会' });
  });

  it('may comment whenever a guest may, and another join with another unit is a change of person', () => {
    const room = openRoom({ stage: 'agenda', join: [chair, guest, unitRep] });
    room.run({ type: 'comment.post', text: '补充说明' }, guest);
    room.run({ type: 'comment.post', text: '补充说明' }, unitRep);
    const moved = { ...unitRep, name: displayName('张处长', '交通运输局'), unit: '交通运输局' };
    const events = room.run(
      {
        type: 'participant.join',
        person: { id: moved.id, name: moved.name, role: 'unit', unit: moved.unit },
        resumeWithinMs: 0,
      },
      { id: 'system', name: 'server', role: 'system' },
    );
    expect(events.map((e) => e.type)).toEqual(['participant.joined']);
  });

  it('is named by its unit from its token claims; nobody else gets a unit', () => {
    const claims = { sub: 'u-fgw', name: '张处长', room: 'r1', role: 'unit', unit: '发展和改革委员会' } as const;
    expect(personOfClaims(claims)).toEqual({
      id: 'u-fgw',
      name: '发展和改革委员会 · 张处长',
      role: 'unit',
      unit: '发展和改革委员会',
    });
    expect(personOfClaims({ sub: 'm', name: '张委员', room: 'r1', role: 'member', sector: '农业界' })).toEqual({
      id: 'm',
      name: '张委员',
      role: 'member',
      sector: '农业界',
    });
  });

  it('an invitation records the unit, and the minutes list it with the others', () => {
    const room = openRoom({ stage: 'open', join: [chair] });
    const invitee = personOfClaims({
      sub: 'inv-1',
      name: '张处长',
      room: 'r1',
      role: 'unit',
      unit: '发展和改革委员会',
    });
    room.run({ type: 'invitation.issue', invitee, expiresAt: room.now + 3_600_000 }, organiser);
    expect(minutesDocument(room.state, room.now).invitations).toEqual([
      {
        at: expect.any(String),
        invitee: { id: 'inv-1', name: '发展和改革委员会 · 张处长', role: 'unit', unit: '发展和改革委员会' },
        issuer: { id: organiser.id, name: organiser.name, role: 'organiser' },
        expiresAt: expect.any(String),
      },
    ]);
  });
});

describe('action items linked to an agenda item', () => {
  it('keeps the agenda item the secretary names, refuses an unknown one, and unlinks with null', () => {
    const room = openRoom({ stage: 'agenda', join: [chair, secretary] });
    const [first, second] = room.state.agenda;
    const [added] = room.run(
      { type: 'minutes.addAction', title: '研究桥下空间利用', ownerUnit: '发展和改革委员会', agendaItemId: first!.id },
      secretary,
    );
    if (added?.type !== 'minutes.actionAdded') throw new Error('no action added');
    const id = added.data.action.id;
    expect(room.state.minutes.actions[0]).toMatchObject({ id, agendaItemId: first!.id });
    room.refuse(
      { type: 'minutes.addAction', title: 'x', ownerUnit: 'y', agendaItemId: 'nope' },
      secretary,
      'NOT_FOUND',
    );
    room.refuse({ type: 'minutes.updateAction', id, agendaItemId: 'nope' }, secretary, 'NOT_FOUND');
    room.run({ type: 'minutes.updateAction', id, status: 'in_progress' }, secretary);
    expect(room.state.minutes.actions[0]?.agendaItemId).toBe(first!.id);
    room.run({ type: 'minutes.updateAction', id, agendaItemId: second!.id }, secretary);
    expect(room.state.minutes.actions[0]?.agendaItemId).toBe(second!.id);
    room.run({ type: 'minutes.updateAction', id, agendaItemId: null }, secretary);
    expect(room.state.minutes.actions[0]).not.toHaveProperty('agendaItemId');
  });
});
