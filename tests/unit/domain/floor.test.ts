import {
  DEFAULT_SETTINGS,
  expiresAt,
  isPaused,
  mayUseMicrophone,
  pausedMs,
  queueView,
  remainingMs,
  spokenMs,
  type Turn,
  turnDeadline,
} from '@yishi/shared';
import { describe, expect, it } from 'vitest';
import {
  chair,
  guest,
  member1,
  member2,
  member3,
  observer,
  openRoom,
  pausesAreWellFormed,
  secretary,
  system,
} from '../../support/domain.js';

const tick = { type: 'clock.tick' } as const;

describe('granting the floor', () => {
  it('grants the head of the queue and records the turn', () => {
    const room = openRoom({ stage: 'agenda' });
    const item = room.state.agenda.find((i) => i.status === 'current')!;
    const entry = room.request(member1);
    const requestedAt = room.now;
    room.advance(5000);
    const turn = room.grant();
    expect(turn).toEqual({
      id: expect.any(String),
      entryId: entry,
      agendaItemId: item.id,
      speaker: expect.objectContaining({ id: member1.id }),
      kind: 'contribution',
      requestedAt,
      startedAt: requestedAt + 5000,
      allowedMs: DEFAULT_SETTINGS.turnSeconds.contribution * 1000,
      pauses: [],
    });
    expect(room.state.currentTurnId).toBe(turn.id);
    expect(room.state.queue).toEqual([]);
  });

  it('grants a chosen entry out of order', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    const second = room.request(member2);
    const turn = room.grant(second);
    expect(turn.speaker.id).toBe(member2.id);
    expect(room.queueOrder()).toEqual([`${member1.id}:contribution`]);
    room.refuse({ type: 'floor.grant', entryId: 'nope' }, chair, 'NOT_FOUND');
  });

  it('refuses to grant an empty queue', () => {
    const room = openRoom({ stage: 'agenda' });
    room.refuse({ type: 'floor.grant' }, chair, 'CONFLICT');
  });

  it('uses the per-kind allowed time', () => {
    const room = openRoom({ stage: 'agenda', settings: { turnSeconds: { point_of_order: 30, contribution: 240 } } });
    room.request(member1, 'point_of_order');
    expect(room.grant().allowedMs).toBe(30_000);
    room.request(member2, 'contribution');
    expect(room.grant().allowedMs).toBe(240_000);
    room.request(member3, 'reply');
    expect(room.grant().allowedMs).toBe(DEFAULT_SETTINGS.turnSeconds.reply * 1000);
  });

  it('ends the previous turn as superseded', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    room.request(member2);
    const first = room.grant();
    room.advance(20_000);
    const events = room.run({ type: 'floor.grant' }, chair);
    expect(events.map((e) => e.type)).toEqual(['turn.ended', 'turn.started']);
    expect(room.turn(first.id)).toMatchObject({ endedAt: room.now, endReason: 'superseded' });
    expect(spokenMs(room.turn(first.id), room.now)).toBe(20_000);
    expect(room.current?.speaker.id).toBe(member2.id);
  });

  it('a point of order supersedes the current speaker too (only a reply interposes)', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    const first = room.grant();
    room.request(member2, 'point_of_order');
    room.grant();
    expect(room.turn(first.id).endReason).toBe('superseded');
    expect(room.state.interruptedTurnIds).toEqual([]);
  });
});

describe('interposed questions (replies)', () => {
  it('pause the current turn, which resumes when the reply ends', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    const main = room.grant();
    room.advance(10_000);
    room.request(member2, 'reply');
    room.advance(1000);
    const events = room.run({ type: 'floor.grant' }, chair);
    expect(events.map((e) => e.type)).toEqual(['turn.paused', 'turn.started']);
    const reply = room.current!;
    expect(reply.kind).toBe('reply');
    expect(room.state.interruptedTurnIds).toEqual([main.id]);
    expect(room.turn(main.id).pauses).toEqual([{ at: room.now, reason: 'interposed' }]);
    expect(isPaused(room.turn(main.id))).toBe(true);

    room.advance(30_000);
    const endEvents = room.run({ type: 'floor.yield' }, member2);
    expect(endEvents.map((e) => e.type)).toEqual(['turn.ended', 'turn.resumed']);
    expect(room.turn(reply.id)).toMatchObject({ endReason: 'yielded', endedAt: room.now });
    expect(room.state.currentTurnId).toBe(main.id);
    expect(room.state.interruptedTurnIds).toEqual([]);
    const resumed = room.turn(main.id);
    expect(isPaused(resumed)).toBe(false);
    // 11 s spoken before the reply; the 30 s of the reply do not count.
    room.advance(4000);
    expect(spokenMs(resumed, room.now)).toBe(15_000);
    expect(pausedMs(resumed, room.now)).toBe(30_000);
  });

  it('nest: a reply to a reply, each resumed in turn', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    const main = room.grant();
    room.request(member2, 'reply');
    const r1 = room.grant();
    room.request(member3, 'reply');
    const r2 = room.grant();
    expect(room.state.interruptedTurnIds).toEqual([main.id, r1.id]);
    room.run({ type: 'floor.end' }, chair);
    expect(room.turn(r2.id).endReason).toBe('chair');
    expect(room.state.currentTurnId).toBe(r1.id);
    room.run({ type: 'floor.end' }, chair);
    expect(room.state.currentTurnId).toBe(main.id);
    expect(room.state.interruptedTurnIds).toEqual([]);
  });

  it('granting a contribution during a reply ends the reply and the turn it interrupted', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    const main = room.grant();
    room.request(member2, 'reply');
    const reply = room.grant();
    room.request(member3);
    room.advance(1000);
    const events = room.run({ type: 'floor.grant' }, chair);
    expect(events.map((e) => e.type)).toEqual(['turn.ended', 'turn.ended', 'turn.started']);
    expect(room.turn(main.id).endReason).toBe('superseded');
    expect(room.turn(reply.id).endReason).toBe('superseded');
    expect(room.state.interruptedTurnIds).toEqual([]);
    expect(pausesAreWellFormed(room.turn(main.id))).toBe(true);
  });

  it('a reply granted while the chair has paused the turn leaves well-formed pauses and the time right', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    const main = room.grant();
    room.advance(10_000);
    room.run({ type: 'floor.pause' }, chair);
    room.advance(5000);
    room.request(member2, 'reply');
    room.grant();
    room.advance(20_000);
    room.run({ type: 'floor.end' }, chair);
    expect(room.state.currentTurnId).toBe(main.id);
    const resumed = room.turn(main.id);
    expect(pausesAreWellFormed(resumed)).toBe(true);
    room.advance(3000);
    expect(spokenMs(resumed, room.now)).toBe(13_000);
    expect(pausedMs(resumed, room.now)).toBe(25_000);
    expect(expiresAt(resumed)).toBe(resumed.startedAt + resumed.allowedMs + 25_000);
    room.run({ type: 'floor.end' }, chair);
    expect(pausesAreWellFormed(room.turn(main.id))).toBe(true);
  });

  it('the clock ending a reply resumes the interrupted turn', () => {
    const room = openRoom({ stage: 'agenda', settings: { turnSeconds: { reply: 10 }, graceSeconds: 0 } });
    room.request(member1);
    const main = room.grant();
    room.request(member2, 'reply');
    const reply = room.grant();
    room.advance(10_000);
    const events = room.run(tick, system);
    expect(events.map((e) => e.type)).toEqual(['turn.warned', 'turn.ended', 'turn.resumed']);
    expect(room.turn(reply.id).endReason).toBe('expired');
    expect(room.state.currentTurnId).toBe(main.id);
  });
});

describe('chair control of the floor', () => {
  it('pause and resume; spoken time excludes the pause', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    const turn = room.grant();
    room.advance(10_000);
    room.run({ type: 'floor.pause' }, chair);
    room.refuse({ type: 'floor.pause' }, chair, 'CONFLICT');
    expect(isPaused(room.turn(turn.id))).toBe(true);
    expect(expiresAt(room.turn(turn.id))).toBeUndefined();
    room.advance(60_000);
    expect(spokenMs(room.turn(turn.id), room.now)).toBe(10_000);
    room.run({ type: 'floor.resume' }, chair);
    room.refuse({ type: 'floor.resume' }, chair, 'CONFLICT');
    room.advance(5000);
    const t = room.turn(turn.id);
    expect(t.pauses).toEqual([{ at: room.now - 65_000, until: room.now - 5000, reason: 'chair' }]);
    expect(spokenMs(t, room.now)).toBe(15_000);
    expect(remainingMs(t, room.now)).toBe(t.allowedMs - 15_000);
    expect(expiresAt(t)).toBe(t.startedAt + t.allowedMs + 60_000);
  });

  it('ending while paused closes the pause at the end', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    const turn = room.grant();
    room.advance(7000);
    room.run({ type: 'floor.pause' }, chair);
    room.advance(3000);
    room.run({ type: 'floor.end' }, chair);
    const t = room.turn(turn.id);
    expect(t.pauses[0]?.until).toBe(room.now);
    expect(spokenMs(t, room.now + 99_999)).toBe(7000);
    expect(t.endReason).toBe('chair');
  });

  it('extends the allowed time', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    const turn = room.grant();
    room.run({ type: 'floor.extend', seconds: 60 }, chair);
    expect(room.turn(turn.id).allowedMs).toBe((DEFAULT_SETTINGS.turnSeconds.contribution + 60) * 1000);
  });

  it('refuses pause/resume/extend/end when nobody holds the floor', () => {
    const room = openRoom({ stage: 'agenda' });
    for (const command of [
      { type: 'floor.pause' },
      { type: 'floor.resume' },
      { type: 'floor.extend', seconds: 30 },
      { type: 'floor.end' },
    ] as const) {
      room.refuse(command, chair, 'CONFLICT');
    }
  });
});

describe('yielding', () => {
  it('only the speaker yields', () => {
    const room = openRoom({ stage: 'agenda' });
    room.refuse({ type: 'floor.yield' }, member1, 'CONFLICT');
    room.request(member1);
    const turn = room.grant();
    room.refuse({ type: 'floor.yield' }, member2, 'CONFLICT');
    room.refuse({ type: 'floor.yield' }, chair, 'CONFLICT');
    room.refuse({ type: 'floor.yield' }, observer, 'NOT_ALLOWED');
    room.run({ type: 'floor.yield' }, member1);
    expect(room.turn(turn.id).endReason).toBe('yielded');
    expect(room.state.currentTurnId).toBeNull();
  });

  it('the speaker of an interrupted turn cannot yield while the reply runs', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    room.grant();
    room.request(member2, 'reply');
    room.grant();
    room.refuse({ type: 'floor.yield' }, member1, 'CONFLICT');
  });
});

describe('the server clock', () => {
  function runningTurn(settings: Parameters<typeof openRoom>[0] = {}) {
    const room = openRoom({ stage: 'agenda', ...settings });
    room.request(member1);
    const turn = room.grant();
    return { room, turn };
  }

  it('does nothing before expiry or with nobody speaking', () => {
    const empty = openRoom({ stage: 'agenda' });
    expect(empty.run(tick, system)).toEqual([]);
    const { room, turn } = runningTurn();
    room.advance(turn.allowedMs - 1);
    expect(room.run(tick, system)).toEqual([]);
  });

  it('warns at expiry, then ends the turn after the grace period', () => {
    const { room, turn } = runningTurn();
    room.advance(turn.allowedMs);
    expect(room.run(tick, system).map((e) => e.type)).toEqual(['turn.warned']);
    expect(room.turn(turn.id).warnedAt).toBe(room.now);
    expect(room.run(tick, system)).toEqual([]); // warned once only
    room.advance(DEFAULT_SETTINGS.graceSeconds * 1000 - 1);
    expect(room.run(tick, system)).toEqual([]);
    room.advance(1);
    expect(room.run(tick, system).map((e) => e.type)).toEqual(['turn.ended']);
    expect(room.turn(turn.id)).toMatchObject({ endReason: 'expired', endedAt: room.now });
    expect(room.state.currentTurnId).toBeNull();
  });

  it('warns and ends at once when far past the deadline', () => {
    const { room, turn } = runningTurn();
    room.advance(turn.allowedMs + 3_600_000);
    const events = room.run(tick, system);
    expect(events.map((e) => e.type)).toEqual(['turn.warned', 'turn.ended']);
    expect(room.turn(turn.id).endReason).toBe('expired');
  });

  it('only warns when autoEnd is off', () => {
    const { room, turn } = runningTurn({ settings: { autoEnd: false } });
    room.advance(turn.allowedMs + 3_600_000);
    expect(room.run(tick, system).map((e) => e.type)).toEqual(['turn.warned']);
    expect(room.run(tick, system)).toEqual([]);
    expect(room.current?.id).toBe(turn.id);
    expect(turnDeadline(room.turn(turn.id), room.state.settings)).toBeUndefined();
  });

  it('an extension clears the warning and moves the deadline', () => {
    const { room, turn } = runningTurn();
    room.advance(turn.allowedMs);
    room.run(tick, system);
    room.run({ type: 'floor.extend', seconds: 60 }, chair);
    expect(room.turn(turn.id).warnedAt).toBeUndefined();
    room.advance(DEFAULT_SETTINGS.graceSeconds * 1000);
    expect(room.run(tick, system)).toEqual([]);
    room.advance(60_000 - DEFAULT_SETTINGS.graceSeconds * 1000);
    expect(room.run(tick, system).map((e) => e.type)).toEqual(['turn.warned']);
  });

  it('does not expire a paused turn; the pause pushes the deadline back', () => {
    const { room, turn } = runningTurn();
    room.advance(turn.allowedMs - 1000);
    room.run({ type: 'floor.pause' }, chair);
    room.advance(3_600_000);
    expect(room.run(tick, system)).toEqual([]);
    room.run({ type: 'floor.resume' }, chair);
    room.advance(999);
    expect(room.run(tick, system)).toEqual([]);
    room.advance(1);
    expect(room.run(tick, system).map((e) => e.type)).toEqual(['turn.warned']);
  });

  it('turnDeadline: warn at expiry, then end after the grace', () => {
    const turn: Turn = {
      id: 't',
      entryId: null,
      agendaItemId: null,
      speaker: { id: 'p', name: 'p', role: 'member' },
      kind: 'contribution',
      requestedAt: 0,
      startedAt: 1000,
      allowedMs: 60_000,
      pauses: [{ at: 2000, until: 5000, reason: 'chair' }],
    };
    expect(turnDeadline(turn, DEFAULT_SETTINGS)).toEqual({ at: 64_000, action: 'warn' });
    expect(turnDeadline({ ...turn, warnedAt: 64_000 }, DEFAULT_SETTINGS)).toEqual({ at: 79_000, action: 'end' });
    expect(turnDeadline({ ...turn, endedAt: 9000 }, DEFAULT_SETTINGS)).toBeUndefined();
    expect(spokenMs(turn, 11_000)).toBe(7000);
    expect(spokenMs({ ...turn, endedAt: 9000 }, 1e9)).toBe(5000);
    expect(pausedMs({ ...turn, pauses: [...turn.pauses, { at: 8000, reason: 'chair' }] }, 10_000)).toBe(5000);
  });
});

describe('microphone gating', () => {
  it('moderated: the chair and the (unpaused) speaker only; open: everyone but observers', () => {
    const room = openRoom({ stage: 'agenda' });
    const p = (a: typeof member1) => ({ id: a.id, role: a.role as 'member' });
    expect(mayUseMicrophone(room.state, p(chair))).toBe(true);
    expect(mayUseMicrophone(room.state, p(member1))).toBe(false);
    room.request(secretary);
    room.grant();
    expect(mayUseMicrophone(room.state, p(secretary))).toBe(true);
    expect(mayUseMicrophone(room.state, p(guest))).toBe(false);
    room.run({ type: 'floor.pause' }, chair);
    expect(mayUseMicrophone(room.state, p(secretary))).toBe(false);
    room.run({ type: 'settings.update', settings: { mode: 'open' } }, chair);
    expect(mayUseMicrophone(room.state, p(member1))).toBe(true);
    expect(mayUseMicrophone(room.state, p(observer))).toBe(false);
  });
});

describe('queueView', () => {
  it('shows the waiting entries, the current turn with the server’s clock, and the interrupted ones', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    const main = room.grant();
    room.advance(10_000);
    room.request(member2, 'reply');
    room.request(member3);
    room.advance(1000);
    const reply = room.grant(room.state.queue[0]!.id);
    room.advance(5000);
    const view = queueView(room.state, 42, room.now);
    expect(view).toMatchObject({
      version: 42,
      serverNow: room.now,
      mode: 'moderated',
      listClosed: false,
      entries: [expect.objectContaining({ speaker: expect.objectContaining({ id: member3.id }) })],
      current: { id: reply.id, spokenMs: 5000, remainingMs: reply.allowedMs - 5000, paused: false, warned: false },
      interrupted: [{ id: main.id, spokenMs: 11_000, paused: true }],
    });
    expect(queueView(openRoom({ stage: 'agenda' }).state, 1, room.now).current).toBeNull();
  });
});
