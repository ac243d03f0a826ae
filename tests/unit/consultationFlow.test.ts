import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type NotificationName,
  type NotificationPayload,
  NotificationSchemas,
  type Role,
  type SettingsPatch,
} from '@yishi/shared';
import { TestClient } from '../support/client.js';
import { FakeMediaGateway, type FakeMediaRoom } from '../support/fakeGateway.js';
import { rtpCapabilities } from '../support/mediaFixtures.js';
import { openTopic, startTestServer, type TestServer } from '../support/server.js';

/**
 * The consultation as participants live it, over Socket.IO with media faked: what each of them is
 * told (and not told) when the queue, the floor, comments and minutes change, and floor control
 * reaching the media room. Every notification any client receives is also checked against its
 * published schema.
 */

let gateway: FakeMediaGateway;
let server: TestServer;
const clients: Participant[] = [];
let rooms = 0;

beforeAll(async () => {
  gateway = new FakeMediaGateway();
  server = await startTestServer({ gateway, rooms: [] });
});

afterEach(() => {
  // Whatever the server sent, it sent in the shape the protocol promises.
  for (const { client, seen } of clients.splice(0)) {
    client.close();
    for (const { event, payload } of seen) {
      const schema = NotificationSchemas[event as NotificationName];
      expect(schema, `unknown notification ${event}`).toBeDefined();
      const parsed = schema.safeParse(payload);
      expect(parsed.error?.issues, event).toBeUndefined();
    }
  }
});

afterAll(async () => {
  await server.close();
});

interface Participant {
  client: TestClient;
  /** Every notification received, in order. */
  seen: Array<{ event: string; payload: unknown }>;
}

async function connect(roomId: string, sub: string, name: string, role: Role): Promise<Participant> {
  const client = await TestClient.connect(server.url, {
    token: server.token({ sub, name, role, room: roomId }),
    roomId,
  });
  const participant: Participant = { client, seen: [] };
  client.socket.onAny((event: string, payload: unknown) => participant.seen.push({ event, payload }));
  clients.push(participant);
  return participant;
}

async function join(roomId: string, sub: string, name: string, role: Role) {
  const p = await connect(roomId, sub, name, role);
  const result = await p.client.call('room:join', { rtpCapabilities: rtpCapabilities() });
  return { ...p, result };
}

/** A fresh open session; `settings` as the organiser set them. */
async function session(settings: SettingsPatch = {}): Promise<{ roomId: string; media: () => FakeMediaRoom }> {
  rooms += 1;
  const roomId = `flow-${rooms}`;
  await openTopic(server.sessions, roomId, settings);
  return { roomId, media: () => gateway.room(roomId) };
}

/** The notifications `p` received so far named `event`. */
function received<K extends NotificationName>(p: Participant, event: K): NotificationPayload<K>[] {
  return p.seen.filter((n) => n.event === event).map((n) => n.payload as NotificationPayload<K>);
}

/** The floor-control calls made on the media room since the first `since` calls. */
function micCalls(media: FakeMediaRoom, since = 0) {
  return media.calls.slice(since).filter((c) => c.method === 'setMicAllowed' || c.method === 'muteMic');
}

describe('joining', () => {
  it('carries the snapshot and whether the microphone may sound (moderated mode)', async () => {
    const { roomId, media } = await session();
    const chair = await join(roomId, 'chair', '王主席', 'chair');
    const member = await join(roomId, 'm1', '张委员', 'member');
    const secretary = await join(roomId, 'sec', '李秘书', 'secretary');
    const observer = await join(roomId, 'obs', '孙旁听', 'observer');

    expect(chair.result.micAllowed).toBe(true);
    expect(member.result.micAllowed).toBe(false);
    expect(secretary.result.micAllowed).toBe(false);
    expect(observer.result.micAllowed).toBe(false);
    // The media room was told the same at entry.
    expect(media().peers.get('chair')?.micAllowed).toBe(true);
    expect(media().peers.get('m1')?.micAllowed).toBe(false);

    const { snapshot } = member.result;
    expect(snapshot.session.topic.title).toBe(`协商议题 ${roomId}`);
    expect(snapshot.session.session.status).toBe('open');
    expect(snapshot.session.agenda.map((i) => i.title)).toEqual(['议程一', '议程二']);
    expect(snapshot.queue).toMatchObject({ mode: 'moderated', entries: [], current: null, interrupted: [] });
    expect(snapshot.comments).toEqual([]);
    expect(snapshot.hasMoreComments).toBe(false);
    // Minutes are for the chair and the secretary only.
    expect(snapshot).not.toHaveProperty('minutes');
    expect(observer.result.snapshot).not.toHaveProperty('minutes');
    expect(chair.result.snapshot.minutes?.minutes.status).toBe('draft');
    expect(secretary.result.snapshot.minutes?.minutes.status).toBe('draft');
    // Each join was counted: the later joiner's snapshot is of a later version.
    expect(secretary.result.snapshot.session.version).toBeGreaterThan(chair.result.snapshot.session.version);
  });

  it('lets every speaking role use the microphone in open mode (observers never)', async () => {
    const { roomId } = await session({ mode: 'open' });
    const member = await join(roomId, 'm1', '张委员', 'member');
    const guest = await join(roomId, 'g1', '刘处长', 'guest');
    const observer = await join(roomId, 'obs', '孙旁听', 'observer');
    expect([member.result.micAllowed, guest.result.micAllowed, observer.result.micAllowed]).toEqual([
      true,
      true,
      false,
    ]);
    expect(member.result.snapshot.queue.mode).toBe('open');
  });

  it('shows a rejoining client the queue, the floor and the comments as they stand', async () => {
    const { roomId } = await session();
    const chair = await join(roomId, 'chair', '王主席', 'chair');
    const member = await join(roomId, 'm1', '张委员', 'member');
    const { id: entryId } = await member.client.call('queue:request', { kind: 'contribution' });
    await chair.client.call('floor:grant', { entryId });
    await member.client.call('comment:post', { text: '我先说明背景。' });

    const again = await join(roomId, 'm1', '张委员', 'member');
    expect(again.result.micAllowed).toBe(true);
    expect(again.result.snapshot.queue.current?.speaker.id).toBe('m1');
    expect(again.result.snapshot.comments.map((c) => c.text)).toEqual(['我先说明背景。']);
  });
});

describe('the speaking queue', () => {
  it('shows every participant the same queue after each request', async () => {
    const { roomId } = await session();
    const chair = await join(roomId, 'chair', '王主席', 'chair');
    const member = await join(roomId, 'm1', '张委员', 'member');
    const guest = await join(roomId, 'g1', '刘处长', 'guest');

    const seen = [chair, member, guest].map((p) => p.client.next('queue:state', (q) => q.entries.length === 1));
    const { id: first, version } = await member.client.call('queue:request', { kind: 'contribution' });
    const [a, b, c] = await Promise.all(seen);
    expect(a).toEqual(b);
    expect(b).toEqual(c);
    expect(a?.version).toBe(version);
    expect(a?.entries).toEqual([
      expect.objectContaining({
        id: first,
        kind: 'contribution',
        speaker: { id: 'm1', name: '张委员', role: 'member' },
        addedBy: 'm1',
      }),
    ]);

    // A point of order goes ahead of a contribution, for everyone.
    const next = [chair, member, guest].map((p) => p.client.next('queue:state', (q) => q.entries.length === 2));
    const { id: second } = await guest.client.call('queue:request', { kind: 'point_of_order' });
    const views = await Promise.all(next);
    for (const view of views) expect(view.entries.map((e) => e.id)).toEqual([second, first]);
    expect(new Set(views.map((v) => JSON.stringify(v))).size).toBe(1);

    // Withdrawing is always allowed, and everyone sees it.
    const withdrawn = [chair, guest].map((p) => p.client.next('queue:state', (q) => q.entries.length === 1));
    await member.client.call('queue:withdraw', { entryId: first! });
    for (const view of await Promise.all(withdrawn)) expect(view.entries.map((e) => e.id)).toEqual([second]);
  });

  it('tells everyone of a closed list in the queue and of a changed mode in the session', async () => {
    const { roomId } = await session();
    const chair = await join(roomId, 'chair', '王主席', 'chair');
    const member = await join(roomId, 'm1', '张委员', 'member');
    const closed = member.client.next('queue:state', (q) => q.listClosed);
    await chair.client.call('queue:setClosed', { closed: true });
    expect(await closed).toMatchObject({ listClosed: true, pointsOfOrderBlocked: false });
    expect(await member.client.request('queue:request', { kind: 'contribution' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: 'the list of speakers is closed' },
    });

    const sessionState = member.client.next('session:state', (s) => s.settings.mode === 'open');
    await chair.client.call('session:configure', { settings: { mode: 'open' } });
    expect((await sessionState).settings.mode).toBe('open');
  });
});

describe('floor control in the media', () => {
  it('opens the speaker’s microphone on grant and gates it again when the turn ends', async () => {
    const { roomId, media } = await session();
    const chair = await join(roomId, 'chair', '王主席', 'chair');
    const member = await join(roomId, 'm1', '张委员', 'member');
    const other = await join(roomId, 'm2', '陈委员', 'member');
    const { id: entryId } = await member.client.call('queue:request', { kind: 'contribution' });

    const before = media().calls.length;
    const allowed = member.client.next('mic:state');
    await chair.client.call('floor:grant', { entryId: entryId! });
    expect(await allowed).toEqual({ allowed: true, mutedByChair: false });
    expect(micCalls(media(), before)).toEqual([{ method: 'setMicAllowed', args: ['m1', true] }]);

    const afterGrant = media().calls.length;
    const gated = member.client.next('mic:state');
    await chair.client.call('floor:end', {});
    expect(await gated).toEqual({ allowed: false, mutedByChair: false });
    expect(micCalls(media(), afterGrant)).toEqual([{ method: 'setMicAllowed', args: ['m1', false] }]);

    // Only the speaker was told anything about their microphone.
    const sentinel = [chair, other].map((p) => p.client.next('comments:added'));
    await chair.client.call('comment:post', { text: '下一位' });
    await Promise.all(sentinel);
    expect(received(other, 'mic:state')).toEqual([]);
    expect(received(chair, 'mic:state')).toEqual([]);
    expect(received(member, 'mic:state')).toHaveLength(2);
  });

  it('gates the speaker while the chair pauses the turn, and during an interposed question', async () => {
    const { roomId, media } = await session();
    const chair = await join(roomId, 'chair', '王主席', 'chair');
    const member = await join(roomId, 'm1', '张委员', 'member');
    const guest = await join(roomId, 'g1', '刘处长', 'guest');
    await member.client.call('queue:request', { kind: 'contribution' });
    await chair.client.call('floor:grant', {});

    /** The floor-control calls `act` caused, in no particular order between participants. */
    const step = async (act: () => Promise<unknown>) => {
      const since = media().calls.length;
      await act();
      return micCalls(media(), since)
        .map((c) => c.args)
        .sort();
    };
    expect(await step(() => chair.client.call('floor:pause', {}))).toEqual([['m1', false]]);
    expect(await step(() => chair.client.call('floor:resume', {}))).toEqual([['m1', true]]);
    // The guest's interposed question pauses 张委员's turn; ending it gives the floor back.
    const { id: reply } = await guest.client.call('queue:request', { kind: 'reply' });
    expect(await step(() => chair.client.call('floor:grant', { entryId: reply! }))).toEqual([
      ['g1', true],
      ['m1', false],
    ]);
    expect(await step(() => chair.client.call('floor:end', {}))).toEqual([
      ['g1', false],
      ['m1', true],
    ]);
    const { queue } = await chair.client.call('session:snapshot', {});
    expect(queue.current?.speaker.id).toBe('m1');
    expect(queue.interrupted).toEqual([]);
  });

  it('opens every microphone when the chair switches to open mode', async () => {
    const { roomId, media } = await session();
    const chair = await join(roomId, 'chair', '王主席', 'chair');
    const member = await join(roomId, 'm1', '张委员', 'member');
    const observer = await join(roomId, 'obs', '孙旁听', 'observer');
    const before = media().calls.length;
    const allowed = member.client.next('mic:state');
    await chair.client.call('session:configure', { settings: { mode: 'open' } });
    expect(await allowed).toEqual({ allowed: true, mutedByChair: false });
    expect(micCalls(media(), before)).toEqual([{ method: 'setMicAllowed', args: ['m1', true] }]);
    // Socket.IO keeps order per connection: once this broadcast arrives, anything sent before it has too.
    const sentinel = observer.client.next('comments:added');
    await chair.client.call('comment:post', { text: '请大家自由发言。' });
    await sentinel;
    expect(received(observer, 'mic:state')).toEqual([]);
  });

  it('lets the chair mute a participant, who is told so', async () => {
    const { roomId, media } = await session({ mode: 'open' });
    const chair = await join(roomId, 'chair', '王主席', 'chair');
    const member = await join(roomId, 'm1', '张委员', 'member');
    const muted = member.client.next('mic:state');
    const before = media().calls.length;
    const { version } = await chair.client.call('participant:mute', { peerId: 'm1' });
    expect(await muted).toEqual({ allowed: true, mutedByChair: true });
    expect(micCalls(media(), before)).toEqual([{ method: 'muteMic', args: ['m1'] }]);
    // A media action, not a fact of the session.
    expect(version).toBe(server.sessions.current(roomId).version);
  });
});

describe('live comments', () => {
  it('delivers a comment to everyone present as comments:added', async () => {
    const { roomId } = await session();
    const chair = await join(roomId, 'chair', '王主席', 'chair');
    const member = await join(roomId, 'm1', '张委员', 'member');
    const other = await join(roomId, 'm2', '陈委员', 'member');
    const arrivals = [chair, member, other].map((p) => p.client.next('comments:added'));
    const { id } = await member.client.call('comment:post', { text: '建议增加乡村教师编制。', stance: 'support' });
    const [toChair, toAuthor, toOther] = await Promise.all(arrivals);
    expect(toOther?.comments).toHaveLength(1);
    expect(toOther?.comments[0]).toEqual({
      id,
      agendaItemId: null,
      author: { id: 'm1', name: '张委员', role: 'member' },
      text: '建议增加乡村教师编制。',
      stance: 'support',
      reactions: {},
      createdAt: expect.any(Number),
    });
    expect(toChair).toEqual(toOther);
    expect(toAuthor).toEqual(toOther);

    // A reply joins the thread; reactions reach everyone as comment:updated.
    const reply = other.client.next('comments:added');
    await chair.client.call('comment:post', { text: '同意', replyTo: id! });
    expect((await reply).comments).toMatchObject([{ replyTo: id, author: { id: 'chair' } }]);
    const reacted = member.client.next('comment:updated');
    await other.client.call('comment:react', { commentId: id!, reaction: 'agree', on: true });
    expect(await reacted).toMatchObject({ id, reactions: { agree: ['m2'] } });
  });

  it('sends a hidden comment to members without its text, to chair and secretary with it', async () => {
    const { roomId } = await session();
    const chair = await join(roomId, 'chair', '王主席', 'chair');
    const secretary = await join(roomId, 'sec', '李秘书', 'secretary');
    const member = await join(roomId, 'm1', '张委员', 'member');
    const observer = await join(roomId, 'obs', '孙旁听', 'observer');
    const { id } = await member.client.call('comment:post', { text: '这是一条广告' });

    const updates = [chair, secretary, member, observer].map((p) => p.client.next('comment:updated'));
    await chair.client.call('comment:hide', { commentId: id!, reason: '与本议题无关' });
    const [toChair, toSecretary, toMember, toObserver] = await Promise.all(updates);
    const hidden = { byName: '王主席', reason: '与本议题无关', at: expect.any(Number) };
    expect(toChair).toMatchObject({ id, text: '这是一条广告', hidden });
    expect(toSecretary).toEqual(toChair);
    expect(toMember).toMatchObject({ id, text: '', hidden });
    expect(toObserver).toEqual(toMember);
    // Who hid it is named, never their user id.
    expect(toMember?.hidden).toEqual(hidden);

    // The same on (re)join and when paging back.
    const { comments } = await member.client.call('session:snapshot', {});
    expect(comments.find((c) => c.id === id)?.text).toBe('');
    const page = await secretary.client.call('comments:page', { limit: 10 });
    expect(page.comments.find((c) => c.id === id)?.text).toBe('这是一条广告');
  });

  it('pages back through older comments', async () => {
    const { roomId } = await session();
    const chair = await join(roomId, 'chair', '王主席', 'chair');
    const member = await join(roomId, 'm1', '张委员', 'member');
    const ids: string[] = [];
    for (const text of ['一', '二', '三', '四']) {
      const poster = ids.length % 2 === 0 ? chair : member;
      ids.push((await poster.client.call('comment:post', { text })).id!);
    }
    const newest = await member.client.call('comments:page', { limit: 2 });
    expect(newest.comments.map((c) => c.text)).toEqual(['三', '四']);
    expect(newest.hasMore).toBe(true);
    const older = await member.client.call('comments:page', { before: newest.comments[0]!.id, limit: 2 });
    expect(older.comments.map((c) => c.text)).toEqual(['一', '二']);
    expect(older.hasMore).toBe(false);
  });
});

describe('minutes', () => {
  it('sends minutes:state to the chair and the secretary only', async () => {
    const { roomId } = await session();
    const chair = await join(roomId, 'chair', '王主席', 'chair');
    const secretary = await join(roomId, 'sec', '李秘书', 'secretary');
    const member = await join(roomId, 'm1', '张委员', 'member');
    const guest = await join(roomId, 'g1', '刘处长', 'guest');
    const observer = await join(roomId, 'obs', '孙旁听', 'observer');

    const toModerators = [chair, secretary].map((p) => p.client.next('minutes:state', (m) => m.minutes.notes !== ''));
    const { version } = await secretary.client.call('minutes:setNotes', { text: '会议由王主席主持。' });
    for (const view of await Promise.all(toModerators)) {
      expect(view).toMatchObject({ version, minutes: { notes: '会议由王主席主持。', status: 'draft' } });
    }

    // A turn is part of the minutes too (the raw material of summaries).
    const turns = secretary.client.next('minutes:state', (m) => m.turns.length === 1);
    await member.client.call('queue:request', { kind: 'contribution' });
    await chair.client.call('floor:grant', {});
    expect((await turns).turns[0]).toMatchObject({ speaker: { id: 'm1' }, kind: 'contribution' });

    // Socket.IO keeps order per connection: once this broadcast arrives, anything sent before it has too.
    const others = [member, guest, observer];
    const sentinel = others.map((p) => p.client.next('comments:added'));
    await chair.client.call('comment:post', { text: '请秘书记录。' });
    await Promise.all(sentinel);
    for (const p of others) expect(p.seen.map((n) => n.event)).not.toContain('minutes:state');
    expect(received(chair, 'minutes:state').length).toBeGreaterThan(0);
  });

  it('lets the secretary promote a comment and the chair finalize', async () => {
    const { roomId } = await session();
    const chair = await join(roomId, 'chair', '王主席', 'chair');
    const secretary = await join(roomId, 'sec', '李秘书', 'secretary');
    const member = await join(roomId, 'm1', '张委员', 'member');
    const { id: commentId } = await member.client.call('comment:post', { text: '建议设立专项津贴。' });
    await secretary.client.call('minutes:promoteComment', { commentId: commentId! });
    await secretary.client.call('minutes:submit', {});
    const finalized = secretary.client.next('minutes:state', (m) => m.minutes.status === 'finalized');
    await chair.client.call('minutes:finalize', {});
    const view = await finalized;
    expect(view.minutes.promotedCommentIds).toEqual([commentId]);
    expect(view.minutes.finalized).toEqual([
      { version: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/), at: expect.any(Number), by: 'chair' },
    ]);
    expect(await secretary.client.request('minutes:setNotes', { text: '改' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
  });
});

describe('the session lifecycle', () => {
  it('tells everyone when the chair starts and adjourns, and ends the turn on adjourning', async () => {
    const { roomId, media } = await session();
    const chair = await join(roomId, 'chair', '王主席', 'chair');
    const member = await join(roomId, 'm1', '张委员', 'member');
    const started = member.client.next('session:state', (s) => s.session.status === 'in_progress');
    await chair.client.call('session:setStatus', { action: 'start' });
    expect((await started).session.startedAt).toEqual(expect.any(Number));

    await member.client.call('queue:request', { kind: 'contribution' });
    const allowed = member.client.next('mic:state');
    await chair.client.call('floor:grant', {});
    expect(await allowed).toEqual({ allowed: true, mutedByChair: false });
    const before = media().calls.length;
    const adjourned = member.client.next('session:state', (s) => s.session.status === 'adjourned');
    const queue = member.client.next('queue:state', (q) => q.current === null);
    const gated = member.client.next('mic:state');
    await chair.client.call('session:setStatus', { action: 'adjourn' });
    await adjourned;
    await queue;
    expect(await gated).toEqual({ allowed: false, mutedByChair: false });
    expect(micCalls(media(), before)).toEqual([{ method: 'setMicAllowed', args: ['m1', false] }]);
  });
});
