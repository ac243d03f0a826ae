import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, CommandResult, Role, SessionSnapshot, SessionView } from '@yishi/shared';
import { RestClient } from '../support/rest.js';
import { ClientPool, type Joined, publishMic } from '../support/room.js';
import { freePort, ServerProcess } from '../support/serverProcess.js';

/**
 * "Restarting loses nothing": the real server runs as a child process (`node signaling/dist/main.js`)
 * on a SQLite store in its own DATA_DIR, is killed with SIGKILL (no shutdown code runs, as in a
 * crash), and started again on the same DATA_DIR. The consultation must come back exactly.
 * The tests run in order on one DATA_DIR, each starting where the previous one left the server.
 */

const ROOM = 'restart-room';
const pool = new ClientPool();
let dataDir: string;
let port: number;
let server: ServerProcess | undefined;

const PEOPLE = {
  chair: { sub: 'r-chair', name: '王主席', role: 'chair' },
  secretary: { sub: 'r-secretary', name: '李秘书', role: 'secretary' },
  zhang: { sub: 'r-zhang', name: '张委员', role: 'member', sector: '农业界' },
  chen: { sub: 'r-chen', name: '陈委员', role: 'member', sector: '教育界' },
  liu: { sub: 'r-liu', name: '刘局长', role: 'guest' },
} as const satisfies Record<string, { sub: string; name: string; role: Role; sector?: string }>;
type Who = keyof typeof PEOPLE;

function token(who: Who): string {
  if (!server) throw new Error('no server running');
  return server.token({ ...PEOPLE[who], room: ROOM });
}

function join(who: Who): Promise<Joined> {
  if (!server) throw new Error('no server running');
  return pool.join(server.url, token(who), ROOM);
}

async function start(): Promise<void> {
  server = await ServerProcess.start({ dataDir, port, demoRoom: ROOM });
}

/** SIGKILL; every client of the dead server is dropped. */
async function crash(): Promise<void> {
  await server?.kill();
  pool.closeAll();
}

/** REST reads need no join, so they show the stored state without adding attendance events. */
async function restState() {
  if (!server) throw new Error('no server running');
  const rest = new RestClient(server.url);
  const auth = token('chair');
  const topic = await rest.get(`/topics/${ROOM}`, auth);
  const draft = await rest.get(`/sessions/${ROOM}/minutes.json`, auth);
  const v1 = await rest.get(`/sessions/${ROOM}/minutes.json?version=1`, auth);
  expect([topic.status, draft.status, v1.status]).toEqual([200, 200, 200]);
  return { topic: topic.json as SessionView, draft: draft.json as Record<string, unknown>, v1: v1.text };
}

/** Values that depend on the clock, not on the stored state. */
const TIME_DEPENDENT = new Set([
  'serverNow',
  'spokenMs',
  'remainingMs',
  'spokenSeconds',
  'speakingSeconds',
  'presentMinutes',
  'presentMs',
]);

function withoutTime(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTime);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !TIME_DEPENDENT.has(key))
        .map(([key, v]) => [key, withoutTime(v)]),
    );
  }
  return value;
}

/**
 * The snapshot as of log version `version` (each slice carries the version it reflects), without
 * the live attendance list: who is present changed by design (the crash sent everyone away).
 */
function atVersion(snapshot: SessionSnapshot, version: number): SessionSnapshot {
  const copy = withoutAttendance(snapshot);
  copy.session.version = version;
  copy.queue.version = version;
  copy.polls.version = version;
  copy.sites.version = version;
  if (copy.minutes) copy.minutes.version = version;
  return copy;
}

function withoutAttendance(snapshot: SessionSnapshot): SessionSnapshot {
  const copy = structuredClone(snapshot);
  if (copy.minutes) copy.minutes.attendance = [];
  return copy;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-restart-'));
  port = await freePort();
  await start();
}, 60_000);

afterAll(async () => {
  pool.closeAll();
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('restarting loses nothing (server as a child process, SQLite in DATA_DIR, SIGKILL)', () => {
  it('queue, running turn, comments, minutes and finalized versions come back exactly', async () => {
    const chair = await join('chair');
    const secretary = await join('secretary');
    const zhang = await join('zhang');
    const chen = await join('chen');
    const liu = await join('liu');
    expect(chair.join.snapshot.session.session.status).toBe('open');

    // A first speech, ended, to be summarised.
    const first = await chen.client.call('queue:request', { kind: 'contribution' });
    await chair.client.call('floor:grant', { entryId: first.id! });
    await chair.client.call('floor:end', {});

    // The running turn (extended), and the queue behind it: reordered, then closed to new requests.
    const zhangEntry = await zhang.client.call('queue:request', { kind: 'contribution' });
    const liuEntry = await liu.client.call('queue:request', { kind: 'contribution' });
    await chen.client.call('queue:request', { kind: 'contribution' });
    await chair.client.call('floor:grant', { entryId: zhangEntry.id! });
    await publishMic(zhang.client);
    await chair.client.call('floor:extend', { seconds: 60 });
    await chen.client.call('queue:request', { kind: 'reply' });
    await chair.client.call('queue:move', { entryId: liuEntry.id!, toIndex: 2 });
    await chair.client.call('queue:setClosed', { closed: true });

    // Comments: a thread with stances, reactions, and one hidden by the chair.
    const c1 = await zhang.client.call('comment:post', { text: '建议县财政设立乡村教师专项津贴。', stance: 'support' });
    const c2 = await chen.client.call('comment:post', {
      text: '资金来源需要明确。',
      replyTo: c1.id!,
      stance: 'oppose',
    });
    const c3 = await liu.client.call('comment:post', { text: '与议题无关的广告内容' });
    await chair.client.call('comment:hide', { commentId: c3.id!, reason: '与议题无关' });
    await chair.client.call('comment:react', { commentId: c1.id!, reaction: 'agree', on: true });
    await chen.client.call('comment:react', { commentId: c1.id!, reaction: 'applause', on: true });
    await zhang.client.call('comment:react', { commentId: c2.id!, reaction: 'question', on: true });

    // Minutes: written, finalized as version 1, reopened and corrected in a version 2 draft.
    const { minutes } = await secretary.client.call('session:snapshot', {});
    const firstTurn = minutes?.turns.find((t) => t.speaker.id === PEOPLE.chen.sub);
    await secretary.client.call('minutes:setSummary', {
      turnId: firstTurn!.id,
      text: '陈委员建议扩大乡村教师周转宿舍覆盖面。',
    });
    await secretary.client.call('minutes:addConsensus', { text: '将乡村教师待遇保障纳入年度重点工作。' });
    const consensus = await secretary.client.call('minutes:addConsensus', { text: '建立部门联席会商机制。' });
    const action = await secretary.client.call('minutes:addAction', {
      title: '制定乡村教师津贴实施细则',
      ownerUnit: '县教育局',
      dueDate: '2026-12-31',
    });
    await secretary.client.call('minutes:promoteComment', { commentId: c1.id! });
    await secretary.client.call('minutes:setNotes', { text: '会议由王主席主持。' });
    await secretary.client.call('minutes:submit', {});
    await chair.client.call('minutes:finalize', {});
    await secretary.client.call('minutes:reopen', {});
    await secretary.client.call('minutes:updateAction', { id: action.id!, status: 'in_progress' });
    await secretary.client.call('minutes:updateConsensus', {
      id: consensus.id!,
      text: '建立教育、财政部门联席会商机制。',
    });
    await secretary.client.call('minutes:setNotes', { text: '会议由王主席主持。（第二稿）' });

    const before = {
      chair: await chair.client.call('session:snapshot', {}),
      member: await chen.client.call('session:snapshot', {}),
      ...(await restState()),
    };
    // What is being compared really is there.
    expect(before.chair.queue.current).toMatchObject({ speaker: { id: PEOPLE.zhang.sub }, allowedMs: 240_000 });
    expect(before.chair.queue.entries.map((e) => [e.speaker.id, e.kind])).toEqual([
      [PEOPLE.chen.sub, 'reply'],
      [PEOPLE.chen.sub, 'contribution'],
      [PEOPLE.liu.sub, 'contribution'],
    ]);
    expect(before.chair.queue.listClosed).toBe(true);
    expect(before.chair.comments.map((c) => c.id)).toEqual([c1.id, c2.id, c3.id]);
    expect(before.member.comments[2]).toMatchObject({ text: '', hidden: { byName: '王主席', reason: '与议题无关' } });
    expect(before.chair.minutes?.minutes).toMatchObject({ status: 'draft', version: 2 });
    expect(before.chair.minutes?.minutes.finalized).toEqual([
      { version: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/), at: expect.any(Number), by: PEOPLE.chair.sub },
    ]);
    expect(JSON.parse(before.v1)).toMatchObject({ version: 1, status: 'finalized', notes: '会议由王主席主持。' });

    const oldWorkers = server!.workerPids;
    expect(oldWorkers.length).toBe(1);
    await crash();
    await start();
    expect(server!.workerPids).not.toEqual(oldWorkers);

    // Read before anyone joins again: the same log, plus one `left` per person the crash cut off.
    const after = await restState();
    const present = (before.draft.attendance as Array<{ lastLeftAt: string | null }>).filter((a) => !a.lastLeftAt);
    expect(present.length).toBeGreaterThan(0);
    expect(after.topic).toEqual({ ...before.topic, version: before.topic.version + present.length });
    expect(after.v1).toBe(before.v1);
    const attendance = after.draft.attendance as Array<{ lastLeftAt: string | null }>;
    expect(attendance.every((a) => a.lastLeftAt !== null)).toBe(true);
    expect(withoutTime({ ...after.draft, attendance: [] })).toEqual(withoutTime({ ...before.draft, attendance: [] }));

    // Joining again records attendance (one event each); everything else is as it was.
    const chairAgain = await join('chair');
    const chairSnapshot = await chairAgain.client.call('session:snapshot', {});
    expect(chairSnapshot.minutes?.attendance.filter((a) => a.present).map((a) => a.person.id)).toEqual([
      PEOPLE.chair.sub,
    ]);
    expect(withoutTime(withoutAttendance(chairSnapshot))).toEqual(
      withoutTime(atVersion(before.chair, after.topic.version + 1)),
    );
    expect(withoutTime(chairAgain.join.snapshot)).toEqual(withoutTime(chairSnapshot));
    const chenAgain = await join('chen');
    const memberSnapshot = await chenAgain.client.call('session:snapshot', {});
    expect(withoutTime(withoutAttendance(memberSnapshot))).toEqual(
      withoutTime(atVersion(before.member, after.topic.version + 2)),
    );
    // The same turn still runs, from when it started (its clock is the stored times, not the process).
    expect(chairSnapshot.queue.current).toMatchObject({
      id: before.chair.queue.current?.id,
      startedAt: before.chair.queue.current?.startedAt,
      paused: false,
    });
  });

  it('a command acknowledged just before SIGKILL is there after the restart', async () => {
    const zhang = await join('zhang');
    const text = '断电前最后一条评论。';
    const child = server!.child;
    // Killed the moment the ack arrives: nothing after the acknowledgement may be needed to keep it.
    const acked = new Promise<Ack<CommandResult>>((resolve) => {
      zhang.client.socket.emit('comment:post', { text }, (res: Ack<CommandResult>) => {
        child.kill('SIGKILL');
        resolve(res);
      });
    });
    const ack = await acked;
    expect(ack).toMatchObject({ ok: true, data: { id: expect.any(String) } });
    const commentId = ack.ok ? ack.data.id : undefined;
    const lastVersion = ack.ok ? ack.data.version : -1;
    await crash();
    await start();

    // Stored: the comment, then only the `left` of each participant the crash cut off.
    const { topic, draft } = await restState();
    const attendance = draft.attendance as Array<{ lastLeftAt: string | null }>;
    expect(attendance.every((a) => a.lastLeftAt !== null)).toBe(true);
    expect(topic.version).toBeGreaterThan(lastVersion);
    const again = await join('chair');
    expect(again.join.snapshot.comments.at(-1)).toMatchObject({
      id: commentId,
      text,
      author: { id: PEOPLE.zhang.sub, name: '张委员' },
    });
  });

  it('a running turn still expires after a restart: the clock is resumed from the log', async () => {
    const chair = await join('chair');
    const zhang = await join('zhang');
    await chair.client.call('queue:setClosed', { closed: false });
    await chair.client.call('queue:clear', {});
    await chair.client.call('session:configure', { settings: { turnSeconds: { contribution: 10 }, graceSeconds: 0 } });
    const entry = await zhang.client.call('queue:request', { kind: 'contribution' });
    await chair.client.call('floor:grant', { entryId: entry.id! });
    const { queue } = await chair.client.call('session:snapshot', {});
    const turnId = queue.current?.id;
    expect(queue.current).toMatchObject({ speaker: { id: PEOPLE.zhang.sub }, allowedMs: 10_000 });

    await crash();
    await start();

    // Nobody acts: only the restarted server's clock can end the turn.
    const watcher = await join('secretary');
    if (watcher.join.snapshot.queue.current !== null) {
      expect(watcher.join.snapshot.queue.current.id).toBe(turnId);
      await watcher.client.next('queue:state', (q) => q.current === null, 20_000);
    }
    const rest = new RestClient(server!.url);
    const doc = (await rest.get(`/sessions/${ROOM}/minutes.json`, token('chair'))).json as {
      speeches: Array<{ turnId: string; endReason: string | null }>;
    };
    expect(doc.speeches.find((s) => s.turnId === turnId)?.endReason).toBe('expired');
  }, 60_000);
});
