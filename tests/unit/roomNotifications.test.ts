import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '@yishi/shared';
import { type Notification, notificationsFor } from '../../signaling/src/rooms/notifications.js';
import { chair, member1, openRoom, organiser, secretary, system } from '../support/domain.js';

/**
 * What a room tells its clients after each event of the session (signaling/src/rooms/notifications.ts).
 * The events come from real commands of the domain, so the table is checked against what the
 * domain actually emits; that every event type has a rule, the compiler checks.
 */

const names = (events: DomainEvent[]) => events.map((e) => [e.type, notificationsFor(e).map((n) => n.name)]);

describe('notificationsFor', () => {
  it('sends the session view for the topic, and the queue view too for the session’s status, agenda and settings', () => {
    const room = openRoom({ stage: 'created' });
    expect(names(room.run({ type: 'topic.update', fields: { title: '新标题' } }, organiser))).toEqual([
      ['topic.updated', ['session:state']],
    ]);
    expect(names(room.run({ type: 'session.open' }, organiser))).toEqual([
      ['session.opened', ['session:state', 'queue:state']],
    ]);
    expect(names(room.run({ type: 'session.start' }, chair))).toEqual([
      ['session.started', ['session:state', 'queue:state']],
    ]);
    const itemId = room.state.agenda[0]?.id ?? '';
    expect(names(room.run({ type: 'agenda.open', itemId }, chair))).toEqual([
      ['agenda.opened', ['session:state', 'queue:state']],
    ]);
    expect(names(room.run({ type: 'settings.update', settings: { graceSeconds: 5 } }, chair))).toEqual([
      ['settings.changed', ['session:state', 'queue:state']],
    ]);
  });

  it('sends the queue view for the queue, and the minutes too for a turn', () => {
    const room = openRoom({ stage: 'in_progress' });
    expect(names(room.run({ type: 'queue.request', kind: 'contribution' }, member1))).toEqual([
      ['queue.entryAdded', ['queue:state']],
    ]);
    const events = room.run({ type: 'floor.grant' }, chair);
    expect(events.map((e) => e.type)).toContain('turn.started');
    for (const event of events) {
      const expected = event.type.startsWith('turn.') ? ['queue:state', 'minutes:state'] : ['queue:state'];
      expect(notificationsFor(event).map((n) => n.name)).toEqual(expected);
    }
  });

  it('sends the minutes view for the minutes, and nothing for an arrival or a departure', () => {
    const room = openRoom({ join: [] });
    expect(names(room.run({ type: 'minutes.setNotes', text: '纪要' }, secretary))).toEqual([
      ['minutes.notesSet', ['minutes:state']],
    ]);
    expect(names(room.join(member1).log.slice(-1))).toEqual([['participant.joined', []]]);
    expect(names(room.run({ type: 'participant.leave', personId: member1.id }, system))).toEqual([
      ['participant.left', []],
    ]);
  });

  it('names the comment that was posted, reacted to or hidden', () => {
    const room = openRoom({ stage: 'in_progress' });
    const [posted] = room.run({ type: 'comment.post', id: 'c1', text: '同意' }, member1);
    const [reacted] = room.run({ type: 'comment.react', commentId: 'c1', reaction: 'agree', on: true }, chair);
    const [hidden] = room.run({ type: 'comment.hide', commentId: 'c1', reason: '离题' }, chair);
    const told = [posted, reacted, hidden].flatMap((e) => (e ? notificationsFor(e) : []));
    expect(told).toEqual<Notification[]>([
      { name: 'comments:added', commentId: 'c1' },
      { name: 'comment:updated', commentId: 'c1' },
      { name: 'comment:updated', commentId: 'c1' },
    ]);
  });

  it('tells a removed person why', () => {
    const room = openRoom();
    const events = room.run({ type: 'participant.remove', personId: member1.id, reason: '扰乱秩序' }, chair);
    expect(events.flatMap(notificationsFor)).toContainEqual<Notification>({
      name: 'session:removed',
      personId: member1.id,
      reason: '扰乱秩序',
    });
  });
});
