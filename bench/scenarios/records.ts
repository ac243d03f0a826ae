import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { type Actor, monthOf, type Person, type Role } from '@yishi/shared';
import { cardData } from '../../signaling/src/records/card/fromRecord.js';
import { renderCardPdf, renderCardPng } from '../../signaling/src/records/card/render.js';
import { AppendFeed } from '../../signaling/src/records/appends.js';
import { LedgerService } from '../../signaling/src/ledger/LedgerService.js';
import { LocalRecords } from '../../signaling/src/records/LocalRecords.js';
import { PeopleDirectory } from '../../signaling/src/records/PeopleDirectory.js';
import { SessionService } from '../../signaling/src/sessions/SessionService.js';
import { SqliteRoomStore } from '../../signaling/src/store/SqliteRoomStore.js';
import { spread } from '../stats.js';

export interface RecordsBenchOptions {
  members: number;
  sessions: number;
  /** Reads timed per kind. */
  runs: number;
}

const SECTORS = ['经济界', '教育界', '农业界', '科技界', '医药卫生界', '文化艺术界', '社会福利界', '工商联'];
const ORGANISER: Actor = { id: 'organiser', name: '委员会办公室', role: 'organiser' };
const SYSTEM: Actor = { id: 'system', name: 'system', role: 'system' };
/** 2024-01-08 09:00 in Beijing; sessions follow every ~2 days, so 500 of them span about three years. */
const FIRST = Date.UTC(2024, 0, 8, 1, 0, 0);
const SPACING_MS = 2.1 * 24 * 3600_000;

/**
 * records: a directory of `members` (a roster import) and `sessions` consultations in a SQLite
 * store, each with 40 invitations, 30 members present, a chair, 8 speeches, 40 comments (some
 * replies, reactions, one hidden) — written through SessionService as a node would. Then a fresh
 * node reads them all (the start-up catch-up, timed), and the leaderboard and a record are timed
 * per period as `GET /api/leaderboard` and `GET /api/people/:id/record` compute them (no HTTP);
 * then the cost of the first board after a new event (the changed session's tally swapped in);
 * then the member's card as PNG and PDF.
 */
export async function recordsBench(o: RecordsBenchOptions) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-records-'));
  const store = SqliteRoomStore.open(path.join(dir, 'yishi.db'));
  const log = pino({ level: 'silent' });
  let seed = 17;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  try {
    const people = Array.from({ length: o.members }, (_, i) => ({
      id: `m-${i}`,
      name: `委员${i}`,
      sector: SECTORS[i % SECTORS.length] as string,
    }));
    const fillStarted = performance.now();
    const writerFeed = new AppendFeed(store);
    await new PeopleDirectory(writerFeed).execute(
      { type: 'person.import', rows: people.map((p) => ({ ...p, term: '第十四届' })) },
      { id: 'organiser', name: '委员会办公室', role: 'organiser' },
    );
    let now = FIRST;
    const sessions = new SessionService(store, log, { now: () => now });
    let events = 0;
    const run = async (id: string, command: Parameters<SessionService['execute']>[1], actor: Actor) => {
      const change = await sessions.execute(id, command, actor);
      events += change.events.length;
      return change.events;
    };
    const as = (p: (typeof people)[number], role: Role): Actor & Person => ({ ...p, role });
    for (let s = 0; s < o.sessions; s++) {
      const id = `s-${s}`;
      now = FIRST + s * SPACING_MS;
      const invited = Array.from({ length: 40 }, () => people[random(people.length)] as (typeof people)[number]);
      const present = [...new Set(invited.slice(0, 30))].map((p) => as(p, 'member'));
      const chair = as(people[random(people.length)] as (typeof people)[number], 'chair');
      const fields = { title: `协商议题 ${s}`, background: '', materials: [], sectors: [], organiser: '县政协' };
      await run(id, { type: 'topic.create', id, fields, agenda: [{ title: '发言' }] }, ORGANISER);
      for (const p of invited)
        await run(id, { type: 'invitation.issue', invitee: as(p, 'member'), expiresAt: now + 86_400_000 }, ORGANISER);
      await run(id, { type: 'session.open' }, ORGANISER);
      for (const p of [chair, ...present]) {
        await run(id, { type: 'participant.join', person: p, resumeWithinMs: 30_000 }, SYSTEM);
        now += 1_000;
      }
      // Six contributions; every other one answered by an interposed question (a reply): 9 turns.
      const grant = async (speaker: Actor, kind: 'contribution' | 'reply') => {
        const [added] = await run(id, { type: 'queue.request', kind }, speaker);
        if (added?.type === 'queue.entryAdded')
          await run(id, { type: 'floor.grant', entryId: added.data.entry.id }, chair);
        now += (30 + random(150)) * 1_000;
      };
      for (let t = 0; t < 6; t++) {
        const k = random(present.length);
        await grant(present[k] as Actor, 'contribution');
        if (t % 2 === 1 && present.length > 1) {
          await grant(present[(k + 1) % present.length] as Actor, 'reply');
          await run(id, { type: 'floor.end' }, chair);
        }
        await run(id, { type: 'floor.end' }, chair);
      }
      const comments: string[] = [];
      for (let c = 0; c < 40; c++) {
        const author = present[random(present.length)] as Actor;
        const replyTo = c % 8 === 7 ? comments[random(comments.length)] : undefined;
        const [posted] = await run(
          id,
          { type: 'comment.post', text: `意见 ${c}`, ...(replyTo ? { replyTo } : {}) },
          author,
        );
        if (posted?.type === 'comment.posted') comments.push(posted.data.comment.id);
        now += 15_000;
        if (c % 2 === 0 && comments.length > 1) {
          const reactor = present[random(present.length)] as Actor;
          const commentId = comments[random(comments.length)] as string;
          await run(id, { type: 'comment.react', commentId, reaction: 'agree', on: true }, reactor).catch(() => []);
        }
      }
      await run(id, { type: 'comment.hide', commentId: comments[0] as string, reason: '重复' }, chair);
      await run(id, { type: 'session.close' }, chair);
      for (const p of present) await run(id, { type: 'participant.leave', personId: p.id }, SYSTEM);
      // Keep the writer's memory flat: its sessions are not needed once written.
      sessions.evictIdle();
    }
    sessions.close();
    const fillMs = performance.now() - fillStarted;

    // A node starting on that store: the catch-up over every stored session.
    const feed = new AppendFeed(store);
    const ledger = new LedgerService(feed.store, log);
    const records = new LocalRecords(feed, new PeopleDirectory(feed), ledger, log, { now: () => now });
    const caughtUp = await records.start();
    const heapMiB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);

    const lastMonth = monthOf(now, 'Asia/Shanghai');
    const reads: Record<string, () => Promise<unknown>> = {
      [`board, a month (${lastMonth})`]: () => records.leaderboard(lastMonth),
      'board, a year (2025)': () => records.leaderboard('2025'),
      'board, the term': () => records.leaderboard('term'),
      'board, the term, one sector': () => records.leaderboard('term', { sector: SECTORS[2] }),
      'board, the term, top 10 and me': () => records.leaderboard('term', { limit: 10, viewer: 'm-7' }),
      'a record, the term': () => records.record('m-7', 'term'),
      'a record, a year': () => records.record('m-7', '2025'),
    };
    const rows: Array<{ read: string; entries: number; kib: number; p50: number; p95: number; max: number }> = [];
    for (const [name, read] of Object.entries(reads)) {
      const times: number[] = [];
      let body = '';
      for (let r = 0; r < o.runs; r++) {
        const started = performance.now();
        body = JSON.stringify(await read());
        times.push((performance.now() - started) * 1000);
      }
      const { p50, p95, max } = spread(times);
      const entries = (JSON.parse(body) as { entries?: unknown[] }).entries?.length ?? 1;
      rows.push({
        read: name,
        entries,
        kib: Math.round(body.length / 1024),
        p50: p50 / 1000,
        p95: p95 / 1000,
        max: max / 1000,
      });
    }

    // A session goes on: each new comment is heard, and the next board swaps that session's tally in.
    const live = new SessionService(feed.store, log, { now: () => now });
    const afterEvent: number[] = [];
    const writer = { id: 'm-7', name: '委员7', role: 'member' as const, sector: SECTORS[7] };
    await live.execute(
      's-live',
      {
        type: 'topic.create',
        id: 's-live',
        fields: { title: '进行中的协商', background: '', materials: [], sectors: [], organiser: '县政协' },
        agenda: [],
      },
      ORGANISER,
    );
    await live.execute('s-live', { type: 'session.open' }, ORGANISER);
    await live.execute('s-live', { type: 'participant.join', person: writer, resumeWithinMs: 30_000 }, SYSTEM);
    for (let r = 0; r < o.runs; r++) {
      now += 15_000;
      await live.execute('s-live', { type: 'comment.post', text: `新意见 ${r}` }, writer);
      const started = performance.now();
      await records.leaderboard('term');
      afterEvent.push((performance.now() - started) * 1000);
    }
    live.close();
    const after = spread(afterEvent);
    rows.push({
      read: 'board, the term, after a new comment',
      entries: o.members,
      kib: 0,
      p50: after.p50 / 1000,
      p95: after.p95 / 1000,
      max: after.max / 1000,
    });

    // The member's card, from the record of the term.
    const record = await records.record('m-7', 'term');
    const data = cardData(record, {
      verifyUrl: 'https://yishi.example.org/api/records/verify?p=m-7',
      issuedAt: new Date(now),
      timeZone: 'Asia/Shanghai',
      locale: 'zh-CN',
    });
    const card: Record<'png' | 'pdf', { p50: number; p95: number; max: number; kib: number }> = {
      png: { p50: 0, p95: 0, max: 0, kib: 0 },
      pdf: { p50: 0, p95: 0, max: 0, kib: 0 },
    };
    for (const [format, render] of [
      ['png', renderCardPng],
      ['pdf', renderCardPdf],
    ] as const) {
      const times: number[] = [];
      let bytes = 0;
      for (let r = 0; r < Math.min(o.runs, 20); r++) {
        const started = performance.now();
        bytes = (await render(data)).length;
        times.push(performance.now() - started);
      }
      card[format] = { ...spread(times), kib: Math.round(bytes / 1024) };
    }

    const summary =
      `${o.members} members, ${o.sessions} sessions (${events} events) written in ${Math.round(fillMs / 1000)} s; ` +
      `a fresh node's catch-up read ${caughtUp.sessions} sessions in ${caughtUp.ms} ms (heap ${heapMiB} MiB after); ` +
      `card PNG p95 ${card.png.p95} ms (${card.png.kib} KiB), PDF p95 ${card.pdf.p95} ms (${card.pdf.kib} KiB)`;
    return {
      table: rows.map((r) => ({
        read: r.read,
        entries: r.entries,
        'JSON KiB': r.kib,
        'p50 ms': r.p50,
        'p95 ms': r.p95,
        'max ms': r.max,
      })),
      summary,
      data: { options: o, events, fillMs: Math.round(fillMs), catchUp: caughtUp, heapMiB, reads: rows, card },
    };
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
