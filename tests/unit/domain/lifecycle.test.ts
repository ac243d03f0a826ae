import {
  applyCommand,
  type Command,
  DEFAULT_SETTINGS,
  DEFAULT_TIME_ZONE,
  emptyState,
  mayIssue,
  replay,
} from '@yishi/shared';
import { describe, expect, it } from 'vitest';
import {
  chair,
  createTopicCommand,
  FakeClock,
  GRACE_MS,
  joinCommand,
  member1,
  member2,
  openRoom,
  organiser,
  personOf,
  ROOM_ID,
  Room,
  system,
  T0,
  testContext,
} from '../../support/domain.js';

describe('topic', () => {
  it('creates a draft topic with its agenda, default settings and time zone', () => {
    const room = new Room();
    const events = room.run(createTopicCommand(), organiser);
    expect(events.map((e) => e.type)).toEqual(['topic.created']);
    expect(events[0]?.at).toBe(T0);
    const { topic, session, agenda, settings } = room.state;
    expect(topic).toMatchObject({
      id: ROOM_ID,
      title: '关于加快发展乡村养老服务的建议',
      status: 'draft',
      proposalNumber: '2025-0123',
      createdAt: T0,
      updatedAt: T0,
    });
    expect(session).toMatchObject({ id: ROOM_ID, status: 'scheduled', timeZone: DEFAULT_TIME_ZONE });
    expect(agenda.map((i) => [i.title, i.status])).toEqual([
      ['通报情况', 'pending'],
      ['委员发言', 'pending'],
      ['承办单位回应', 'pending'],
    ]);
    expect(new Set(agenda.map((i) => i.id)).size).toBe(3);
    expect(settings).toEqual(DEFAULT_SETTINGS);
  });

  it('merges a settings patch (per-kind times included) over the defaults', () => {
    const room = new Room();
    room.run(
      {
        ...createTopicCommand({ settings: { fairness: true, turnSeconds: { contribution: 300 } } }),
        timeZone: 'Asia/Urumqi',
      },
      organiser,
    );
    expect(room.state.settings).toEqual({
      ...DEFAULT_SETTINGS,
      fairness: true,
      turnSeconds: { ...DEFAULT_SETTINGS.turnSeconds, contribution: 300 },
    });
    expect(room.state.session.timeZone).toBe('Asia/Urumqi');
  });

  it('refuses a second topic.create and any other command on a room without topic', () => {
    const room = new Room();
    room.refuse({ type: 'session.open' }, organiser, 'NOT_FOUND');
    room.run(createTopicCommand(), organiser);
    room.refuse(createTopicCommand(), organiser, 'CONFLICT');
  });

  it('refuses an agenda item with an empty title', () => {
    const room = new Room();
    room.refuse({ ...createTopicCommand(), agenda: [{ title: '  ' }] }, organiser, 'INVALID_REQUEST');
  });

  it('updates fields and the agenda before anything is opened, keeping known item ids', () => {
    const room = openRoom({ stage: 'created' });
    const [first, second] = room.state.agenda;
    room.advance(5000);
    room.run(
      {
        type: 'topic.update',
        fields: { title: '新标题' },
        agenda: [{ id: second!.id, title: '委员发言（调整）' }, { id: 'forged', title: '新增议程' }, { title: '总结' }],
      },
      organiser,
    );
    expect(room.state.topic).toMatchObject({ title: '新标题', updatedAt: T0 + 5000, createdAt: T0 });
    const agenda = room.state.agenda;
    expect(agenda.map((i) => i.title)).toEqual(['委员发言（调整）', '新增议程', '总结']);
    expect(agenda[0]!.id).toBe(second!.id);
    expect(agenda[1]!.id).not.toBe('forged');
    expect(agenda.map((i) => i.id)).not.toContain(first!.id);
  });

  it('freezes the agenda once an item has been opened, and the topic once in progress', () => {
    const room = openRoom();
    room.run({ type: 'agenda.open', itemId: room.state.agenda[0]!.id }, chair);
    room.refuse({ type: 'topic.update', fields: {}, agenda: [{ title: 'x' }] }, organiser, 'CONFLICT');
    room.refuse({ type: 'topic.update', fields: { title: 'x' } }, organiser, 'CONFLICT');
  });

  it('archives only a concluded topic, once', () => {
    const room = openRoom();
    room.refuse({ type: 'topic.archive' }, organiser, 'CONFLICT');
    room.run({ type: 'session.close' }, organiser);
    expect(room.state.topic?.status).toBe('concluded');
    room.run({ type: 'topic.archive' }, organiser);
    expect(room.state.topic?.status).toBe('archived');
    room.refuse({ type: 'topic.archive' }, organiser, 'CONFLICT');
  });
});

describe('invitations', () => {
  const invite = (invitee: ReturnType<typeof personOf>) =>
    ({ type: 'invitation.issue', invitee, expiresAt: T0 + 86_400_000 }) as const;

  it('records who invited whom, and until when', () => {
    const room = openRoom({ join: [] });
    room.run(invite(personOf(chair)), organiser);
    room.run(invite(personOf(member1)), chair);
    expect(room.state.invitations).toEqual([
      {
        invitee: personOf(chair),
        issuer: { id: organiser.id, name: organiser.name, role: 'organiser' },
        at: room.now,
        expiresAt: T0 + 86_400_000,
      },
      {
        invitee: personOf(member1),
        issuer: { id: chair.id, name: chair.name, role: 'chair' },
        at: room.now,
        expiresAt: T0 + 86_400_000,
      },
    ]);
  });

  it('invites nobody into an archived topic, nor a removed person again', () => {
    const room = openRoom({ join: [] });
    room.run({ type: 'participant.remove', personId: member2.id, reason: '扰乱会场秩序' }, chair);
    room.refuse(invite(personOf(member2)), organiser, 'CONFLICT');
    room.run({ type: 'session.close' }, organiser);
    room.run({ type: 'topic.archive' }, organiser);
    room.refuse(invite(personOf(member1)), organiser, 'CONFLICT');
    expect(room.state.invitations).toEqual([]);
  });
});

describe('session lifecycle', () => {
  it('goes scheduled → open → in progress → adjourned → in progress → closed', () => {
    const room = openRoom({ stage: 'created', join: [] });
    room.run({ type: 'session.schedule', scheduledAt: T0 + 3_600_000 }, organiser);
    expect(room.state.topic?.status).toBe('scheduled');
    expect(room.state.session).toMatchObject({ status: 'scheduled', scheduledAt: T0 + 3_600_000 });

    room.advance(1000);
    room.run({ type: 'session.open' }, organiser);
    expect(room.state.session).toMatchObject({ status: 'open', openedAt: T0 + 1000 });
    expect(room.state.topic?.status).toBe('in_session');

    room.advance(1000);
    room.run({ type: 'session.start' }, chair);
    expect(room.state.session).toMatchObject({ status: 'in_progress', startedAt: T0 + 2000 });

    room.advance(1000);
    room.run({ type: 'session.adjourn' }, chair);
    expect(room.state.session.status).toBe('adjourned');

    room.advance(1000);
    room.run({ type: 'session.resume' }, chair);
    // Resuming does not move the start.
    expect(room.state.session).toMatchObject({ status: 'in_progress', startedAt: T0 + 2000 });

    room.advance(1000);
    room.run({ type: 'session.close' }, chair);
    expect(room.state.session).toMatchObject({ status: 'closed', closedAt: T0 + 5000 });
    expect(room.state.topic?.status).toBe('concluded');

    expect(room.state.decisions.map((d) => [d.kind, d.by])).toEqual([
      ['session_opened', organiser.id],
      ['session_started', chair.id],
      ['session_adjourned', chair.id],
      ['session_resumed', chair.id],
      ['session_closed', chair.id],
    ]);
  });

  it('refuses every transition from the wrong status with CONFLICT and no events', () => {
    const room = openRoom({ stage: 'created' });
    // scheduled
    room.refuse({ type: 'session.start' }, chair, 'CONFLICT');
    room.refuse({ type: 'session.adjourn' }, chair, 'CONFLICT');
    room.refuse({ type: 'session.resume' }, chair, 'CONFLICT');
    room.refuse({ type: 'agenda.open', itemId: room.state.agenda[0]!.id }, chair, 'CONFLICT');
    room.refuse({ type: 'floor.grant' }, chair, 'CONFLICT');
    // open
    room.run({ type: 'session.open' }, organiser);
    room.refuse({ type: 'session.open' }, organiser, 'CONFLICT');
    room.refuse({ type: 'session.schedule', scheduledAt: T0 }, organiser, 'CONFLICT');
    room.refuse({ type: 'session.adjourn' }, chair, 'CONFLICT');
    room.refuse({ type: 'session.resume' }, chair, 'CONFLICT');
    // in progress
    room.run({ type: 'session.start' }, chair);
    room.refuse({ type: 'session.start' }, chair, 'CONFLICT');
    room.refuse({ type: 'session.resume' }, chair, 'CONFLICT');
    room.refuse({ type: 'session.open' }, organiser, 'CONFLICT');
    // adjourned
    room.run({ type: 'session.adjourn' }, chair);
    room.refuse({ type: 'session.adjourn' }, chair, 'CONFLICT');
    room.refuse({ type: 'session.start' }, chair, 'CONFLICT');
    room.refuse({ type: 'agenda.open', itemId: room.state.agenda[0]!.id }, chair, 'CONFLICT');
    room.refuse({ type: 'floor.grant' }, chair, 'CONFLICT');
    // closed
    room.run({ type: 'session.close' }, organiser);
    for (const command of [
      { type: 'session.open' },
      { type: 'session.start' },
      { type: 'session.adjourn' },
      { type: 'session.resume' },
      { type: 'session.close' },
      { type: 'session.schedule', scheduledAt: T0 },
      { type: 'settings.update', settings: { mode: 'open' } },
      { type: 'topic.update', fields: { title: 'x' } },
      { type: 'agenda.open', itemId: room.state.agenda[0]!.id },
      { type: 'queue.request', kind: 'point_of_order' },
      { type: 'queue.setClosed', closed: true },
      { type: 'comment.post', text: '会后补充' },
    ] satisfies Command[]) {
      const actor = mayIssue('chair', command.type) ? chair : organiser;
      room.refuse(command, actor, 'CONFLICT');
    }
  });

  it('starts an open session on the first agenda item opened', () => {
    const room = openRoom();
    const events = room.run({ type: 'agenda.open', itemId: room.state.agenda[1]!.id }, chair);
    expect(events.map((e) => e.type)).toEqual(['session.started', 'agenda.opened']);
    expect(room.state.session.status).toBe('in_progress');
    expect(room.state.agenda.map((i) => i.status)).toEqual(['pending', 'current', 'pending']);
  });

  it('starts an open session on the first grant of the floor', () => {
    const room = openRoom();
    room.request(member1);
    const events = room.run({ type: 'floor.grant' }, chair);
    expect(events.map((e) => e.type)).toEqual(['session.started', 'turn.started']);
    expect(room.state.session.status).toBe('in_progress');
  });

  it('opening another agenda item marks the previous one done and records the decision', () => {
    const room = openRoom({ stage: 'agenda' });
    const [a, b, c] = room.state.agenda;
    room.run({ type: 'agenda.open', itemId: c!.id }, chair);
    expect(room.state.agenda.map((i) => i.status)).toEqual(['pending', 'done', 'current']);
    room.refuse({ type: 'agenda.open', itemId: c!.id }, chair, 'CONFLICT');
    room.refuse({ type: 'agenda.open', itemId: 'nope' }, chair, 'NOT_FOUND');
    room.run({ type: 'agenda.open', itemId: a!.id }, chair);
    expect(room.state.agenda.map((i) => i.status)).toEqual(['current', 'done', 'done']);
    expect(room.state.decisions.filter((d) => d.kind === 'agenda_opened').map((d) => d.detail)).toEqual([
      b!.title,
      c!.title,
      a!.title,
    ]);
  });

  it('adjourning and closing end every running turn', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    const turn = room.grant();
    room.advance(2000);
    room.run({ type: 'session.adjourn' }, chair);
    expect(room.turn(turn.id)).toMatchObject({ endedAt: room.now, endReason: 'adjourned' });
    expect(room.state.currentTurnId).toBeNull();
    room.run({ type: 'session.resume' }, chair);
    room.request(member2);
    const second = room.grant();
    room.run({ type: 'session.close' }, organiser);
    expect(room.turn(second.id).endReason).toBe('closed');
    expect(room.state.currentTurnId).toBeNull();
  });

  it('settings may change while scheduled or live, and a mode change is a recorded decision', () => {
    const room = openRoom({ stage: 'created' });
    room.run({ type: 'settings.update', settings: { graceSeconds: 30 } }, chair);
    room.run({ type: 'session.open' }, organiser);
    room.run({ type: 'settings.update', settings: { mode: 'open', turnSeconds: { reply: 45 } } }, chair);
    expect(room.state.settings).toMatchObject({
      mode: 'open',
      graceSeconds: 30,
      turnSeconds: { point_of_order: 60, reply: 45, contribution: 180 },
    });
    room.run({ type: 'settings.update', settings: { mode: 'open' } }, chair);
    expect(room.state.decisions.filter((d) => d.kind === 'mode_changed').map((d) => d.detail)).toEqual(['open']);
  });
});

describe('attendance', () => {
  it('joining is refused unless the session is open, in progress or adjourned', () => {
    const room = openRoom({ stage: 'created' });
    room.refuse(joinCommand(member1), system, 'CONFLICT');
    room.run({ type: 'session.open' }, organiser);
    room.run(joinCommand(member1), system);
    room.run({ type: 'session.start' }, chair);
    room.run(joinCommand(member2), system);
    room.run({ type: 'session.adjourn' }, chair);
    room.run(joinCommand(chair), system);
    room.run({ type: 'session.close' }, organiser);
    room.refuse(joinCommand(member1), system, 'CONFLICT');
    expect(Object.keys(room.state.attendance).sort()).toEqual([chair.id, member1.id, member2.id].sort());
  });

  it('records join/leave intervals; a repeated join (reconnect) does not open a second interval', () => {
    const room = openRoom({ join: [] });
    const t1 = room.now;
    room.join(member1);
    room.advance(1000).join(member1);
    room.advance(1000).run({ type: 'participant.leave', personId: member1.id }, system);
    const t2 = room.now;
    // Leaving twice (or someone unknown leaving) changes nothing.
    expect(room.run({ type: 'participant.leave', personId: member1.id }, system)).toEqual([]);
    expect(room.run({ type: 'participant.leave', personId: 'ghost' }, system)).toEqual([]);
    room.advance(GRACE_MS + 1).join(member1);
    expect(room.state.attendance[member1.id]?.intervals).toEqual([
      { joinedAt: t1, leftAt: t2 },
      { joinedAt: t2 + GRACE_MS + 1 },
    ]);
  });

  it('a join of someone present records nothing, unless their name, role or sector changed', () => {
    const room = openRoom({ join: [member1] });
    expect(room.run(joinCommand(member1), system)).toEqual([]);
    const renamed = { ...joinCommand(member1), person: { ...personOf(member1), name: '张委员（代）' } };
    expect(room.run(renamed, system).map((e) => e.type)).toEqual(['participant.joined']);
    expect(room.state.attendance[member1.id]?.person.name).toBe('张委员（代）');
    expect(room.state.attendance[member1.id]?.intervals).toHaveLength(1);
  });

  it('a rejoin within the reconnect grace resumes the last interval; after it, a new one starts', () => {
    const room = openRoom({ join: [] });
    const t1 = room.now;
    room.join(member1);
    for (let i = 0; i < 5; i++) {
      room.advance(10_000).run({ type: 'participant.leave', personId: member1.id }, system);
      const [joined] = room.advance(GRACE_MS).run(joinCommand(member1), system);
      expect(joined).toMatchObject({ type: 'participant.joined', data: { resumed: true } });
    }
    expect(room.state.attendance[member1.id]?.intervals).toEqual([{ joinedAt: t1 }]);
    room.advance(10_000).run({ type: 'participant.leave', personId: member1.id }, system);
    const t2 = room.now;
    room.advance(GRACE_MS + 1).join(member1);
    expect(room.state.attendance[member1.id]?.intervals).toEqual([
      { joinedAt: t1, leftAt: t2 },
      { joinedAt: t2 + GRACE_MS + 1 },
    ]);
    // Replaying the log gives the same attendance.
    expect(replay(ROOM_ID, room.log).attendance).toEqual(room.state.attendance);
  });
});

describe('applyCommand', () => {
  it('evolves the state in place with the events it returns, stamped with ctx.now and ids from ctx', () => {
    const room = openRoom();
    const entryId = room.request(member1);
    const state = room.state;
    const ctx = testContext(new FakeClock(T0 + 60_000), 'cmd');
    const events = applyCommand(state, { type: 'floor.grant' }, chair, ctx);
    expect(events.map((e) => [e.type, e.at])).toEqual([
      ['session.started', T0 + 60_000],
      ['turn.started', T0 + 60_000],
    ]);
    const started = events[1];
    if (started?.type !== 'turn.started') throw new Error('no turn started');
    expect(started.data.turn).toMatchObject({ id: 'cmd-1', entryId, startedAt: T0 + 60_000 });
    expect(state.session).toMatchObject({ status: 'in_progress', startedAt: T0 + 60_000 });
    expect(state.currentTurnId).toBe('cmd-1');
    expect(state.queue).toEqual([]);
    // The state holds a copy of the event's turn: changing one never changes the other.
    expect(state.turns.at(-1)).toEqual(started.data.turn);
    expect(state.turns.at(-1)).not.toBe(started.data.turn);
  });

  it('returns no events and changes nothing when there is nothing to do', () => {
    const room = openRoom();
    const before = structuredClone(room.state);
    expect(applyCommand(room.state, { type: 'clock.tick' }, system, room.ctx)).toEqual([]);
    expect(room.state).toEqual(before);
  });

  it('changes nothing when it refuses, on an empty state or a live one', () => {
    const ctx = testContext();
    const empty = emptyState(ROOM_ID);
    const snapshot = structuredClone(empty);
    expect(() => applyCommand(empty, { type: 'session.open' }, organiser, ctx)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(empty).toEqual(snapshot);
    applyCommand(empty, createTopicCommand(), organiser, ctx);
    const created = structuredClone(empty);
    expect(() => applyCommand(empty, { type: 'session.start' }, chair, ctx)).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
    expect(empty).toEqual(created);
  });
});
