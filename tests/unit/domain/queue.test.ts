import {
  type CommandType,
  type EntryKind,
  insertionIndex,
  PERMISSIONS,
  priorityOf,
  type QueueEntry,
} from '@yishi/shared';
import { describe, expect, it } from 'vitest';
import {
  chair,
  guest,
  joinCommand,
  member1,
  member2,
  member3,
  observer,
  openRoom,
  sampleCommand,
  secretary,
  system,
} from '../../support/domain.js';

describe('speaking queue: order', () => {
  it('orders point of order > reply > contribution whatever the order of requests', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member3);
    room.grant(); // someone must hold the floor for replies
    room.request(member1, 'contribution');
    room.advance(10);
    room.request(member2, 'reply');
    room.advance(10);
    room.request(guest, 'point_of_order');
    room.advance(10);
    room.request(secretary, 'contribution');
    room.advance(10);
    room.request(member1, 'reply');
    room.advance(10);
    room.request(member2, 'point_of_order');
    expect(room.queueOrder()).toEqual([
      `${guest.id}:point_of_order`,
      `${member2.id}:point_of_order`,
      `${member2.id}:reply`,
      `${member1.id}:reply`,
      `${member1.id}:contribution`,
      `${secretary.id}:contribution`,
    ]);
    expect(priorityOf('point_of_order')).toBeLessThan(priorityOf('reply'));
    expect(priorityOf('reply')).toBeLessThan(priorityOf('contribution'));
  });

  it('is FIFO within a kind and records who asked, when, for which agenda item', () => {
    const room = openRoom({ stage: 'agenda' });
    const item = room.state.agenda.find((i) => i.status === 'current')!;
    const ids = [member2, member1, member3].map((m) => {
      room.advance(1000);
      return room.request(m);
    });
    expect(room.state.queue.map((e) => e.id)).toEqual(ids);
    expect(room.state.queue[0]).toMatchObject({
      kind: 'contribution',
      agendaItemId: item.id,
      addedBy: member2.id,
      speaker: { id: member2.id, name: member2.name, role: 'member', sector: '教育界' },
    });
    expect(room.state.queue.map((e) => e.requestedAt)).toEqual([1, 2, 3].map((n) => room.now - (3 - n) * 1000));
  });

  it('with fairness, members who have not spoken in this session go before those who have', () => {
    const room = openRoom({ stage: 'agenda', settings: { fairness: true } });
    room.request(member1);
    room.grant();
    room.run({ type: 'floor.end' }, chair); // member1 has now spoken
    room.request(member1); // spoken
    room.request(member2); // new → before member1
    room.request(member3); // new → after member2, before member1
    room.request(member1, 'point_of_order'); // priorities still rule
    expect(room.queueOrder()).toEqual([
      `${member1.id}:point_of_order`,
      `${member2.id}:contribution`,
      `${member3.id}:contribution`,
      `${member1.id}:contribution`,
    ]);
    // "In this session": having spoken on an earlier agenda item still counts.
    room.run({ type: 'agenda.open', itemId: room.state.agenda[2]!.id }, chair);
    room.request(member1);
    room.request(guest);
    expect(room.queueOrder()).toEqual([`${guest.id}:contribution`, `${member1.id}:contribution`]);
  });

  it('without fairness, having spoken changes nothing', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    room.grant();
    room.run({ type: 'floor.end' }, chair);
    room.request(member1);
    room.request(member2);
    expect(room.queueOrder()).toEqual([`${member1.id}:contribution`, `${member2.id}:contribution`]);
  });

  it('insertionIndex: after its own and higher kinds, before lower ones', () => {
    const entry = (id: string, kind: EntryKind): QueueEntry => ({
      id,
      agendaItemId: null,
      speaker: { id, name: id, role: 'member' },
      kind,
      requestedAt: 0,
      addedBy: id,
    });
    const queue = [
      entry('a', 'point_of_order'),
      entry('b', 'reply'),
      entry('c', 'contribution'),
      entry('d', 'contribution'),
    ];
    const off = { enabled: false, hasSpoken: () => false };
    expect(insertionIndex(queue, entry('x', 'point_of_order'), off)).toBe(1);
    expect(insertionIndex(queue, entry('x', 'reply'), off)).toBe(2);
    expect(insertionIndex(queue, entry('x', 'contribution'), off)).toBe(4);
    expect(insertionIndex([], entry('x', 'contribution'), off)).toBe(0);
    const on = { enabled: true, hasSpoken: (id: string) => id === 'd' };
    expect(insertionIndex(queue, entry('x', 'contribution'), on)).toBe(3);
    expect(insertionIndex(queue, entry('d2', 'contribution'), { enabled: true, hasSpoken: () => true })).toBe(4);
  });
});

describe('speaking queue: one waiting entry per kind', () => {
  it('refuses a second waiting contribution or point of order by the same member', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1, 'contribution');
    room.request(member1, 'point_of_order');
    room.refuse({ type: 'queue.request', kind: 'contribution' }, member1, 'CONFLICT');
    room.refuse({ type: 'queue.request', kind: 'point_of_order' }, member1, 'CONFLICT');
    // …also when the chair adds on their behalf
    room.refuse({ type: 'queue.add', speakerId: member1.id, kind: 'contribution' }, chair, 'CONFLICT');
    // …and a second reply
    room.request(member2);
    room.grant(room.state.queue.find((e) => e.speaker.id === member2.id)!.id);
    room.request(member1, 'reply');
    room.refuse({ type: 'queue.request', kind: 'reply' }, member1, 'CONFLICT');
  });

  it('allows a new request once the previous one has been granted or withdrawn', () => {
    const room = openRoom({ stage: 'agenda' });
    const entry = room.request(member1);
    room.run({ type: 'queue.withdraw', entryId: entry }, member1);
    room.request(member1);
    room.grant();
    room.request(member1);
    expect(room.queueOrder()).toEqual([`${member1.id}:contribution`]);
  });
});

describe('speaking queue: withdraw', () => {
  it('a member withdraws their own request, not someone else’s', () => {
    const room = openRoom({ stage: 'agenda' });
    const mine = room.request(member1);
    const theirs = room.request(member2);
    room.refuse({ type: 'queue.withdraw', entryId: theirs }, member1, 'NOT_ALLOWED');
    room.refuse({ type: 'queue.withdraw', entryId: theirs }, chair, 'NOT_ALLOWED');
    room.refuse({ type: 'queue.withdraw', entryId: 'nope' }, member1, 'NOT_FOUND');
    const events = room.run({ type: 'queue.withdraw', entryId: mine }, member1);
    expect(events).toEqual([{ type: 'queue.entryWithdrawn', data: { entryId: mine }, at: room.now }]);
    expect(room.queueOrder()).toEqual([`${member2.id}:contribution`]);
  });

  it('withdrawing is allowed even when the list is closed', () => {
    const room = openRoom({ stage: 'agenda' });
    const mine = room.request(member1);
    room.run({ type: 'queue.setClosed', closed: true, pointsOfOrderBlocked: true }, chair);
    room.run({ type: 'queue.withdraw', entryId: mine }, member1);
    expect(room.state.queue).toEqual([]);
  });

  it('an entry added by the chair on a member’s behalf is theirs to withdraw', () => {
    const room = openRoom({ stage: 'agenda' });
    const [event] = room.run({ type: 'queue.add', speakerId: member1.id, kind: 'contribution' }, chair);
    if (event?.type !== 'queue.entryAdded') throw new Error('no entry');
    expect(event.data.entry.addedBy).toBe(chair.id);
    room.run({ type: 'queue.withdraw', entryId: event.data.entry.id }, member1);
  });
});

describe('speaking queue: the chair', () => {
  it('adds anyone who joined (not an observer, not someone absent)', () => {
    const room = openRoom({ stage: 'agenda', join: [chair, member1, guest, observer] });
    room.run({ type: 'queue.add', speakerId: guest.id, kind: 'contribution' }, chair);
    room.run({ type: 'queue.add', speakerId: member1.id, kind: 'point_of_order' }, chair);
    room.refuse({ type: 'queue.add', speakerId: observer.id, kind: 'contribution' }, chair, 'CONFLICT');
    room.refuse({ type: 'queue.add', speakerId: member2.id, kind: 'contribution' }, chair, 'NOT_FOUND');
    expect(room.queueOrder()).toEqual([`${member1.id}:point_of_order`, `${guest.id}:contribution`]);
  });

  it('moves an entry to any valid position', () => {
    const room = openRoom({ stage: 'agenda' });
    const [a, b, c] = [member1, member2, member3].map((m) => room.request(m));
    room.run({ type: 'queue.move', entryId: c!, toIndex: 0 }, chair);
    expect(room.state.queue.map((e) => e.id)).toEqual([c, a, b]);
    room.run({ type: 'queue.move', entryId: c!, toIndex: 2 }, chair);
    expect(room.state.queue.map((e) => e.id)).toEqual([a, b, c]);
    room.refuse({ type: 'queue.move', entryId: a!, toIndex: 3 }, chair, 'INVALID_REQUEST');
    room.refuse({ type: 'queue.move', entryId: a!, toIndex: -1 }, chair, 'INVALID_REQUEST');
    room.refuse({ type: 'queue.move', entryId: 'nope', toIndex: 0 }, chair, 'NOT_FOUND');
    expect(room.state.decisions.every((d) => d.kind !== 'list_closed')).toBe(true);
  });

  it('removes an entry, and clears the whole list', () => {
    const room = openRoom({ stage: 'agenda' });
    const [a] = [member1, member2, member3].map((m) => room.request(m));
    room.run({ type: 'queue.remove', entryId: a! }, chair);
    expect(room.state.queue).toHaveLength(2);
    room.refuse({ type: 'queue.remove', entryId: a! }, chair, 'NOT_FOUND');
    room.run({ type: 'queue.clear' }, chair);
    expect(room.state.queue).toEqual([]);
    room.refuse({ type: 'queue.clear' }, chair, 'CONFLICT');
  });

  it('changing the agenda item clears the queue and ends the turns', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    const turn = room.grant();
    room.request(member2);
    room.request(member3, 'point_of_order');
    room.advance(3000);
    const events = room.run({ type: 'agenda.open', itemId: room.state.agenda[2]!.id }, chair);
    expect(events.map((e) => e.type)).toEqual(['turn.ended', 'queue.cleared', 'agenda.opened']);
    expect(room.state.queue).toEqual([]);
    expect(room.turn(turn.id)).toMatchObject({ endReason: 'agenda', endedAt: room.now });
    expect(room.state.currentTurnId).toBeNull();
  });

  it('changing the agenda with nothing waiting emits no queue.cleared', () => {
    const room = openRoom({ stage: 'agenda' });
    const events = room.run({ type: 'agenda.open', itemId: room.state.agenda[0]!.id }, chair);
    expect(events.map((e) => e.type)).toEqual(['agenda.opened']);
  });
});

describe('speaking queue: closed list', () => {
  it('members cannot add contributions or replies; points of order still allowed', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member3);
    room.grant();
    room.run({ type: 'queue.setClosed', closed: true }, chair);
    expect(room.state).toMatchObject({ listClosed: true, pointsOfOrderBlocked: false });
    room.refuse({ type: 'queue.request', kind: 'contribution' }, member1, 'CONFLICT');
    room.refuse({ type: 'queue.request', kind: 'reply' }, member1, 'CONFLICT');
    room.refuse({ type: 'queue.request', kind: 'contribution' }, guest, 'CONFLICT');
    room.request(member1, 'point_of_order');
    expect(room.queueOrder()).toEqual([`${member1.id}:point_of_order`]);
  });

  it('blocks points of order as well when the chair says so', () => {
    const room = openRoom({ stage: 'agenda' });
    room.run({ type: 'queue.setClosed', closed: true, pointsOfOrderBlocked: true }, chair);
    room.refuse({ type: 'queue.request', kind: 'point_of_order' }, member1, 'CONFLICT');
    // Re-closing without the block lifts it.
    room.run({ type: 'queue.setClosed', closed: true }, chair);
    room.request(member1, 'point_of_order');
  });

  it('the chair can still add speakers, also their own request', () => {
    const room = openRoom({ stage: 'agenda' });
    room.run({ type: 'queue.setClosed', closed: true, pointsOfOrderBlocked: true }, chair);
    room.run({ type: 'queue.add', speakerId: member1.id, kind: 'contribution' }, chair);
    room.run({ type: 'queue.add', speakerId: member2.id, kind: 'point_of_order' }, chair);
    room.request(chair, 'contribution');
    expect(room.queueOrder()).toEqual([
      `${member2.id}:point_of_order`,
      `${member1.id}:contribution`,
      `${chair.id}:contribution`,
    ]);
  });

  it('closing and opening are decisions; doing either twice is a conflict', () => {
    const room = openRoom({ stage: 'agenda' });
    room.refuse({ type: 'queue.setClosed', closed: false }, chair, 'CONFLICT');
    room.run({ type: 'queue.setClosed', closed: true }, chair);
    room.refuse({ type: 'queue.setClosed', closed: true }, chair, 'CONFLICT');
    room.run({ type: 'queue.setClosed', closed: true, pointsOfOrderBlocked: true }, chair);
    room.run({ type: 'queue.setClosed', closed: false }, chair);
    expect(room.state).toMatchObject({ listClosed: false, pointsOfOrderBlocked: false });
    expect(room.state.decisions.filter((d) => d.kind.startsWith('list_')).map((d) => [d.kind, d.detail])).toEqual([
      ['list_closed', ''],
      ['list_closed', 'points_of_order_blocked'],
      ['list_opened', ''],
    ]);
    room.request(member1);
  });
});

describe('speaking queue: replies', () => {
  it('a reply needs someone holding the floor', () => {
    const room = openRoom({ stage: 'agenda' });
    room.refuse({ type: 'queue.request', kind: 'reply' }, member1, 'CONFLICT');
    room.refuse({ type: 'queue.add', speakerId: member1.id, kind: 'reply' }, chair, 'CONFLICT');
  });

  it('nobody replies to themselves', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    room.grant();
    room.refuse({ type: 'queue.request', kind: 'reply' }, member1, 'CONFLICT');
    room.refuse({ type: 'queue.add', speakerId: member1.id, kind: 'reply' }, chair, 'CONFLICT');
    room.request(member2, 'reply');
  });

  it('a reply may be asked while the floor is paused by the chair', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    room.grant();
    room.run({ type: 'floor.pause' }, chair);
    room.request(member2, 'reply');
  });
});

describe('speaking queue: status', () => {
  it('requests are possible in the lobby and while adjourned, not before opening or after closing', () => {
    const room = openRoom({ stage: 'created' });
    room.refuse({ type: 'queue.request', kind: 'contribution' }, member1, 'CONFLICT');
    room.run({ type: 'session.open' }, { id: 'org', name: 'org', role: 'organiser' });
    room.request(member1);
    room.run({ type: 'session.start' }, chair);
    room.run({ type: 'session.adjourn' }, chair);
    room.request(member2);
    room.run({ type: 'session.close' }, chair);
    room.refuse({ type: 'queue.request', kind: 'point_of_order' }, member3, 'CONFLICT');
    room.refuse({ type: 'queue.withdraw', entryId: room.state.queue[0]!.id }, member1, 'CONFLICT');
    room.refuse({ type: 'queue.clear' }, chair, 'CONFLICT');
  });

  it('observers cannot ask for the floor', () => {
    const room = openRoom({ stage: 'agenda' });
    room.refuse({ type: 'queue.request', kind: 'point_of_order' }, observer, 'NOT_ALLOWED');
  });
});

describe('removing a participant', () => {
  it('records who and why, ends their turn, drops their requests and closes their attendance', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    room.request(member1, 'point_of_order');
    room.request(member2);
    room.grant(room.state.queue.find((e) => e.speaker.id === member1.id && e.kind === 'contribution')!.id);
    room.run({ type: 'participant.remove', personId: member1.id, reason: ' 扰乱会场秩序 ' }, chair);
    expect(room.state.removed[member1.id]).toEqual({ at: room.now, by: chair.id, reason: '扰乱会场秩序' });
    expect(room.current).toBeUndefined();
    expect(room.queueOrder()).toEqual([`${member2.id}:contribution`]);
    expect(room.state.attendance[member1.id]?.intervals.at(-1)?.leftAt).toBe(room.now);
    expect(room.state.decisions.at(-1)).toMatchObject({ kind: 'participant_removed', by: chair.id });
    // Again: nothing more happens.
    expect(room.run({ type: 'participant.remove', personId: member1.id, reason: '' }, chair)).toEqual([]);
  });

  it('is final: every command of the removed person is refused, and they cannot join again', () => {
    const room = openRoom({ stage: 'agenda' });
    room.run({ type: 'participant.remove', personId: chair.id, reason: '另行安排' }, { ...chair, id: 'chair-2' });
    for (const type of Object.keys(PERMISSIONS) as CommandType[]) {
      if (!PERMISSIONS[type].includes('chair')) continue;
      room.refuse(sampleCommand(type, room.state), chair, 'NOT_ALLOWED');
    }
    room.refuse(joinCommand(chair), system, 'NOT_ALLOWED');
  });

  it('is the chair’s or organiser’s, and not of oneself', () => {
    const room = openRoom({ stage: 'agenda' });
    room.refuse({ type: 'participant.remove', personId: member2.id, reason: '' }, member1, 'NOT_ALLOWED');
    room.refuse({ type: 'participant.remove', personId: chair.id, reason: '' }, chair, 'NOT_ALLOWED');
  });
});
