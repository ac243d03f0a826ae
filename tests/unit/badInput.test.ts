import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  QUOTAS,
  type ErrorCode,
  MAX_COMMENT_LENGTH,
  type RequestName,
  type Role,
  type SessionSnapshot,
} from '@yishi/shared';
import { TestClient } from '../support/client.js';
import { FakeMediaGateway } from '../support/fakeGateway.js';
import { rtpCapabilities } from '../support/mediaFixtures.js';
import { openTopic, startTestServer, type TestServer } from '../support/server.js';

/**
 * Hostile and mistaken input to the consultation requests, over Socket.IO: oversize and malformed
 * payloads, ids that do not exist, a member reaching for the chair's controls, a comment flood.
 * Each gets its typed error — and changes nothing: the session's version, its queue, comments and
 * minutes read the same in a fresh snapshot, and its whole state is as it was.
 */

let gateway: FakeMediaGateway;
let server: TestServer;
const clients: TestClient[] = [];
let rooms = 0;

beforeAll(async () => {
  gateway = new FakeMediaGateway();
  server = await startTestServer({ gateway, rooms: [] });
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

afterAll(async () => {
  await server.close();
});

async function joinAs(roomId: string, sub: string, name: string, role: Role): Promise<TestClient> {
  const client = await TestClient.connect(server.url, {
    token: server.token({ sub, name, role, room: roomId }),
    roomId,
  });
  clients.push(client);
  await client.call('room:join', { rtpCapabilities: rtpCapabilities() });
  return client;
}

/**
 * A session in full swing: an agenda item open, 张委员 holding the floor, 陈委员 waiting, a comment,
 * a consensus point and an action item in the minutes.
 */
async function busyRoom() {
  rooms += 1;
  const roomId = `bad-${rooms}`;
  await openTopic(server.sessions, roomId);
  const chair = await joinAs(roomId, 'chair', '王主席', 'chair');
  const secretary = await joinAs(roomId, 'secretary', '李秘书', 'secretary');
  const member = await joinAs(roomId, 'm1', '张委员', 'member');
  const member2 = await joinAs(roomId, 'm2', '陈委员', 'member');
  const agenda = (await chair.call('session:snapshot', {})).session.agenda;
  await chair.call('agenda:open', { itemId: agenda[0]!.id });
  await member.call('queue:request', { kind: 'contribution' });
  const { id: waiting } = await member2.call('queue:request', { kind: 'contribution' });
  await chair.call('floor:grant', {});
  const { id: commentId } = await member2.call('comment:post', { text: '建议增加农村教师编制。', stance: 'support' });
  await secretary.call('minutes:addConsensus', { text: '同意试点' });
  await secretary.call('minutes:addAction', { title: '制定补充方案', ownerUnit: '市教育局' });
  return { roomId, chair, secretary, member, member2, waiting: waiting!, commentId: commentId! };
}

type Busy = Awaited<ReturnType<typeof busyRoom>>;

/** What must not move: the parts of a moderator's snapshot that do not tick with the clock. */
function stable(snapshot: SessionSnapshot) {
  return {
    version: snapshot.session.version,
    session: snapshot.session,
    entries: snapshot.queue.entries,
    current: snapshot.queue.current?.id ?? null,
    listClosed: snapshot.queue.listClosed,
    comments: snapshot.comments,
    minutes: snapshot.minutes?.minutes,
  };
}

/** Runs `act` and checks that the session is exactly as before, in a fresh snapshot and in the server's state. */
async function expectUnchanged(room: Busy, act: () => Promise<void>): Promise<void> {
  const before = stable(await room.chair.call('session:snapshot', {}));
  const state = structuredClone(server.sessions.current(room.roomId).state);
  await act();
  expect(stable(await room.chair.call('session:snapshot', {}))).toEqual(before);
  expect(server.sessions.current(room.roomId).state).toEqual(state);
}

/** Emits anything with an ack callback, bypassing the protocol types, and returns the ack. */
function rawRequest(client: TestClient, event: string, ...args: unknown[]): Promise<unknown> {
  const socket = client.socket as unknown as {
    timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
  };
  return socket.timeout(5000).emitWithAck(event, ...args);
}

/** Sends `payload` raw and expects the error `code` (and a message matching `message`, if given). */
async function expectError(client: TestClient, event: string, payload: unknown, code: ErrorCode, message?: RegExp) {
  const ack = (await rawRequest(client, event, payload)) as { ok: boolean; error?: { code: string; message: string } };
  expect(ack.ok, JSON.stringify(ack)).toBe(false);
  expect(ack.error?.code, ack.error?.message).toBe(code);
  if (message) expect(ack.error?.message).toMatch(message);
  // A clear message, never a stack trace.
  expect(ack.error?.message).not.toMatch(/\n\s+at /);
}

describe('oversize comments', () => {
  it(`refuses a comment of more than ${MAX_COMMENT_LENGTH} characters as INVALID_REQUEST`, async () => {
    const room = await busyRoom();
    await expectUnchanged(room, async () => {
      await expectError(
        room.member,
        'comment:post',
        { text: '议'.repeat(MAX_COMMENT_LENGTH + 1) },
        'INVALID_REQUEST',
        /^text: /,
      );
      await expectError(room.member, 'comment:post', { text: 'x'.repeat(50_000) }, 'INVALID_REQUEST', /^text: /);
    });
  });

  it(`takes one of exactly ${MAX_COMMENT_LENGTH}`, async () => {
    const room = await busyRoom();
    const { id } = await room.member.call('comment:post', { text: '议'.repeat(MAX_COMMENT_LENGTH) });
    const { comments } = await room.member.call('session:snapshot', {});
    expect(comments.find((c) => c.id === id)?.text).toHaveLength(MAX_COMMENT_LENGTH);
  });

  it('refuses an empty or blank comment as INVALID_REQUEST', async () => {
    const room = await busyRoom();
    await expectUnchanged(room, async () => {
      await expectError(room.member, 'comment:post', { text: '' }, 'INVALID_REQUEST', /empty/);
      await expectError(room.member, 'comment:post', { text: ' \n\t　' }, 'INVALID_REQUEST', /empty/);
    });
  });

  it('refuses oversize minutes text and hide reasons as INVALID_REQUEST', async () => {
    const room = await busyRoom();
    await expectUnchanged(room, async () => {
      await expectError(room.secretary, 'minutes:setNotes', { text: 'x'.repeat(20_001) }, 'INVALID_REQUEST', /^text: /);
      await expectError(room.secretary, 'minutes:addConsensus', { text: 'x'.repeat(2001) }, 'INVALID_REQUEST');
      await expectError(
        room.chair,
        'comment:hide',
        { commentId: room.commentId, reason: 'x'.repeat(201) },
        'INVALID_REQUEST',
        /^reason: /,
      );
    });
  });
});

describe('ids that do not exist', () => {
  it.each<[string, (room: Busy) => [TestClient, RequestName, unknown]]>([
    ['a member withdrawing an unknown entry', (r) => [r.member2, 'queue:withdraw', { entryId: 'no-such-entry' }]],
    ['the chair removing an unknown entry', (r) => [r.chair, 'queue:remove', { entryId: 'no-such-entry' }]],
    ['the chair moving an unknown entry', (r) => [r.chair, 'queue:move', { entryId: 'no-such-entry', toIndex: 0 }]],
    ['the chair granting an unknown entry', (r) => [r.chair, 'floor:grant', { entryId: 'no-such-entry' }]],
    ['the chair opening an unknown agenda item', (r) => [r.chair, 'agenda:open', { itemId: 'no-such-item' }]],
    ['the chair muting someone not in the room', (r) => [r.chair, 'participant:mute', { peerId: 'nobody' }]],
    ['the chair hiding an unknown comment', (r) => [r.chair, 'comment:hide', { commentId: 'nope', reason: '离题' }]],
    [
      'a member reacting to an unknown comment',
      (r) => [r.member, 'comment:react', { commentId: 'nope', reaction: 'agree', on: true }],
    ],
    ['a member replying to an unknown comment', (r) => [r.member, 'comment:post', { text: '同意', replyTo: 'nope' }]],
    [
      'the secretary summarising an unknown turn',
      (r) => [r.secretary, 'minutes:setSummary', { turnId: 'nope', text: '摘要' }],
    ],
    [
      'the secretary promoting an unknown comment',
      (r) => [r.secretary, 'minutes:promoteComment', { commentId: 'nope' }],
    ],
    [
      'the secretary editing an unknown consensus point',
      (r) => [r.secretary, 'minutes:updateConsensus', { id: 'nope', text: 'x' }],
    ],
    ['the secretary removing an unknown action item', (r) => [r.secretary, 'minutes:removeAction', { id: 'nope' }]],
  ])('answers %s with NOT_FOUND', async (_, request) => {
    const room = await busyRoom();
    const [client, event, payload] = request(room);
    const calls = gateway.room(room.roomId).calls.length;
    await expectUnchanged(room, () => expectError(client, event, payload, 'NOT_FOUND'));
    expect(gateway.room(room.roomId).methods().slice(calls)).not.toContain('muteMic');
  });

  it('answers the entry id of another session with NOT_FOUND', async () => {
    const room = await busyRoom();
    const other = await busyRoom();
    await expectUnchanged(room, () =>
      expectError(room.chair, 'queue:remove', { entryId: other.waiting }, 'NOT_FOUND', /not found/),
    );
  });
});

describe("a member reaching for the chair's controls", () => {
  it.each<[RequestName, (room: Busy) => unknown]>([
    ['floor:grant', (r) => ({ entryId: r.waiting })],
    ['floor:end', () => ({})],
    ['floor:pause', () => ({})],
    ['floor:extend', () => ({ seconds: 600 })],
    ['queue:add', () => ({ speakerId: 'm1', kind: 'point_of_order' })],
    ['queue:move', (r) => ({ entryId: r.waiting, toIndex: 0 })],
    ['queue:remove', (r) => ({ entryId: r.waiting })],
    ['queue:setClosed', () => ({ closed: true })],
    ['queue:clear', () => ({})],
    ['session:configure', () => ({ settings: { mode: 'open' } })],
    ['session:setStatus', () => ({ action: 'close' })],
    ['agenda:open', () => ({ itemId: 'whatever' })],
    ['participant:mute', () => ({ peerId: 'm2' })],
    ['comment:hide', (r) => ({ commentId: r.commentId, reason: '我不同意' })],
    ['minutes:setNotes', () => ({ text: '改写纪要' })],
    ['minutes:finalize', () => ({})],
  ])('refuses %s as NOT_ALLOWED', async (event, payload) => {
    const room = await busyRoom();
    const calls = gateway.room(room.roomId).calls.length;
    await expectUnchanged(room, () => expectError(room.member, event, payload(room), 'NOT_ALLOWED'));
    // Not even the media moved (a refused mute mutes nobody).
    expect(gateway.room(room.roomId).calls.slice(calls)).toEqual([]);
  });

  it('refuses NOT_ALLOWED before looking for the entry (no probing for ids)', async () => {
    const room = await busyRoom();
    await expectUnchanged(room, () =>
      expectError(room.member, 'queue:remove', { entryId: 'no-such-entry' }, 'NOT_ALLOWED'),
    );
  });
});

describe('malformed payloads', () => {
  it.each<[string, RequestName, unknown[], RegExp]>([
    ['an unknown entry kind', 'queue:request', [{ kind: 'speech' }], /^kind: /],
    ['a kind of the wrong type', 'queue:request', [{ kind: 1 }], /^kind: /],
    ['a missing kind', 'queue:request', [{}], /^kind: /],
    [
      'a speaker named by a member',
      'queue:request',
      [{ kind: 'contribution', speakerId: 'm2' }],
      /Unrecognized key.*speakerId/,
    ],
    ['a comment text of the wrong type', 'comment:post', [{ text: 42 }], /^text: /],
    ['a comment without text', 'comment:post', [{ stance: 'support' }], /^text: /],
    [
      'an author sent along with a comment',
      'comment:post',
      [{ text: '同意', authorId: 'chair' }],
      /Unrecognized key.*authorId/,
    ],
    ['an unknown stance', 'comment:post', [{ text: '同意', stance: 'against' }], /^stance: /],
    ['a reaction flag as a string', 'comment:react', [{ commentId: 'c1', reaction: 'agree', on: 'true' }], /^on: /],
    ['seconds as a string', 'floor:extend', [{ seconds: '60' }], /^seconds: /],
    ['negative seconds', 'floor:extend', [{ seconds: -60 }], /^seconds: /],
    ['a fractional position', 'queue:move', [{ entryId: 'e1', toIndex: 1.5 }], /^toIndex: /],
    ['an unknown session action', 'session:setStatus', [{ action: 'pause' }], /^action: /],
    ['an unknown setting', 'session:configure', [{ settings: { recording: true } }], /^settings: Unrecognized key/],
    [
      'a date that does not exist',
      'minutes:addAction',
      [{ title: '方案', ownerUnit: '教育局', dueDate: '2025-02-30' }],
      /^dueDate: /,
    ],
    ['a page too large', 'comments:page', [{ limit: 1000 }], /^limit: /],
    ['a hash sent to finalize', 'minutes:finalize', [{ hash: 'a'.repeat(64) }], /Unrecognized key.*hash/],
    ['a string instead of an object', 'comment:post', ['你好'], /expected object/],
    ['null', 'floor:grant', [null], /expected object/],
    ['an array', 'queue:clear', [[]], /expected object/],
    ['no payload at all', 'floor:end', [], /^expected exactly one payload object/],
    [
      'two payloads',
      'queue:request',
      [{ kind: 'contribution' }, { kind: 'reply' }],
      /^expected exactly one payload object/,
    ],
  ])('refuses %s as INVALID_REQUEST', async (_, event, args, message) => {
    const room = await busyRoom();
    // Sent by a role that may issue the request, so the refusal is about the payload alone.
    const sender = event.startsWith('minutes:') && event !== 'minutes:finalize' ? room.secretary : room.chair;
    await expectUnchanged(room, async () => {
      const ack = (await rawRequest(sender, event, ...args)) as {
        ok: boolean;
        error: { code: string; message: string };
      };
      expect(ack).toEqual({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringMatching(message) } });
    });
  });

  it('answers an unknown consultation request as INVALID_REQUEST', async () => {
    const room = await busyRoom();
    await expectUnchanged(room, () => expectError(room.chair, 'floor:seize', {}, 'INVALID_REQUEST', /unknown request/));
  });
});

describe('comment rate limit', () => {
  const { max, windowMs } = QUOTAS.comment[0];

  it(`refuses a member's comment beyond ${max} in ${windowMs / 1000} s as RATE_LIMITED, and only theirs`, async () => {
    const room = await busyRoom();
    // 张委员 has not commented yet: the first `max` go through.
    for (let i = 1; i <= max; i++) await room.member.call('comment:post', { text: `第${i}条意见` });
    await expectUnchanged(room, () =>
      expectError(room.member, 'comment:post', { text: '再说一句' }, 'RATE_LIMITED', /at most 5 comments per 10 s/),
    );
    const { comments } = await room.member.call('session:snapshot', {});
    expect(comments.filter((c) => c.author.id === 'm1').map((c) => c.text)).toEqual(
      Array.from({ length: max }, (_, i) => `第${i + 1}条意见`),
    );
    // The limit is per person: someone else is not held up by the flood.
    expect((await room.member2.request('comment:post', { text: '我也说一句' })).ok).toBe(true);
  });
});
