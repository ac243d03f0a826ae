import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Invitation, MinutesDocument } from '@yishi/shared';
import { HandMadeClient } from '../support/handMadeClient.js';
import { decodeJwtPayload } from '../support/jwt.js';
import { MediasoupTracker } from '../support/media.js';
import { RestClient } from '../support/rest.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/server.js';

/**
 * Sites and quick polls against a real server (real mediasoup worker), with clients written by hand
 * from docs/protocol.md. A site's token from the command line and from the organiser API; then what
 * a hostile client tries — a member opening a poll, answering many times at once, answering a closed
 * poll, a site counting more hands than people, requests replayed — each answered with a typed error
 * or as the retry it is, the session unchanged; and an anonymous poll read by everyone in the room
 * and in the exports, where nobody's answer appears.
 */

const ORGANISER_KEY = 'organiser-key-for-the-site-tests-012345';
const ROOM = 'village-square';
const tracker = new MediasoupTracker();
const hands: HandMadeClient[] = [];
let server: TestServer;
let rest: RestClient;

beforeAll(async () => {
  server = await startTestServer({ env: { ORGANISER_KEY }, rooms: [] });
  rest = new RestClient(server.url);
  const created = await rest.post('/topics', ORGANISER_KEY, {
    id: ROOM,
    title: '关于水口村通村公路改造的院坝协商',
    organiser: '威远县政协',
    agenda: [{ title: '村民议事' }],
  });
  expect(created.status, created.text).toBe(201);
  expect((await rest.post(`/topics/${ROOM}/open`, ORGANISER_KEY)).status).toBe(200);
});

afterEach(() => {
  for (const hand of hands.splice(0)) hand.close();
});

afterAll(async () => {
  await server?.close();
  await tracker.expectAllWorkersGone();
});

const invite = async (body: Record<string, unknown>): Promise<string> => {
  const res = await rest.post(`/topics/${ROOM}/invitations`, ORGANISER_KEY, body);
  expect(res.status, res.text).toBe(201);
  return (res.json as Invitation).token;
};

async function join(token: string): Promise<HandMadeClient> {
  const hand = await HandMadeClient.connect(server.url, token, ROOM);
  hands.push(hand);
  const { rtpCapabilities } = await hand.ok('media:routerCapabilities', {});
  await hand.ok('room:join', { rtpCapabilities });
  return hand;
}

const version = () => server.sessions.current(ROOM).version;
const state = () => structuredClone(server.sessions.current(ROOM).state);

/** Sends `name` and expects `code`, with the session's log and state exactly as they were. */
async function refused(hand: HandMadeClient, name: string, payload: unknown, code: string) {
  const before = { version: version(), state: state() };
  const ack = await hand.request(name, payload);
  expect(ack, name).toEqual({ ok: false, error: { code, message: expect.any(String) } });
  expect(version()).toBe(before.version);
  expect(state()).toEqual(before.state);
  return ack;
}

let people = 0;
async function cast() {
  people += 1;
  const chair = await join(await invite({ role: 'chair', name: '王主席', sub: `chair-${people}` }));
  const member = await join(await invite({ role: 'member', name: `张委员${people}`, sector: '农业界' }));
  const site = await join(
    await invite({ role: 'site', name: '威远县向义镇水口村', operator: '李文书', sub: `site-${people}` }),
  );
  return { chair, member, site };
}

describe('a site’s token', () => {
  it('comes from `npm run token -- --role site --name <place> --operator <name>` and joins as a site', async () => {
    const { stdout } = await promisify(execFile)(
      'npm',
      ['run', '--silent', 'token', '--', '--room', ROOM, '--role', 'site', '--name', '水口村', '--operator', '李文书'],
      { env: { ...process.env, JWT_SECRET: TEST_SECRET } },
    );
    const token = stdout.trim();
    expect(decodeJwtPayload(token)).toMatchObject({ role: 'site', name: '水口村', operator: '李文书', room: ROOM });
    const site = await join(token);
    const snapshot = await site.ok('session:snapshot', {});
    expect(snapshot.sites).toMatchObject({
      sites: expect.arrayContaining([expect.objectContaining({ name: '水口村', operator: '李文书' })]),
    });
  });

  it('is refused an operator for any other role (API: INVALID_REQUEST)', async () => {
    const res = await rest.post(`/topics/${ROOM}/invitations`, ORGANISER_KEY, {
      role: 'member',
      name: '张委员',
      operator: '李文书',
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
  });
});

describe('a site in the room', () => {
  it('reports its headcount (0..5000, whole numbers) and everyone is told', async () => {
    const { member, site } = await cast();
    const seen = member.recordNotifications();
    await site.ok('site:headcount', { count: 30 });
    await expect
      .poll(() => seen.filter((n) => n.event === 'sites:state').at(-1)?.payload)
      .toMatchObject({
        sites: expect.arrayContaining([expect.objectContaining({ name: '威远县向义镇水口村', headcount: 30 })]),
      });
    for (const count of [-1, 5001, 2.5, '30']) await refused(site, 'site:headcount', { count }, 'INVALID_REQUEST');
    await refused(member, 'site:headcount', { count: 3 }, 'NOT_ALLOWED');
  });

  it('names its speaker only while it holds the floor', async () => {
    const { chair, site } = await cast();
    await refused(site, 'site:speaker', { name: '村民代表 王某' }, 'CONFLICT');
    const { id: entryId } = await site.ok('queue:request', { kind: 'contribution' });
    await chair.ok('floor:grant', { entryId });
    await site.ok('site:speaker', { name: '村民代表 王某' });
    const queue = (await chair.ok('session:snapshot', {})).queue as { current: { namedSpeaker?: string } };
    expect(queue.current.namedSpeaker).toBe('村民代表 王某');
    await chair.ok('floor:end', {});
  });
});

describe('hostile poll requests', () => {
  it('a member may not open or close a poll; guests and sites may not answer (NOT_ALLOWED)', async () => {
    const { chair, member, site } = await cast();
    await refused(member, 'poll:open', { question: '我自己来发起？', anonymous: false }, 'NOT_ALLOWED');
    const { id: pollId } = await chair.ok('poll:open', { question: '是否同意改造方案？', anonymous: false });
    await refused(member, 'poll:close', { pollId }, 'NOT_ALLOWED');
    await refused(site, 'poll:answer', { pollId, option: 0 }, 'NOT_ALLOWED');
    await refused(chair, 'poll:answer', { pollId, option: 0 }, 'NOT_ALLOWED');
    await chair.ok('poll:close', { pollId });
  });

  it('a member answering many times at once is counted once; a closed poll takes no answer', async () => {
    const { chair, member } = await cast();
    const { id: pollId } = await chair.ok('poll:open', { question: '是否同意改造方案？', anonymous: false });
    const before = version();
    const acks = await Promise.all(
      Array.from({ length: 8 }, () => member.request('poll:answer', { pollId, option: 1 })),
    );
    expect(acks.every((a) => a.ok)).toBe(true);
    expect(version()).toBe(before + 1); // one answer stored; the other seven were the same again
    const poll = server.sessions.current(ROOM).state.polls.find((p) => p.id === pollId);
    expect(Object.keys(poll?.answers ?? {})).toHaveLength(1);
    await chair.ok('poll:close', { pollId });
    await refused(member, 'poll:answer', { pollId, option: 0 }, 'CONFLICT');
    // Replayed word for word after the close: still refused.
    await refused(member, 'poll:answer', { pollId, option: 1 }, 'CONFLICT');
    await refused(chair, 'poll:close', { pollId }, 'CONFLICT');
  });

  it('a site counting more hands than people present is refused; so are counts of the wrong shape', async () => {
    const { chair, site } = await cast();
    const { id: pollId } = await chair.ok('poll:open', { question: '是否同意改造方案？', anonymous: false });
    await refused(site, 'poll:siteCounts', { pollId, counts: [1, 0, 0] }, 'CONFLICT'); // no headcount yet
    await site.ok('site:headcount', { count: 30 });
    const ack = await refused(site, 'poll:siteCounts', { pollId, counts: [25, 5, 1] }, 'INVALID_REQUEST');
    expect(ack).toMatchObject({ error: { message: 'the counts add up to 31, more than the 30 present' } });
    await refused(site, 'poll:siteCounts', { pollId, counts: [20, 5] }, 'INVALID_REQUEST');
    await refused(site, 'poll:siteCounts', { pollId, counts: [20, -5, 5] }, 'INVALID_REQUEST');
    await refused(site, 'poll:siteCounts', { pollId: 'no-such-poll', counts: [1, 0, 0] }, 'NOT_FOUND');
    await site.ok('poll:siteCounts', { pollId, counts: [20, 5, 5] });
    // The same counts replayed: nothing new is stored.
    const before = version();
    await site.ok('poll:siteCounts', { pollId, counts: [20, 5, 5] });
    expect(version()).toBe(before);
    await chair.ok('poll:close', { pollId });
  });

  it('a replayed poll:open (same id) opens one poll, and a second poll waits for the first to close', async () => {
    const { chair } = await cast();
    const open = { id: '5e1f0c2a-7b7e-4c55-9a52-4f1d2c3b4a59', question: '是否同意改造方案？', anonymous: true };
    const first = await chair.ok('poll:open', open);
    const before = version();
    expect(await chair.ok('poll:open', open)).toEqual({ version: before, id: open.id });
    expect(first.id).toBe(open.id);
    await refused(chair, 'poll:open', { question: '另一个问题', anonymous: false }, 'CONFLICT');
    await chair.ok('poll:close', { pollId: open.id });
  });
});

describe('an anonymous poll', () => {
  it('never says who answered what: not in what anyone in the room is sent, not in the exports', async () => {
    const { chair, member, site } = await cast();
    const others = [chair, site];
    const seen = others.map((hand) => hand.recordNotifications());
    const pollId = (await chair.ok('poll:open', { question: '你是否支持占用部分耕地？', anonymous: true }))
      .id as string;
    await member.ok('poll:answer', { pollId, option: 1 });
    await site.ok('site:headcount', { count: 40 });
    await site.ok('poll:siteCounts', { pollId, counts: [30, 6, 4] });
    await chair.ok('poll:close', { pollId });
    await expect.poll(() => seen[0]?.filter((n) => n.event === 'polls:state').length).toBeGreaterThanOrEqual(4);

    const memberName = `张委员${people}`;
    const memberId = server.sessions.current(ROOM).state.polls.find((p) => p.id === pollId)?.answers;
    const [memberSub] = Object.keys(memberId ?? {});
    expect(memberSub).toBeDefined();
    const pollNews = seen.flat().filter((n) => n.event === 'polls:state');
    const latest = pollNews.at(-1)?.payload as { polls: Array<Record<string, unknown>> };
    expect(latest.polls.find((p) => p.id === pollId)).toMatchObject({
      counts: [30, 7, 4],
      members: [0, 1, 0],
      answered: 1,
      bySector: [],
    });
    for (const text of [JSON.stringify(pollNews), JSON.stringify(await chair.ok('session:snapshot', {}))]) {
      const polls = JSON.stringify((JSON.parse(text) as { polls?: unknown }).polls ?? JSON.parse(text));
      expect(polls).not.toContain(memberName);
      expect(polls).not.toContain(memberSub);
    }
    // The member themself is told their own answer, and only they are.
    expect(((await member.ok('session:snapshot', {})).myAnswers as Record<string, number>)[pollId]).toBe(1);
    expect(((await chair.ok('session:snapshot', {})).myAnswers as Record<string, number>)[pollId]).toBeUndefined();

    const json = await rest.get(`/sessions/${ROOM}/minutes.json`, ORGANISER_KEY);
    const doc = json.json as MinutesDocument;
    const poll = doc.polls.find((p) => p.id === pollId);
    expect(poll).toMatchObject({
      anonymous: true,
      answers: null,
      counts: [30, 7, 4],
      sites: [{ name: '威远县向义镇水口村', counts: [30, 6, 4] }],
    });
    expect(JSON.stringify(poll)).not.toContain(memberName);
    const md = (await rest.get(`/sessions/${ROOM}/minutes.md`, ORGANISER_KEY)).text;
    const pollSection = md.slice(md.indexOf('你是否支持占用部分耕地？'));
    expect(pollSection.slice(0, pollSection.indexOf('\n## '))).not.toContain(memberName);
  });
});
