import { canonicalJson, MINUTES_SCHEMA, minutesDocument, minutesView } from '@yishi/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chair,
  guest,
  member1,
  member2,
  member3,
  observer,
  openRoom,
  organiser,
  type Room,
  secretary,
  system,
} from '../../support/domain.js';

const HASH = 'ab'.repeat(32);

function postComment(room: Room, text = '建议设立专项资金'): string {
  const [event] = room.run({ type: 'comment.post', text, stance: 'support' }, member1);
  if (event?.type !== 'comment.posted') throw new Error('no comment');
  return event.data.comment.id;
}

function addedId(room: Room, events: ReturnType<Room['run']>): string {
  const [event] = events;
  if (event?.type === 'minutes.consensusAdded') return event.data.id;
  if (event?.type === 'minutes.actionAdded') return event.data.action.id;
  throw new Error(`unexpected ${event?.type} in ${room.state.session.id}`);
}

describe('minutes: what the secretary writes', () => {
  it('summaries per turn; unchanged text emits nothing', () => {
    const room = openRoom({ stage: 'agenda' });
    room.request(member1);
    const turn = room.grant();
    room.refuse({ type: 'minutes.setSummary', turnId: 'nope', text: 'x' }, secretary, 'NOT_FOUND');
    room.run({ type: 'minutes.setSummary', turnId: turn.id, text: '张委员建议加大投入。' }, secretary);
    expect(room.state.minutes.summaries[turn.id]).toEqual({
      text: '张委员建议加大投入。',
      updatedAt: room.now,
      by: secretary.id,
    });
    expect(room.run({ type: 'minutes.setSummary', turnId: turn.id, text: '张委员建议加大投入。' }, secretary)).toEqual(
      [],
    );
    room.refuse({ type: 'minutes.setSummary', turnId: turn.id, text: 'x' }, chair, 'NOT_ALLOWED');
  });

  it('notes', () => {
    const room = openRoom();
    room.run({ type: 'minutes.setNotes', text: '会议按时开始。' }, secretary);
    expect(room.state.minutes.notes).toBe('会议按时开始。');
    expect(room.run({ type: 'minutes.setNotes', text: '会议按时开始。' }, secretary)).toEqual([]);
  });

  it('consensus points: add (trimmed, not empty), update, remove', () => {
    const room = openRoom();
    const a = addedId(room, room.run({ type: 'minutes.addConsensus', text: ' 加强农村养老设施建设 ' }, secretary));
    const b = addedId(room, room.run({ type: 'minutes.addConsensus', text: '完善补贴机制' }, secretary));
    room.refuse({ type: 'minutes.addConsensus', text: '  ' }, secretary, 'INVALID_REQUEST');
    room.run({ type: 'minutes.updateConsensus', id: a, text: '加强农村养老设施和队伍建设' }, secretary);
    room.refuse({ type: 'minutes.updateConsensus', id: a, text: '' }, secretary, 'INVALID_REQUEST');
    room.refuse({ type: 'minutes.updateConsensus', id: 'nope', text: 'x' }, secretary, 'NOT_FOUND');
    expect(room.state.minutes.consensus).toEqual([
      { id: a, text: '加强农村养老设施和队伍建设' },
      { id: b, text: '完善补贴机制' },
    ]);
    room.run({ type: 'minutes.removeConsensus', id: a }, secretary);
    room.refuse({ type: 'minutes.removeConsensus', id: a }, secretary, 'NOT_FOUND');
    expect(room.state.minutes.consensus).toEqual([{ id: b, text: '完善补贴机制' }]);
  });

  it('consensus points and action items added with a client-chosen id: a retry adds nothing', () => {
    const room = openRoom();
    const id = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
    const other = '7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
    expect(addedId(room, room.run({ type: 'minutes.addConsensus', id, text: '加强养老设施' }, secretary))).toBe(id);
    expect(room.run({ type: 'minutes.addConsensus', id, text: '加强养老设施' }, secretary)).toEqual([]);
    room.run({ type: 'minutes.addAction', id: other, title: '制定方案', ownerUnit: '市民政局' }, secretary);
    expect(
      room.run({ type: 'minutes.addAction', id: other, title: '制定方案', ownerUnit: '市民政局' }, secretary),
    ).toEqual([]);
    expect(room.state.minutes.consensus.map((p) => p.id)).toEqual([id]);
    expect(room.state.minutes.actions.map((a) => a.id)).toEqual([other]);
  });

  it('action items: add with defaults, update fields (a null due date removes it), remove', () => {
    const room = openRoom();
    const id = addedId(
      room,
      room.run(
        { type: 'minutes.addAction', title: '开展专题调研', ownerUnit: '市民政局', dueDate: '2025-06-30' },
        secretary,
      ),
    );
    expect(room.state.minutes.actions).toEqual([
      { id, title: '开展专题调研', ownerUnit: '市民政局', dueDate: '2025-06-30', status: 'open' },
    ]);
    room.refuse({ type: 'minutes.addAction', title: ' ', ownerUnit: '市民政局' }, secretary, 'INVALID_REQUEST');
    room.refuse({ type: 'minutes.addAction', title: '调研', ownerUnit: '' }, secretary, 'INVALID_REQUEST');
    room.run({ type: 'minutes.updateAction', id, status: 'in_progress', ownerUnit: '市卫健委' }, secretary);
    expect(room.state.minutes.actions[0]).toEqual({
      id,
      title: '开展专题调研',
      ownerUnit: '市卫健委',
      dueDate: '2025-06-30',
      status: 'in_progress',
    });
    room.run({ type: 'minutes.updateAction', id, dueDate: null }, secretary);
    expect(room.state.minutes.actions[0]).not.toHaveProperty('dueDate');
    room.refuse({ type: 'minutes.updateAction', id, title: '' }, secretary, 'INVALID_REQUEST');
    room.refuse({ type: 'minutes.updateAction', id: 'nope', status: 'done' }, secretary, 'NOT_FOUND');
    room.run({ type: 'minutes.removeAction', id }, secretary);
    expect(room.state.minutes.actions).toEqual([]);
    room.refuse({ type: 'minutes.removeAction', id }, secretary, 'NOT_FOUND');
  });

  it('promotes a comment once, never a hidden one', () => {
    const room = openRoom({ stage: 'agenda' });
    const a = postComment(room);
    const b = postComment(room, '不当言论');
    room.run({ type: 'minutes.promoteComment', commentId: a }, secretary);
    room.refuse({ type: 'minutes.promoteComment', commentId: a }, secretary, 'CONFLICT');
    room.run({ type: 'comment.hide', commentId: b, reason: '不当' }, chair);
    room.refuse({ type: 'minutes.promoteComment', commentId: b }, secretary, 'CONFLICT');
    room.refuse({ type: 'minutes.promoteComment', commentId: 'nope' }, secretary, 'NOT_FOUND');
    expect(room.state.minutes.promotedCommentIds).toEqual([a]);
  });

  it('minutes stay editable after the session closes', () => {
    const room = openRoom();
    room.run({ type: 'session.close' }, organiser);
    room.run({ type: 'minutes.setNotes', text: '会后补记' }, secretary);
  });
});

describe('minutes: review and finalization', () => {
  it('draft → under review → finalized; edits refused until reopened; reopen after finalize is version + 1', () => {
    const room = openRoom();
    room.run({ type: 'minutes.setNotes', text: 'v1' }, secretary);
    room.refuse({ type: 'minutes.finalize', hash: HASH, document: {} }, chair, 'CONFLICT');
    room.refuse({ type: 'minutes.reopen' }, secretary, 'CONFLICT');
    room.run({ type: 'minutes.submit' }, secretary);
    expect(room.state.minutes.status).toBe('under_review');
    room.refuse({ type: 'minutes.submit' }, secretary, 'CONFLICT');
    room.refuse({ type: 'minutes.setNotes', text: 'x' }, secretary, 'CONFLICT');
    room.refuse({ type: 'minutes.finalize', hash: HASH, document: {} }, secretary, 'NOT_ALLOWED');

    // Back to the draft from review: same version.
    room.run({ type: 'minutes.reopen' }, secretary);
    expect(room.state.minutes).toMatchObject({ status: 'draft', version: 1 });
    room.run({ type: 'minutes.submit' }, secretary);

    for (const bad of ['', 'AB'.repeat(32), 'ab'.repeat(31), `${'ab'.repeat(32)}0`, 'zz'.repeat(32)]) {
      room.refuse({ type: 'minutes.finalize', hash: bad, document: {} }, chair, 'INVALID_REQUEST');
    }
    const document = minutesDocument(room.state, room.now);
    room.advance(1000);
    room.run({ type: 'minutes.finalize', hash: HASH, document }, chair);
    expect(room.state.minutes.status).toBe('finalized');
    expect(room.state.minutes.finalized).toEqual([
      { version: 1, hash: HASH, at: room.now, by: chair.id, document, consensusIds: [] },
    ]);

    for (const edit of [
      { type: 'minutes.setNotes', text: 'x' },
      { type: 'minutes.addConsensus', text: 'x' },
      { type: 'minutes.addAction', title: 'x', ownerUnit: 'y' },
      { type: 'minutes.submit' },
    ] as const) {
      room.refuse(edit, secretary, 'CONFLICT');
    }
    room.refuse({ type: 'minutes.finalize', hash: HASH, document }, chair, 'CONFLICT');

    room.run({ type: 'minutes.reopen' }, chair);
    expect(room.state.minutes).toMatchObject({ status: 'draft', version: 2 });
    room.run({ type: 'minutes.setNotes', text: 'v2' }, secretary);
    room.run({ type: 'minutes.submit' }, secretary);
    room.run({ type: 'minutes.finalize', hash: 'cd'.repeat(32), document: { v: 2 } }, chair);
    // The first version is never rewritten.
    expect(room.state.minutes.finalized.map((f) => [f.version, f.hash])).toEqual([
      [1, HASH],
      [2, 'cd'.repeat(32)],
    ]);
    expect(room.state.minutes.finalized[0]?.document).toEqual(document);
  });

  it('minutesView leaves out the finalized documents', () => {
    const room = openRoom();
    room.run({ type: 'minutes.submit' }, secretary);
    room.run({ type: 'minutes.finalize', hash: HASH, document: { big: true } }, chair);
    const view = minutesView(room.state, 7, room.now);
    expect(view.version).toBe(7);
    expect(view.minutes.finalized).toEqual([{ version: 1, hash: HASH, at: room.now, by: chair.id }]);
  });
});

describe('minutesDocument', () => {
  function meeting() {
    const room = openRoom({ stage: 'open' });
    const start = room.now;
    room.run({ type: 'agenda.open', itemId: room.state.agenda[1]!.id }, chair);
    room.request(member2);
    room.request(member1);
    room.advance(2000);
    const t1 = room.grant();
    room.advance(30_000);
    room.run({ type: 'floor.pause' }, chair);
    room.advance(10_000);
    room.run({ type: 'floor.resume' }, chair);
    room.advance(15_400);
    const t2 = room.grant(); // member1; ends t1 after 45.4 s spoken
    room.run({ type: 'participant.leave', personId: member3.id }, system);
    room.run({ type: 'queue.setClosed', closed: true }, chair);
    room.run({ type: 'minutes.setSummary', turnId: t1.id, text: '陈委员谈教育' }, secretary);
    room.run({ type: 'minutes.addConsensus', text: '共识一' }, secretary);
    room.run({ type: 'minutes.addAction', title: '调研', ownerUnit: '民政局' }, secretary);
    const [posted] = room.run({ type: 'comment.post', text: '好建议', stance: 'support' }, guest);
    if (posted?.type !== 'comment.posted') throw new Error('no comment');
    room.run({ type: 'minutes.promoteComment', commentId: posted.data.comment.id }, secretary);
    room.run({ type: 'minutes.setNotes', text: '备注' }, secretary);
    room.advance(20_000);
    return { room, start, t1, t2, commentId: posted.data.comment.id };
  }

  it('projects topic, session, attendance by sector, speeches, decisions and statistics', () => {
    const { room, t1, t2, commentId } = meeting();
    const doc = minutesDocument(room.state, room.now);
    expect(doc.schema).toBe(MINUTES_SCHEMA);
    expect(doc).toMatchObject({
      version: 1,
      status: 'draft',
      timeZone: 'Asia/Shanghai',
      topic: { id: room.state.topic!.id, proposalNumber: '2025-0123', organiser: '提案委员会' },
      session: { status: 'in_progress', closedAt: null, scheduledAt: null },
      chairs: [expect.objectContaining({ id: chair.id })],
      secretaries: [expect.objectContaining({ id: secretary.id })],
      consensus: ['共识一'],
      actions: [expect.objectContaining({ title: '调研', ownerUnit: '民政局', status: 'open' })],
      notes: '备注',
      promotedComments: [
        {
          id: commentId,
          author: expect.objectContaining({ id: guest.id }),
          text: '好建议',
          stance: 'support',
          createdAt: expect.any(String),
        },
      ],
    });
    expect(doc.session.openedAt).toBe(new Date(room.state.session.openedAt!).toISOString());

    // Attendance: everyone who joined, ordered by sector (no sector first), then name.
    const sectors = doc.attendance.map((a) => a.sector ?? '');
    expect(sectors).toEqual([...sectors].sort((a, b) => a.localeCompare(b, 'zh-CN')));
    expect(doc.attendance.map((a) => a.id).sort()).toEqual(
      [chair, secretary, member1, member2, member3, guest, observer].map((a) => a.id).sort(),
    );
    const m3 = doc.attendance.find((a) => a.id === member3.id)!;
    expect(m3.lastLeftAt).not.toBeNull();
    expect(doc.attendance.find((a) => a.id === member1.id)!.lastLeftAt).toBeNull();
    expect(doc.attendance.find((a) => a.id === member1.id)!.presentMinutes).toBe(
      Math.round((room.now - Date.parse(doc.attendance.find((a) => a.id === member1.id)!.firstJoinedAt)) / 60_000),
    );

    // Speeches: one per turn, with spoken seconds (pauses excluded) and the summary.
    expect(doc.speeches).toEqual([
      {
        turnId: t1.id,
        agendaItemId: room.state.agenda[1]!.id,
        speaker: expect.objectContaining({ id: member2.id, sector: '教育界' }),
        site: null,
        kind: 'contribution',
        requestedAt: new Date(t1.requestedAt).toISOString(),
        startedAt: new Date(t1.startedAt).toISOString(),
        endedAt: new Date(room.turn(t1.id).endedAt!).toISOString(),
        spokenSeconds: 45,
        endReason: 'superseded',
        summary: '陈委员谈教育',
      },
      expect.objectContaining({ turnId: t2.id, endedAt: null, spokenSeconds: 20, endReason: null, summary: '' }),
    ]);
    expect(doc.decisions.map((d) => [d.kind, d.by])).toEqual([
      ['session_opened', organiser.id], // not a participant: the id stays
      ['session_started', chair.name],
      ['agenda_opened', chair.name],
      ['list_closed', chair.name],
    ]);
    expect(doc.statistics).toEqual({ participants: 7, speeches: 2, speakingSeconds: 65, comments: 1 });
  });

  it('leaves a promoted comment out once it has been hidden', () => {
    const { room, commentId } = meeting();
    room.run({ type: 'comment.hide', commentId, reason: '涉密' }, chair);
    expect(minutesDocument(room.state, room.now).promotedComments).toEqual([]);
  });

  it('is a pure projection: the same state and time give the same canonical JSON', () => {
    const { room } = meeting();
    const a = canonicalJson(minutesDocument(room.state, room.now));
    const b = canonicalJson(minutesDocument(structuredClone(room.state), room.now));
    expect(a).toBe(b);
    expect(JSON.parse(a)).toEqual(JSON.parse(JSON.stringify(minutesDocument(room.state, room.now))));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ 中: '文', a: undefined, b: '议事' })).toBe('{"b":"议事","中":"文"}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
    expect(canonicalJson('x')).toBe('"x"');
    expect(canonicalJson({ at: new Date(0), n: 1.5, f: () => 1 })).toBe('{"at":"1970-01-01T00:00:00.000Z","n":1.5}');
  });

  it('sorts keys that look like numbers as strings too', () => {
    expect(canonicalJson({ b: 1, 10: 'ten', 2: 'two' })).toBe('{"10":"ten","2":"two","b":1}');
  });

  it('property: insensitive to key insertion order, keys sorted, same value as JSON.stringify', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
        const shuffled = shuffleKeys(value, seed);
        const text = canonicalJson(value);
        expect(canonicalJson(shuffled)).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        assertSortedKeys(text);
      }),
    );
  });
});

/** The same JSON value with every object's keys re-inserted in a pseudo-random order. */
function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v, i) => shuffleKeys(v, seed + i));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    entries.sort(([a], [b]) => hash(a, seed) - hash(b, seed));
    return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, seed * 31 + 7)]));
  }
  return value;
}

function hash(text: string, seed: number): number {
  let h = seed | 0;
  for (const ch of text) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 0x9e3779b1);
  return h;
}

/** Checks, on the text itself, that each object's keys appear in UTF-16 code-unit order. */
function assertSortedKeys(text: string): void {
  for (const keys of objectKeyOrders(text)) {
    expect(keys).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

/** The keys of each object in a JSON text, in the order the text has them. */
function objectKeyOrders(text: string): string[][] {
  const result: string[][] = [];
  const stack: Array<{ keys: string[] } | null> = [];
  let i = 0;
  let expectKey = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const str = JSON.parse(text.slice(i, j + 1)) as string;
      const top = stack.at(-1);
      if (expectKey && top) top.keys.push(str);
      expectKey = false;
      i = j + 1;
      continue;
    }
    if (ch === '{') {
      const frame = { keys: [] as string[] };
      result.push(frame.keys);
      stack.push(frame);
      expectKey = true;
    } else if (ch === '[') {
      stack.push(null);
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      expectKey = stack.at(-1) != null;
    }
    i++;
  }
  return result;
}
