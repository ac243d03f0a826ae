import { describe, expect, it } from 'vitest';
import { AppError, zeroCounts } from '@yishi/shared';
import { AppendFeed } from '../../../signaling/src/records/appends.js';
import { LedgerService } from '../../../signaling/src/ledger/LedgerService.js';
import { BOARDS_KEPT, LocalRecords } from '../../../signaling/src/records/LocalRecords.js';
import { PeopleDirectory } from '../../../signaling/src/records/PeopleDirectory.js';
import { MemoryRoomStore } from '../../../signaling/src/store/MemoryRoomStore.js';
import { chair, guest, member1, member2, member3, observer, secretary, system, unitRep } from '../../support/domain.js';
import { testLogger } from '../../support/media.js';
import { HandBus, recordsNode } from '../../support/records.js';

/**
 * The participation records' projection (signaling/src/records/LocalRecords.ts, docs/domain.md
 * "Participation records"): kept from the sessions' logs as appends are heard, each event applied
 * once by its stream version, whatever delivered it and however often.
 */

const OFFICE = { id: 'organiser', name: 'organiser', role: 'organiser' } as const;
const MONTH = '2025-03';

describe('records projection', () => {
  it('gives a directory person with no activity a record of zeros, not an error', async () => {
    const node = recordsNode();
    await node.records.start();
    await node.directory.execute(
      { type: 'person.add', id: 'p-quiet', fields: { name: '钱委员', sector: '文艺界' } },
      OFFICE,
    );
    const record = await node.records.record('p-quiet', MONTH);
    const { person, period, from, to, score, rank, ranked, sessions, highlights, ...counts } = record;
    expect(counts).toEqual(zeroCounts());
    expect({ period, from, to, score, rank, ranked, sessions }).toEqual({
      period: MONTH,
      from: MONTH,
      to: MONTH,
      score: 0,
      rank: 1,
      ranked: 1,
      sessions: [],
    });
    expect(highlights).toEqual({ firstSpeech: null, topTopic: null, solvedItems: [] });
    expect(person.name).toBe('钱委员');
    await expect(node.records.record('nobody', MONTH)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('enters chairs, secretaries and members in the directory when they join; never guests, units or observers', async () => {
    const node = recordsNode();
    await node.records.start();
    await node.openSession('s1', [chair, secretary, member1, guest, unitRep, observer]);
    await expect.poll(() => node.directory.all.size).toBe(3);
    expect([...node.directory.all.keys()].sort()).toEqual([chair.id, member1.id, secretary.id].sort());
    expect(node.directory.get(member1.id)).toMatchObject({
      name: '张委员',
      sector: '经济界',
      origin: 'token',
      status: 'active',
    });
    const board = await node.records.leaderboard(MONTH);
    expect(board.entries.map((e) => e.personId)).not.toContain(guest.id);
  });

  it('counts speeches by kind with their seconds (pauses excluded), attendance and invitations', async () => {
    const node = recordsNode();
    await node.records.start();
    await node.run('s1', { type: 'topic.create', id: 's1', fields: topicFields(), agenda: [] }, chair);
    await node.run(
      's1',
      { type: 'invitation.issue', invitee: person(member1), expiresAt: node.clock.now + 3_600_000 },
      chair,
    );
    await node.run(
      's1',
      { type: 'invitation.issue', invitee: person(member3), expiresAt: node.clock.now + 3_600_000 },
      chair,
    );
    await node.run('s1', { type: 'session.open' }, chair);
    for (const p of [chair, member1, member2]) await node.run('s1', join(p), system);
    await node.speak('s1', member1, 90);
    // A contribution paused by the chair for 30 s: 40 s spoken.
    const [entry] = await node.run('s1', { type: 'queue.request', kind: 'contribution' }, member2);
    await node.run(
      's1',
      { type: 'floor.grant', entryId: entry?.type === 'queue.entryAdded' ? entry.data.entry.id : '' },
      chair,
    );
    node.clock.advance(20_000);
    await node.run('s1', { type: 'floor.pause' }, chair);
    node.clock.advance(30_000);
    await node.run('s1', { type: 'floor.resume' }, chair);
    node.clock.advance(20_000);
    await node.run('s1', { type: 'floor.end' }, chair);
    await node.speak('s1', member1, 30);
    node.clock.advance(60_000);
    await node.run('s1', { type: 'participant.leave', personId: member1.id }, system);

    const m1 = await node.records.record(member1.id, MONTH);
    expect(m1).toMatchObject({ invited: 1, attended: 1, speeches: 2, speakingSeconds: 120 });
    expect(m1.speechesByKind.contribution).toEqual({ count: 2, seconds: 120 });
    // Present from the start until 60 s after their last turn: 250 s.
    expect(m1.presentMinutes).toBe(4);
    const m2 = await node.records.record(member2.id, MONTH);
    expect(m2).toMatchObject({ invited: 0, attended: 1, speeches: 1, speakingSeconds: 40 });
    // Invited, never came: in the directory only once a token admits them, so added by hand here.
    await node.directory.execute({ type: 'person.add', id: member3.id, fields: { name: member3.name } }, OFFICE);
    expect(await node.records.record(member3.id, MONTH)).toMatchObject({ invited: 1, attended: 0, speeches: 0 });
    expect(m1.sessions).toEqual([
      expect.objectContaining({ sessionId: 's1', invited: true, attended: true, speeches: 2, speakingSeconds: 120 }),
    ]);
    expect(m1.highlights.firstSpeech?.sessionId).toBe('s1');
    expect(m1.highlights.topTopic).toMatchObject({ sessionId: 's1', speeches: 2, speakingSeconds: 120 });
  });

  it('counts a speech once across a reconnect, duplicate and late deliveries, a replay and another node', async () => {
    const store = new MemoryRoomStore();
    const bus = new HandBus();
    const node = recordsNode(store, { bus });
    await node.records.start();
    await node.openSession('s1', [chair, member1]);
    const [entry] = await node.run('s1', { type: 'queue.request', kind: 'contribution' }, member1);
    await node.run(
      's1',
      { type: 'floor.grant', entryId: entry?.type === 'queue.entryAdded' ? entry.data.entry.id : '' },
      chair,
    );
    node.clock.advance(10_000);
    // The speaker's connection drops and comes back within the grace: the same turn goes on.
    await node.run('s1', { type: 'participant.leave', personId: member1.id }, system);
    node.clock.advance(5_000);
    await node.run('s1', join(member1), system);
    node.clock.advance(15_000);
    await node.run('s1', { type: 'floor.end' }, chair);

    // Every append told again by the bus, some twice, late and out of order (as after a Redis reconnect).
    const version = await store.version('s1');
    for (const v of [version, 3, version, 1, version - 1]) bus.announce('s1', v);
    await settle();
    const once = await node.records.record(member1.id, MONTH);
    expect(once).toMatchObject({ speeches: 1, speakingSeconds: 30, attended: 1 });

    // A second node (failover) and a restart (replay from the store) agree.
    const other = recordsNode(store, { bus, clock: node.clock });
    await other.records.start();
    const restarted = new LocalRecords(
      new AppendFeed(store),
      new PeopleDirectory(new AppendFeed(store)),
      new LedgerService(store, testLogger()),
      testLogger(),
      {
        now: () => node.clock.now,
      },
    );
    await restarted.start();
    await restarted.start();
    for (const records of [other.records, restarted]) {
      expect(await records.record(member1.id, MONTH)).toEqual(once);
    }
  });

  it('counts no hidden comment: not for its author, nor as a reply or reaction received', async () => {
    const node = recordsNode();
    await node.records.start();
    await node.openSession('s1', [chair, secretary, member1, member2, member3]);
    const kept = await node.comment('s1', member1, '支持');
    const hidden = await node.comment('s1', member1, '不当言论');
    await node.comment('s1', member2, '同意', kept);
    await node.comment('s1', member3, '回复被隐藏的', hidden);
    await node.run('s1', { type: 'comment.react', commentId: kept, reaction: 'agree', on: true }, member2);
    await node.run('s1', { type: 'comment.react', commentId: kept, reaction: 'agree', on: true }, member1);
    await node.run('s1', { type: 'comment.react', commentId: hidden, reaction: 'applause', on: true }, member3);
    const spam = await node.comment('s1', member2, '广告');
    await node.run('s1', { type: 'minutes.promoteComment', commentId: kept }, secretary);
    expect(await node.records.record(member1.id, MONTH)).toMatchObject({ comments: 2, reactionsReceived: 2 });
    await node.run('s1', { type: 'comment.hide', commentId: hidden, reason: '违规' }, chair);
    await node.run('s1', { type: 'comment.hide', commentId: spam, reason: '广告' }, secretary);

    const m1 = await node.records.record(member1.id, MONTH);
    // Their own reaction is not one received; the hidden comment's reply and applause are gone with it.
    expect(m1).toMatchObject({ comments: 1, repliesReceived: 1, reactionsReceived: 1, promoted: 1 });
    expect(await node.records.record(member2.id, MONTH)).toMatchObject({ comments: 1 });
    expect(await node.records.record(member3.id, MONTH)).toMatchObject({ comments: 1, repliesReceived: 0 });
  });

  it('keeps only the tally of a closed session, and reads it again when its minutes change after the close', async () => {
    const node = recordsNode();
    await node.records.start();
    await node.openSession('s1', [chair, secretary, member1]);
    const commentId = await node.comment('s1', member1, '建议');
    await node.run('s1', { type: 'session.close' }, chair);
    expect(await node.records.record(member1.id, MONTH)).toMatchObject({ comments: 1, promoted: 0 });
    await node.run('s1', { type: 'minutes.promoteComment', commentId }, secretary);
    await expect.poll(async () => (await node.records.record(member1.id, MONTH)).promoted).toBe(1);
    expect(await node.records.record(member1.id, MONTH)).toMatchObject({ comments: 1, attended: 1 });
  });

  it('ranks by the heat score (ties share a rank), by sector, with a limit and the viewer’s own place', async () => {
    const node = recordsNode();
    await node.records.start();
    await node.openSession('s1', [chair, member1, member2, member3]);
    await node.speak('s1', member1, 60);
    await node.comment('s1', member2);
    await node.comment('s1', member3);
    const board = await node.records.leaderboard(MONTH);
    // 10 × attended + 5 × speeches + 1 × minutes + 2 × comments.
    expect(board.entries.map((e) => [e.personId, e.score, e.rank])).toEqual([
      [member1.id, 16, 1],
      [member2.id, 12, 2],
      [member3.id, 12, 2],
      [chair.id, 10, 4],
    ]);
    expect(board.formula.expression).toMatch(/^score = 10 × sessions attended \+ 5 × speeches/);
    expect(board.entries[0]).toEqual({
      personId: member1.id,
      name: '张委员',
      sector: '经济界',
      score: 16,
      rank: 1,
      attended: 1,
      speeches: 1,
      speakingSeconds: 60,
      comments: 0,
    });
    const education = await node.records.leaderboard(MONTH, { sector: '教育界' });
    expect(education.entries.map((e) => [e.personId, e.rank])).toEqual([[member2.id, 1]]);
    const top = await node.records.leaderboard('2025', { limit: 1, viewer: member3.id });
    expect(top.entries).toHaveLength(1);
    expect(top.me).toMatchObject({ personId: member3.id, rank: 2 });
    expect(top.ranked).toBe(4);
    expect((await node.records.leaderboard('2025-04')).entries.every((e) => e.score === 0)).toBe(true);
    expect((await node.records.record(member1.id, 'term')).period).toBe('term:第十四届');
    for (const bad of ['2025-13', '25', 'term:', 'week', '2025-3']) {
      await expect(node.records.leaderboard(bad)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    }
  });

  it('merges two entries into one: the survivor carries both records, the merged one leaves the board', async () => {
    const node = recordsNode();
    await node.records.start();
    await node.openSession('s1', [chair, member1]);
    await node.speak('s1', member1, 60);
    const twin = { ...member1, id: 'u-m1-phone' };
    await node.openSession('s2', [chair, twin]);
    await node.speak('s2', twin, 120);
    await expect.poll(() => node.directory.get(twin.id)).toBeDefined();
    await node.directory.execute({ type: 'person.merge', from: twin.id, into: member1.id }, OFFICE);
    const record = await node.records.record(member1.id, MONTH);
    expect(record).toMatchObject({ attended: 2, speeches: 2, speakingSeconds: 180 });
    expect(record.sessions.map((s) => s.sessionId)).toEqual(['s1', 's2']);
    expect((await node.records.record(twin.id, MONTH)).person.id).toBe(member1.id);
    const board = await node.records.leaderboard(MONTH);
    expect(board.entries.map((e) => e.personId)).not.toContain(twin.id);
    await expect(
      node.directory.execute({ type: 'person.merge', from: twin.id, into: member1.id }, OFFICE),
    ).rejects.toBeInstanceOf(AppError);
  });

  it('counts the ledger items a member raised, those solved and their ratings, as the ledger holds them', async () => {
    const node = recordsNode();
    await node.records.start();
    await node.openSession('s1', [chair, member1]);
    await expect.poll(() => node.directory.get(member1.id)).toBeDefined();
    const raiser = { id: member1.id, name: member1.name, role: 'member' as const };
    const unit = { id: 'u-jyj', name: '刘科长', role: 'unit' as const, unit: '县教育局' };
    const register = (title: string) =>
      node.ledger.register(
        {
          type: 'ledger.register',
          title,
          description: '',
          category: '教育',
          source: { kind: 'submission' },
          topicId: 's1',
          raisedBy: [person(member1)],
        },
        raiser,
      );
    const solved = await register('校车班次太少');
    await register('操场夜间照明');
    expect(await node.records.record(member1.id, MONTH)).toMatchObject({ itemsRaised: 2, itemsSolved: 0 });

    await node.ledger.execute(solved.id, { type: 'ledger.assign', leadUnit: '县教育局', coUnits: [] }, OFFICE);
    await node.ledger.execute(solved.id, { type: 'ledger.answer', text: '已增开班次。' }, unit);
    await node.ledger.execute(solved.id, { type: 'ledger.evaluate', rating: 'satisfied', comment: '' }, raiser);
    const record = await node.records.record(member1.id, MONTH);
    expect(record).toMatchObject({ itemsRaised: 2, itemsSolved: 1 });
    expect(record.ratings.satisfied).toBe(1);
    expect(record.highlights.solvedItems).toEqual([{ id: solved.id, title: '校车班次太少' }]);

    // A node started later takes the same figures from the ledger it reads.
    const other = recordsNode(node.store, { clock: node.clock });
    await other.records.start();
    expect(await other.records.record(member1.id, MONTH)).toEqual(record);
  });

  it('counts a session once for a person whose two merged entries both took part in it', async () => {
    const node = recordsNode();
    await node.records.start();
    const twin = { ...member1, id: 'u-m1-phone' };
    // The same member on a laptop and a phone, in one session: each speaks once.
    await node.openSession('s1', [chair, member1, twin]);
    await node.speak('s1', member1, 60);
    await node.speak('s1', twin, 30);
    await expect.poll(() => node.directory.get(twin.id)).toBeDefined();
    const before = await node.records.record(member1.id, MONTH);
    await node.directory.execute({ type: 'person.merge', from: twin.id, into: member1.id }, OFFICE);
    const record = await node.records.record(member1.id, MONTH);
    expect(record).toMatchObject({ attended: 1, speeches: 2, speakingSeconds: 90 });
    expect(record.presentMinutes).toBe(before.presentMinutes);
    expect(record.sessions).toMatchObject([{ sessionId: 's1', attended: true, speeches: 2 }]);
    const board = await node.records.leaderboard(MONTH);
    expect(board.entries.find((e) => e.personId === member1.id)).toMatchObject({ attended: 1, speeches: 2 });
    expect((await node.records.rows(MONTH)).rows.find((r) => r.person.id === member1.id)?.counts.attended).toBe(1);
  });

  it('keeps a bounded number of leaderboards, whatever periods and sectors are asked for', async () => {
    const node = recordsNode();
    await node.records.start();
    await node.openSession('s1', [chair, member1]);
    await node.speak('s1', member1, 60);
    const first = await node.records.leaderboard(MONTH);
    for (let year = 1990; year < 1990 + 3 * BOARDS_KEPT; year++) {
      await node.records.leaderboard(String(year), { sector: `界别${year}` });
    }
    expect(node.records.cachedBoards).toBe(BOARDS_KEPT);
    // A board pushed out is made again, the same.
    expect(await node.records.leaderboard(MONTH)).toEqual(first);
  });
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const person = ({ id, name, role, sector }: typeof member1) => ({
  id,
  name,
  role: role as 'member',
  ...(sector ? { sector } : {}),
});
const join = (actor: typeof member1) => ({
  type: 'participant.join' as const,
  person: person(actor),
  resumeWithinMs: 30_000,
});
const topicFields = () => ({
  title: '乡村养老',
  background: '',
  materials: [],
  sectors: [],
  organiser: '提案委员会',
});
