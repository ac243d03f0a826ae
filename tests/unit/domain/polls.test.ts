import {
  type Actor,
  ANONYMOUS_MIN_GROUP,
  minutesDocument,
  POLLS_MAX,
  type PollView,
  pollsView,
  replay,
} from '@yishi/shared';
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
  secretary,
  site,
  system,
  unitRep,
} from '../../support/domain.js';

/**
 * Quick polls (举手表决 / 意见征询): the chair asks and closes; each member has one answer, which
 * they may change until the poll closes; a site enters its show of hands, bounded by the headcount
 * it reported. Results are live for everyone, by sector and by site; an anonymous poll never says
 * who answered what.
 */

/** Members of one sector or another, to fill sectors past the anonymous threshold. */
const extra = (n: number, sector: string): Actor[] =>
  Array.from({ length: n }, (_, i) => ({ id: `u-${sector}-${i}`, name: `${sector}委员${i}`, role: 'member', sector }));

function pollRoom(people: Actor[] = []) {
  const room = openRoom({
    stage: 'agenda',
    join: [chair, secretary, member1, member2, member3, guest, unitRep, observer, ...people],
  });
  room.run(
    { type: 'participant.join', person: { id: site.id, name: '水口村', role: 'site' }, resumeWithinMs: 0 },
    system,
  );
  return room;
}

function open(room: ReturnType<typeof pollRoom>, anonymous = false, options?: string[]): string {
  const [event] = room.run({ type: 'poll.open', question: '是否同意在水口村试点？', anonymous, options }, chair);
  if (event?.type !== 'poll.opened') throw new Error('no poll opened');
  return event.data.poll.id;
}

const view = (room: ReturnType<typeof pollRoom>, id: string): PollView => {
  const poll = pollsView(room.state, 0).polls.find((p) => p.id === id);
  if (!poll) throw new Error(`no poll ${id}`);
  return poll;
};

describe('quick polls', () => {
  it('the chair asks with 同意 / 不同意 / 弃权 by default; members answer; sites count; results by sector and site', () => {
    const room = pollRoom();
    const id = open(room);
    room.run({ type: 'poll.answer', pollId: id, option: 0 }, member1);
    room.run({ type: 'poll.answer', pollId: id, option: 1 }, member2);
    room.run({ type: 'site.reportHeadcount', count: 30 }, site);
    room.run({ type: 'poll.enterSiteCounts', pollId: id, counts: [20, 5, 5] }, site);
    expect(view(room, id)).toMatchObject({
      question: '是否同意在水口村试点？',
      options: ['同意', '不同意', '弃权'],
      open: true,
      openedBy: chair.name,
      counts: [21, 6, 5],
      members: [1, 1, 0],
      answered: 2,
      bySector: [
        { sector: '教育界', counts: [0, 1, 0] },
        { sector: '经济界', counts: [1, 0, 0] },
      ],
      sites: [{ id: site.id, name: '水口村', counts: [20, 5, 5] }],
      answers: [
        { name: member1.name, sector: '经济界', option: 0 },
        { name: member2.name, sector: '教育界', option: 1 },
      ],
    });
    room.run({ type: 'poll.close', pollId: id }, chair);
    expect(view(room, id).open).toBe(false);
  });

  it('holds at most POLLS_MAX polls a session: every poll goes out again with each answer', () => {
    const room = pollRoom();
    for (let i = 0; i < POLLS_MAX; i++) room.run({ type: 'poll.close', pollId: open(room) }, chair);
    room.refuse({ type: 'poll.open', question: '再问一次？', anonymous: false }, chair, 'CONFLICT');
    expect(room.state.polls).toHaveLength(POLLS_MAX);
  });

  it('one answer each: the same again changes nothing, another replaces it until the poll closes', () => {
    const room = pollRoom();
    const id = open(room);
    room.run({ type: 'poll.answer', pollId: id, option: 0 }, member1);
    expect(room.run({ type: 'poll.answer', pollId: id, option: 0 }, member1)).toEqual([]);
    room.run({ type: 'poll.answer', pollId: id, option: 2 }, member1);
    expect(view(room, id)).toMatchObject({ members: [0, 0, 1], answered: 1 });
    room.run({ type: 'poll.close', pollId: id }, chair);
    room.refuse({ type: 'poll.answer', pollId: id, option: 1 }, member1, 'CONFLICT');
    room.refuse({ type: 'poll.close', pollId: id }, chair, 'CONFLICT');
  });

  it('takes custom options, one poll at a time, and refuses bad ones', () => {
    const room = pollRoom();
    room.refuse({ type: 'poll.open', question: '  ', anonymous: false }, chair, 'INVALID_REQUEST');
    room.refuse(
      { type: 'poll.open', question: '哪条路先修？', options: ['村东', '村东'], anonymous: false },
      chair,
      'INVALID_REQUEST',
    );
    room.refuse(
      { type: 'poll.open', question: '哪条路先修？', options: ['村东', ' '], anonymous: false },
      chair,
      'INVALID_REQUEST',
    );
    const id = open(room, false, ['村东', '村西']);
    expect(view(room, id).options).toEqual(['村东', '村西']);
    room.refuse({ type: 'poll.open', question: '第二个问题', anonymous: false }, chair, 'CONFLICT');
    room.refuse({ type: 'poll.answer', pollId: id, option: 2 }, member1, 'INVALID_REQUEST');
    room.refuse({ type: 'poll.answer', pollId: 'no-such-poll', option: 0 }, member1, 'NOT_FOUND');
  });

  it('a retried open (same id) opens one poll', () => {
    const room = pollRoom();
    const command = {
      type: 'poll.open',
      id: 'c0ffee00-0000-4000-8000-000000000001',
      question: '是否同意？',
      anonymous: true,
    } as const;
    room.run(command, chair);
    expect(room.run(command, chair)).toEqual([]);
    expect(room.state.polls).toHaveLength(1);
  });

  it('only members answer; only the chair opens and closes; only a site enters counts', () => {
    const room = pollRoom();
    room.refuse({ type: 'poll.open', question: '?', anonymous: false }, member1, 'NOT_ALLOWED');
    room.refuse({ type: 'poll.open', question: '?', anonymous: false }, secretary, 'NOT_ALLOWED');
    const id = open(room);
    for (const who of [chair, secretary, guest, unitRep, observer, site]) {
      room.refuse({ type: 'poll.answer', pollId: id, option: 0 }, who, 'NOT_ALLOWED');
    }
    room.refuse({ type: 'poll.enterSiteCounts', pollId: id, counts: [1, 0, 0] }, member1, 'NOT_ALLOWED');
    room.refuse({ type: 'poll.close', pollId: id }, member1, 'NOT_ALLOWED');
  });

  it("a site's counts are bounded by its reported headcount, one per option, and may be re-entered", () => {
    const room = pollRoom();
    const id = open(room);
    room.refuse({ type: 'poll.enterSiteCounts', pollId: id, counts: [1, 0, 0] }, site, 'CONFLICT'); // no headcount yet
    room.run({ type: 'site.reportHeadcount', count: 30 }, site);
    const above = room.refuse(
      { type: 'poll.enterSiteCounts', pollId: id, counts: [20, 6, 5] },
      site,
      'INVALID_REQUEST',
    );
    expect(above.message).toBe('the counts add up to 31, more than the 30 present');
    room.refuse({ type: 'poll.enterSiteCounts', pollId: id, counts: [20, 5] }, site, 'INVALID_REQUEST');
    room.refuse({ type: 'poll.enterSiteCounts', pollId: id, counts: [20, -1, 5] }, site, 'INVALID_REQUEST');
    room.run({ type: 'poll.enterSiteCounts', pollId: id, counts: [20, 5, 5] }, site);
    room.run({ type: 'poll.enterSiteCounts', pollId: id, counts: [18, 7, 5] }, site);
    expect(view(room, id).sites).toEqual([{ id: site.id, name: '水口村', counts: [18, 7, 5] }]);
    room.run({ type: 'poll.close', pollId: id }, chair);
    room.refuse({ type: 'poll.enterSiteCounts', pollId: id, counts: [30, 0, 0] }, site, 'CONFLICT');
  });

  it('closing the session closes the open poll with it', () => {
    const room = pollRoom();
    const id = open(room);
    room.run({ type: 'session.close' }, chair);
    expect(view(room, id).open).toBe(false);
  });

  it('the minutes record question, options, counts, the sites’ counts, the time and who asked', () => {
    const room = pollRoom();
    const id = open(room);
    room.run({ type: 'poll.answer', pollId: id, option: 0 }, member1);
    room.run({ type: 'site.reportHeadcount', count: 30 }, site);
    room.run({ type: 'poll.enterSiteCounts', pollId: id, counts: [20, 5, 5] }, site);
    const openedAt = new Date(room.now).toISOString();
    room.advance(60_000);
    room.run({ type: 'poll.close', pollId: id }, chair);
    expect(minutesDocument(room.state, room.now).polls).toEqual([
      {
        id,
        question: '是否同意在水口村试点？',
        options: ['同意', '不同意', '弃权'],
        anonymous: false,
        askedBy: chair.name,
        openedAt,
        closedAt: new Date(room.now).toISOString(),
        agendaItemId: room.state.agenda[1]?.id,
        counts: [21, 5, 5],
        members: [1, 0, 0],
        answered: 1,
        bySector: [{ sector: '经济界', counts: [1, 0, 0] }],
        sites: [{ name: '水口村', counts: [20, 5, 5] }],
        answers: [{ name: member1.name, sector: '经济界', option: 0 }],
      },
    ]);
  });
});

describe('anonymous polls', () => {
  it('say nobody’s answer: no list of answers, and no sector line small enough to be someone’s', () => {
    const room = pollRoom([...extra(3, '文艺界'), ...extra(3, '科技界')]);
    const id = open(room, true);
    for (const m of extra(3, '文艺界')) room.run({ type: 'poll.answer', pollId: id, option: 0 }, m);
    for (const m of extra(3, '科技界')) room.run({ type: 'poll.answer', pollId: id, option: 1 }, m);
    room.run({ type: 'poll.answer', pollId: id, option: 2 }, member1); // alone in 经济界
    const live = view(room, id);
    expect(live.answers).toBeUndefined();
    expect(live.members).toEqual([3, 3, 1]);
    // While it is open, no sector lines: two live results in a row would tell the last answer's sector.
    expect(live.bySector).toEqual([]);
    room.run({ type: 'poll.close', pollId: id }, chair);
    const poll = view(room, id);
    expect(poll.members).toEqual([3, 3, 1]);
    // 经济界's one answer would be member1's: pooled; and the pool of one would be too, so 科技界 joins it.
    expect(poll.bySector).toEqual([
      { sector: '文艺界', counts: [3, 0, 0] },
      { sector: null, counts: [0, 3, 1] },
    ]);
    const doc = minutesDocument(room.state, room.now);
    expect(doc.polls[0]?.answers).toBeNull();
    expect(JSON.stringify(doc.polls)).not.toContain(member1.name);
  });

  it('show no sector line at all when every group is too small', () => {
    const room = pollRoom();
    const id = open(room, true);
    room.run({ type: 'poll.answer', pollId: id, option: 0 }, member1);
    room.run({ type: 'poll.answer', pollId: id, option: 1 }, member2);
    expect(view(room, id).bySector).toEqual([]);
  });

  const members = [...extra(4, '文艺界'), ...extra(2, '科技界'), ...extra(5, '农业界'), member1, member2, member3];
  it('property: counts are each member’s last answer; an anonymous poll’s lines are never smaller than the threshold', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(fc.integer({ min: 0, max: members.length - 1 }), fc.integer({ min: 0, max: 3 })), {
          maxLength: 40,
        }),
        (anonymous, answers) => {
          const room = pollRoom(members.filter((m) => ![member1, member2, member3].includes(m)));
          const id = open(room, anonymous);
          const last = new Map<string, number>();
          for (const [who, option] of answers) {
            const member = members[who] as Actor;
            room.advance(7_000); // within the answer quota
            const result = room.attempt({ type: 'poll.answer', pollId: id, option }, member);
            if (option > 2) expect(result.ok).toBe(false);
            else {
              expect(result.ok).toBe(true);
              last.set(member.id, option);
            }
          }
          const poll = view(room, id);
          const expected = [0, 1, 2].map((o) => [...last.values()].filter((v) => v === o).length);
          expect(poll.members).toEqual(expected);
          expect(poll.counts).toEqual(expected);
          expect(poll.answered).toBe(last.size);
          const lineSum = poll.bySector.reduce((s, l) => s + l.counts.reduce((a, b) => a + b, 0), 0);
          if (poll.bySector.length) expect(lineSum).toBe(last.size);
          if (anonymous) {
            expect(poll.answers).toBeUndefined();
            for (const line of poll.bySector) {
              expect(line.counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(ANONYMOUS_MIN_GROUP);
            }
          } else {
            expect(poll.answers).toHaveLength(last.size);
          }
          // The log replays to the same results.
          expect(pollsView(replay(room.state.session.id, room.log), 0)).toEqual(pollsView(room.state, 0));
        },
      ),
      { numRuns: 60 },
    );
  });
});
