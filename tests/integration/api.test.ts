import { createHash } from 'node:crypto';
import JSZip from 'jszip';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, type MinutesDocument, type Role, type SessionView } from '@yishi/shared';
import { signToken } from '@yishi/signaling';
import { MediasoupTracker } from '../support/media.js';
import { errorCode, type RestResponse, RestClient } from '../support/rest.js';
import { ClientPool } from '../support/room.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The organiser REST API (`/api/topics…`, `/api/sessions/:id/minutes.*`) against a real server:
 * auth by the organiser key or a room's chair token, the topic lifecycle the socket handshake
 * obeys, and the minutes exports of a consultation driven over Socket.IO.
 */

const ORGANISER_KEY = 'organiser-key-for-the-tests-0123456789';
const tracker = new MediasoupTracker();
const pool = new ClientPool();
let server: TestServer;
let rest: RestClient;

beforeAll(async () => {
  server = await startTestServer({ env: { ORGANISER_KEY }, rooms: [] });
  rest = new RestClient(server.url);
});

afterEach(() => {
  pool.closeAll();
});

afterAll(async () => {
  await server?.close();
  await tracker.expectAllWorkersGone();
});

const NAMES: Record<Role, string> = {
  chair: '王主席',
  secretary: '李秘书',
  member: '张委员',
  guest: '承办单位代表',
  unit: '张处长',
  site: '水口村',
  observer: '列席人员',
};

function token(room: string, role: Role, sub = `${role}-${room}`): string {
  const extra = role === 'member' ? { sector: '农业界' } : role === 'unit' ? { unit: '发展和改革委员会' } : {};
  return server.token({ sub, name: NAMES[role], role, room, ...extra });
}

function topicBody(fields: Record<string, unknown> = {}) {
  return {
    title: '关于推进县域义务教育优质均衡发展的协商',
    organiser: '县政协办公室',
    background: '围绕城乡学校布局与师资配置听取意见。',
    sectors: ['教育界', '农业界'],
    materials: [{ title: '调研报告', url: 'https://example.org/report.pdf' }],
    proposalNumber: '2025-017',
    agenda: [{ title: '承办单位通报办理情况' }, { title: '委员协商发言', description: '每人三分钟' }],
    ...fields,
  };
}

const view = (res: RestResponse) => res.json as SessionView;

async function createOpenTopic(id: string): Promise<void> {
  expect((await rest.post('/topics', ORGANISER_KEY, topicBody({ id }))).status).toBe(201);
  expect((await rest.post(`/topics/${id}/open`, ORGANISER_KEY)).status).toBe(200);
}

describe('topics over REST', () => {
  it('creates a topic with the organiser key, or with a chair token for its own room only', async () => {
    const created = await rest.post('/topics', ORGANISER_KEY, topicBody({ id: 'api-create-1' }));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/topics/api-create-1');
    expect(view(created)).toMatchObject({
      topic: {
        id: 'api-create-1',
        title: '关于推进县域义务教育优质均衡发展的协商',
        organiser: '县政协办公室',
        sectors: ['教育界', '农业界'],
        proposalNumber: '2025-017',
        status: 'draft',
      },
      session: { id: 'api-create-1', status: 'scheduled', timeZone: 'Asia/Shanghai' },
      settings: { mode: 'moderated' },
    });
    expect(view(created).agenda).toEqual([
      { id: expect.any(String), title: '承办单位通报办理情况', status: 'pending' },
      { id: expect.any(String), title: '委员协商发言', description: '每人三分钟', status: 'pending' },
    ]);

    // Without an id, the organiser gets a fresh one.
    const generated = await rest.post('/topics', ORGANISER_KEY, topicBody());
    expect(generated.status).toBe(201);
    const generatedId = view(generated).topic.id;
    expect(generated.headers.get('location')).toBe(`/api/topics/${generatedId}`);
    expect((await rest.get(`/topics/${generatedId}`, ORGANISER_KEY)).status).toBe(200);

    // A chair creates the topic of the room its token is for, and no other.
    const byChair = await rest.post(
      '/topics',
      token('api-chair-room', 'chair'),
      topicBody({ timeZone: 'Asia/Urumqi' }),
    );
    expect(byChair.status).toBe(201);
    expect(view(byChair)).toMatchObject({ topic: { id: 'api-chair-room' }, session: { timeZone: 'Asia/Urumqi' } });
    const elsewhere = await rest.post('/topics', token('api-chair-2', 'chair'), topicBody({ id: 'api-not-mine' }));
    expect([elsewhere.status, errorCode(elsewhere)]).toEqual([403, 'NOT_ALLOWED']);
    expect((await rest.get('/topics/api-not-mine', ORGANISER_KEY)).status).toBe(404);

    const byMember = await rest.post('/topics', token('api-member-room', 'member'), topicBody());
    expect([byMember.status, errorCode(byMember)]).toEqual([403, 'NOT_ALLOWED']);
    const bySecretary = await rest.post('/topics', token('api-member-room', 'secretary'), topicBody());
    expect([bySecretary.status, errorCode(bySecretary)]).toEqual([403, 'NOT_ALLOWED']);
    expect((await rest.get('/topics/api-member-room', ORGANISER_KEY)).status).toBe(404);

    const anonymous = await rest.post('/topics', undefined, topicBody({ id: 'api-anon' }));
    expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'UNAUTHENTICATED']);
    const garbage = await rest.post('/topics', 'not-a-token', topicBody({ id: 'api-anon' }));
    expect([garbage.status, errorCode(garbage)]).toEqual([401, 'UNAUTHENTICATED']);
    const forged = signToken(
      { secret: 'another-secret-that-is-long-enough-for-hs256', issuer: 'yishi', audience: 'yishi' },
      { sub: 'x', name: '伪造', role: 'chair', room: 'api-anon' },
      '1h',
    );
    const forgedRes = await rest.post('/topics', forged, topicBody());
    expect([forgedRes.status, errorCode(forgedRes)]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await rest.get('/topics/api-anon', ORGANISER_KEY)).status).toBe(404);

    const again = await rest.post('/topics', ORGANISER_KEY, topicBody({ id: 'api-create-1', title: '重复' }));
    expect([again.status, errorCode(again)]).toEqual([409, 'CONFLICT']);
    expect(view(await rest.get('/topics/api-create-1', ORGANISER_KEY)).topic.title).toBe(
      '关于推进县域义务教育优质均衡发展的协商',
    );
  });

  it('refuses malformed topics with 400 INVALID_REQUEST and creates nothing', async () => {
    const bad: Array<[string, unknown]> = [
      ['no title', { ...topicBody({ id: 'api-bad' }), title: undefined }],
      ['empty title', topicBody({ id: 'api-bad', title: '   ' })],
      ['unknown field', topicBody({ id: 'api-bad', status: 'open' })],
      ['material without a URL', topicBody({ id: 'api-bad', materials: [{ title: '报告', url: 'not a url' }] })],
      ['unknown time zone', topicBody({ id: 'api-bad', timeZone: 'Mars/Olympus' })],
      ['turn too short', topicBody({ id: 'api-bad', settings: { turnSeconds: { contribution: 1 } } })],
      ['bad room id', topicBody({ id: 'api bad/../x' })],
      ['bad scheduledAt', topicBody({ id: 'api-bad', scheduledAt: 'next Tuesday' })],
      ['oversize title', topicBody({ id: 'api-bad', title: '议'.repeat(201) })],
      ['not an object', ['api-bad']],
    ];
    for (const [what, body] of bad) {
      const res = await rest.post('/topics', ORGANISER_KEY, body);
      expect([what, res.status, errorCode(res)]).toEqual([what, 400, 'INVALID_REQUEST']);
    }
    const notJson = await rest.request('POST', '/topics', { auth: ORGANISER_KEY, rawBody: '{"title": "议题",' });
    expect([notJson.status, errorCode(notJson)]).toEqual([400, 'INVALID_REQUEST']);
    // Beyond the body limit, or in another charset: still the client's fault, not a server error.
    const huge = await rest.post(
      '/topics',
      ORGANISER_KEY,
      topicBody({ id: 'api-bad', background: '背'.repeat(100_000) }),
    );
    expect([huge.status, errorCode(huge)]).toEqual([400, 'INVALID_REQUEST']);
    const latin = await fetch(`${rest.base}/topics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ORGANISER_KEY}`, 'content-type': 'application/json; charset=latin-9' },
      body: JSON.stringify(topicBody({ id: 'api-bad' })),
    });
    expect(latin.status).toBe(400);
    expect(await latin.json()).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    expect((await rest.get('/topics/api-bad', ORGANISER_KEY)).status).toBe(404);
  });

  it('lists every topic to the organiser and only its own to a chair', async () => {
    await rest.post('/topics', ORGANISER_KEY, topicBody({ id: 'api-list-a', title: '议题甲' }));
    await rest.post('/topics', ORGANISER_KEY, topicBody({ id: 'api-list-b', title: '议题乙' }));

    const all = await rest.get('/topics', ORGANISER_KEY);
    expect(all.status).toBe(200);
    const ids = (all.json as Array<{ id: string }>).map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining(['api-list-a', 'api-list-b']));
    expect(all.json).toEqual(
      expect.arrayContaining([
        {
          id: 'api-list-a',
          title: '议题甲',
          organiser: '县政协办公室',
          status: 'draft',
          session: { status: 'scheduled', scheduledAt: null, timeZone: 'Asia/Shanghai' },
        },
      ]),
    );

    const chairs = await rest.get('/topics', token('api-list-b', 'chair'));
    expect(chairs.status).toBe(200);
    expect((chairs.json as Array<{ id: string }>).map((t) => t.id)).toEqual(['api-list-b']);
    const none = await rest.get('/topics', token('api-list-nothing', 'chair'));
    expect(none.json).toEqual([]);
    const anonymous = await rest.get('/topics');
    expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('reads a topic: organiser, or anyone invited to that room; not another room’s token', async () => {
    await rest.post('/topics', ORGANISER_KEY, topicBody({ id: 'api-read' }));
    const byOrganiser = await rest.get('/topics/api-read', ORGANISER_KEY);
    expect(byOrganiser.status).toBe(200);
    for (const role of ['chair', 'secretary', 'member', 'observer'] as const) {
      const res = await rest.get('/topics/api-read', token('api-read', role));
      expect([role, res.status, res.json]).toEqual([role, 200, byOrganiser.json]);
    }
    const otherRoom = await rest.get('/topics/api-read', token('api-list-a', 'chair'));
    expect([otherRoom.status, errorCode(otherRoom)]).toEqual([403, 'NOT_ALLOWED']);
  });

  it('lifecycle: patch, schedule, open (joining only from then on), close, archive', async () => {
    const id = 'api-life';
    const chair = token(id, 'chair');
    const member = token(id, 'member');
    expect((await rest.post('/topics', ORGANISER_KEY, topicBody({ id }))).status).toBe(201);

    // Not open yet: nobody gets in.
    await expect(pool.connect(server.url, member, id)).rejects.toMatchObject({ code: 'SESSION_NOT_OPEN' });
    await expect(pool.connect(server.url, chair, id)).rejects.toMatchObject({ code: 'SESSION_NOT_OPEN' });

    const before = view(await rest.get(`/topics/${id}`, ORGANISER_KEY));
    const [first] = before.agenda;
    const patched = await rest.patch(`/topics/${id}`, chair, {
      title: '关于推进县域义务教育优质均衡发展的专题协商',
      background: '补充：含寄宿制学校。',
      agenda: [{ id: first?.id, title: '承办单位通报' }, { title: '自由发言' }, { title: '形成协商意见' }],
    });
    expect(patched.status).toBe(200);
    expect(view(patched).topic).toMatchObject({
      title: '关于推进县域义务教育优质均衡发展的专题协商',
      background: '补充：含寄宿制学校。',
      organiser: '县政协办公室',
    });
    expect(view(patched).agenda.map((i) => i.title)).toEqual(['承办单位通报', '自由发言', '形成协商意见']);
    expect(view(patched).agenda[0]?.id).toBe(first?.id);
    expect(view(patched).version).toBeGreaterThan(before.version);

    const patchedView = view(patched);
    const badPatches: unknown[] = [
      {},
      { title: '' },
      { status: 'open' },
      { agenda: 'first, second' },
      { agenda: [{ title: '' }] },
      { materials: [{ title: '链接', url: 'javascript' }] },
    ];
    for (const body of badPatches) {
      const res = await rest.patch(`/topics/${id}`, ORGANISER_KEY, body);
      expect([body, res.status, errorCode(res)]).toEqual([body, 400, 'INVALID_REQUEST']);
    }
    const byMember = await rest.patch(`/topics/${id}`, member, { title: '委员改的标题' });
    expect([byMember.status, errorCode(byMember)]).toEqual([403, 'NOT_ALLOWED']);
    expect(view(await rest.get(`/topics/${id}`, ORGANISER_KEY))).toEqual(patchedView);

    const when = '2026-12-01T09:30:00+08:00';
    for (const body of [{}, { scheduledAt: 'tomorrow morning' }, { scheduledAt: '2026-12-01' }, { when }]) {
      const res = await rest.post(`/topics/${id}/schedule`, chair, body);
      expect([body, res.status, errorCode(res)]).toEqual([body, 400, 'INVALID_REQUEST']);
    }
    expect(view(await rest.get(`/topics/${id}`, ORGANISER_KEY))).toEqual(patchedView);
    const scheduled = await rest.post(`/topics/${id}/schedule`, chair, { scheduledAt: when });
    expect(scheduled.status).toBe(200);
    expect(view(scheduled)).toMatchObject({
      topic: { status: 'scheduled' },
      session: { status: 'scheduled', scheduledAt: Date.parse(when) },
    });
    const listed = (await rest.get('/topics', chair)).json;
    expect(listed).toEqual([
      expect.objectContaining({
        id,
        session: { status: 'scheduled', scheduledAt: Date.parse(when), timeZone: 'Asia/Shanghai' },
      }),
    ]);
    await expect(pool.connect(server.url, member, id)).rejects.toMatchObject({ code: 'SESSION_NOT_OPEN' });

    const notYetClosed = await rest.post(`/topics/${id}/archive`, ORGANISER_KEY);
    expect([notYetClosed.status, errorCode(notYetClosed)]).toEqual([409, 'CONFLICT']);
    const openedByMember = await rest.post(`/topics/${id}/open`, member);
    expect([openedByMember.status, errorCode(openedByMember)]).toEqual([403, 'NOT_ALLOWED']);

    const opened = await rest.post(`/topics/${id}/open`, chair);
    expect(opened.status).toBe(200);
    expect(view(opened)).toMatchObject({
      topic: { status: 'in_session' },
      session: { status: 'open', openedAt: expect.any(Number) },
    });
    const inside = await pool.join(server.url, member, id);
    expect(inside.join.snapshot.session.session.status).toBe('open');
    expect(inside.join.snapshot.session.topic.title).toBe('关于推进县域义务教育优质均衡发展的专题协商');
    const reopened = await rest.post(`/topics/${id}/open`, chair);
    expect([reopened.status, errorCode(reopened)]).toEqual([409, 'CONFLICT']);
    const rescheduled = await rest.post(`/topics/${id}/schedule`, chair, { scheduledAt: when });
    expect([rescheduled.status, errorCode(rescheduled)]).toEqual([409, 'CONFLICT']);

    const closed = await rest.post(`/topics/${id}/close`, chair);
    expect(closed.status).toBe(200);
    expect(view(closed)).toMatchObject({
      topic: { status: 'concluded' },
      session: { status: 'closed', closedAt: expect.any(Number) },
    });
    // Closed: members stay out; the chair (and secretary) still come in for the minutes.
    await expect(pool.connect(server.url, token(id, 'member', 'late-member'), id)).rejects.toMatchObject({
      code: 'SESSION_NOT_OPEN',
    });
    await pool.connect(server.url, chair, id);
    const lateEdit = await rest.patch(`/topics/${id}`, chair, { title: '会后改标题' });
    expect([lateEdit.status, errorCode(lateEdit)]).toEqual([409, 'CONFLICT']);

    const archivedByChair = await rest.post(`/topics/${id}/archive`, chair);
    expect([archivedByChair.status, errorCode(archivedByChair)]).toEqual([403, 'NOT_ALLOWED']);
    const archived = await rest.post(`/topics/${id}/archive`, ORGANISER_KEY);
    expect(archived.status).toBe(200);
    expect(view(archived)).toMatchObject({ topic: { status: 'archived' }, session: { status: 'closed' } });
    const twice = await rest.post(`/topics/${id}/archive`, ORGANISER_KEY);
    expect([twice.status, errorCode(twice)]).toEqual([409, 'CONFLICT']);
  });

  it('answers 404 NOT_FOUND for unknown topics and routes', async () => {
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/topics/api-nowhere'],
      ['PATCH', '/topics/api-nowhere', { title: '标题' }],
      ['POST', '/topics/api-nowhere/schedule', { scheduledAt: '2026-12-01T09:30:00Z' }],
      ['POST', '/topics/api-nowhere/open'],
      ['POST', '/topics/api-nowhere/close'],
      ['POST', '/topics/api-nowhere/archive'],
      ['GET', '/sessions/api-nowhere/minutes.json'],
      ['GET', '/no-such-thing'],
    ];
    for (const [method, path, body] of calls) {
      const res = await rest.request(method, path, { auth: ORGANISER_KEY, body });
      expect([method, path, res.status, errorCode(res)]).toEqual([method, path, 404, 'NOT_FOUND']);
    }
    // A chair of a room without a topic gets the same answer for its own room.
    const own = await rest.get('/topics/api-nowhere', token('api-nowhere', 'chair'));
    expect([own.status, errorCode(own)]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('minutes exports over REST', () => {
  const id = 'api-minutes';
  const SUMMARY = '建议设立县域教育均衡发展专项资金，并建立资金使用绩效评价机制。';
  const CORRECTED = '建议设立专项资金（更正：由县财政与教育局共同管理），并建立绩效评价机制。';
  let hashV1 = '';
  let jsonV1 = '';

  beforeAll(async () => {
    await createOpenTopic(id);
  });

  const chairToken = () => token(id, 'chair');
  const secretaryToken = () => token(id, 'secretary');

  async function zipText(res: RestResponse, file: string): Promise<string> {
    const zip = await JSZip.loadAsync(res.bytes);
    const entry = zip.file(file);
    if (!entry) throw new Error(`${file} missing from the docx`);
    return entry.async('string');
  }

  it('after a short consultation: JSON, Markdown and DOCX for chair and secretary; 403 for a member', async () => {
    const chair = await pool.join(server.url, chairToken(), id);
    const secretary = await pool.join(server.url, secretaryToken(), id);
    const member = await pool.join(server.url, token(id, 'member'), id);

    const { id: entryId } = await member.client.call('queue:request', { kind: 'contribution' });
    await chair.client.call('floor:grant', { entryId });
    await chair.client.call('floor:end', {});
    const { minutes } = await secretary.client.call('session:snapshot', {});
    const turn = minutes?.turns.find((t) => t.speaker.id === `member-${id}`);
    expect(turn?.endedAt).toEqual(expect.any(Number));
    await secretary.client.call('minutes:setSummary', { turnId: turn!.id, text: SUMMARY });
    await secretary.client.call('minutes:addConsensus', { text: '乡村学校办学条件改善纳入年度民生实事。' });
    await secretary.client.call('minutes:addAction', {
      title: '制定专项资金管理办法',
      ownerUnit: '县教育局',
      dueDate: '2026-12-31',
    });
    const { id: commentId } = await member.client.call('comment:post', {
      text: '建议关注寄宿生心理健康。',
      stance: 'support',
    });
    await secretary.client.call('minutes:promoteComment', { commentId: commentId! });

    for (const auth of [chairToken(), secretaryToken(), ORGANISER_KEY]) {
      const json = await rest.get(`/sessions/${id}/minutes.json`, auth);
      expect(json.status).toBe(200);
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);
      const doc = json.json as MinutesDocument & { hash?: string };
      expect(doc).toMatchObject({ schema: 'yishi.minutes/v1', version: 1, status: 'draft', timeZone: 'Asia/Shanghai' });
      expect(doc.hash).toBeUndefined();
      expect(doc.topic).toMatchObject({
        id,
        title: '关于推进县域义务教育优质均衡发展的协商',
        proposalNumber: '2025-017',
      });
      expect(doc.speeches).toEqual([
        expect.objectContaining({
          turnId: turn!.id,
          speaker: { id: `member-${id}`, name: '张委员', role: 'member', sector: '农业界' },
          kind: 'contribution',
          endReason: 'chair',
          summary: SUMMARY,
        }),
      ]);
      expect(doc.consensus).toEqual(['乡村学校办学条件改善纳入年度民生实事。']);
      expect(doc.actions).toEqual([
        {
          id: expect.any(String),
          title: '制定专项资金管理办法',
          ownerUnit: '县教育局',
          dueDate: '2026-12-31',
          status: 'open',
        },
      ]);
      expect(doc.promotedComments).toEqual([
        expect.objectContaining({ id: commentId, text: '建议关注寄宿生心理健康。' }),
      ]);
      expect(doc.attendance.map((p) => p.name).sort()).toEqual(['张委员', '李秘书', '王主席'].sort());

      const md = await rest.get(`/sessions/${id}/minutes.md`, auth);
      expect(md.status).toBe(200);
      expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
      expect(md.text).toContain('张委员');
      expect(md.text).toContain(SUMMARY);
      expect(md.text).toContain('县教育局');

      const docx = await rest.get(`/sessions/${id}/minutes.docx`, auth);
      expect(docx.status).toBe(200);
      expect(docx.headers.get('content-type')).toBe(
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      );
      expect(docx.headers.get('content-disposition')).toContain(`minutes-${id}-v1.docx`);
      const xml = await zipText(docx, 'word/document.xml');
      expect(xml).toContain('张委员');
      expect(xml).toContain(SUMMARY);
    }

    const english = await rest.get(`/sessions/${id}/minutes.md?lang=en`, chairToken());
    expect(english.status).toBe(200);
    expect(english.text).toContain(SUMMARY);
    expect(english.text).not.toBe((await rest.get(`/sessions/${id}/minutes.md`, chairToken())).text);

    for (const format of ['json', 'md', 'docx']) {
      const byMember = await rest.get(`/sessions/${id}/minutes.${format}`, token(id, 'member'));
      expect([format, byMember.status, errorCode(byMember)]).toEqual([format, 403, 'NOT_ALLOWED']);
    }
    const otherChair = await rest.get(`/sessions/${id}/minutes.json`, token('api-list-a', 'chair'));
    expect([otherChair.status, errorCode(otherChair)]).toEqual([403, 'NOT_ALLOWED']);
    const anonymous = await rest.get(`/sessions/${id}/minutes.json`);
    expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'UNAUTHENTICATED']);
    const pdf = await rest.get(`/sessions/${id}/minutes.pdf`, chairToken());
    expect([pdf.status, errorCode(pdf)]).toEqual([404, 'NOT_FOUND']);
    const noVersion = await rest.get(`/sessions/${id}/minutes.json?version=1`, chairToken());
    expect([noVersion.status, errorCode(noVersion)]).toEqual([404, 'NOT_FOUND']);
  });

  it('a finalized version is frozen with its hash; corrections need reopening and make version 2', async () => {
    const chair = await pool.join(server.url, chairToken(), id);
    const secretary = await pool.join(server.url, secretaryToken(), id);
    const draft = (await rest.get(`/sessions/${id}/minutes.json`, chairToken())).json as MinutesDocument;

    await secretary.client.call('minutes:submit', {});
    const early = await secretary.client.request('minutes:finalize', {});
    expect(early).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    await chair.client.call('minutes:finalize', {});

    const v1 = await rest.get(`/sessions/${id}/minutes.json?version=1`, secretaryToken());
    expect(v1.status).toBe(200);
    const { hash, ...frozen } = v1.json as MinutesDocument & { hash: string };
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(createHash('sha256').update(canonicalJson(frozen)).digest('hex')).toBe(hash);
    expect(frozen).toMatchObject({ schema: 'yishi.minutes/v1', version: 1, status: 'finalized' });
    expect(frozen.speeches.map((s) => s.summary)).toEqual([SUMMARY]);
    expect(frozen.consensus).toEqual(draft.consensus);
    const { minutes } = await chair.client.call('session:snapshot', {});
    expect(minutes?.minutes).toMatchObject({ status: 'finalized', version: 1 });
    expect(minutes?.minutes.finalized).toEqual([{ version: 1, hash, at: expect.any(Number), by: `chair-${id}` }]);
    hashV1 = hash;
    jsonV1 = v1.text;

    const md = await rest.get(`/sessions/${id}/minutes.md?version=1`, chairToken());
    expect(md.text).toContain(hash);
    expect(md.text).toContain(SUMMARY);
    const docx = await rest.get(`/sessions/${id}/minutes.docx?version=1`, chairToken());
    const zip = await JSZip.loadAsync(docx.bytes);
    const parts = await Promise.all(
      Object.keys(zip.files)
        .filter((name) => name.startsWith('word/') && name.endsWith('.xml'))
        .map((name) => zip.file(name)!.async('string')),
    );
    expect(parts.some((xml) => xml.includes(hash))).toBe(true);

    // Finalized: edits are refused until reopened, and change nothing.
    const refused = await secretary.client.request('minutes:setSummary', {
      turnId: frozen.speeches[0]!.turnId,
      text: CORRECTED,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect((await rest.get(`/sessions/${id}/minutes.json?version=1`, chairToken())).text).toBe(jsonV1);

    await secretary.client.call('minutes:reopen', {});
    await secretary.client.call('minutes:setSummary', { turnId: frozen.speeches[0]!.turnId, text: CORRECTED });
    const current = (await rest.get(`/sessions/${id}/minutes.json`, chairToken())).json as MinutesDocument;
    expect(current).toMatchObject({ version: 2, status: 'draft' });
    expect(current.speeches.map((s) => s.summary)).toEqual([CORRECTED]);
    const currentMd = await rest.get(`/sessions/${id}/minutes.md`, chairToken());
    expect(currentMd.text).toContain(CORRECTED);
    expect(currentMd.text).not.toContain(hashV1);
    expect((await rest.get(`/sessions/${id}/minutes.json?version=1`, chairToken())).text).toBe(jsonV1);
    const noV2 = await rest.get(`/sessions/${id}/minutes.json?version=2`, chairToken());
    expect([noV2.status, errorCode(noV2)]).toEqual([404, 'NOT_FOUND']);

    await secretary.client.call('minutes:submit', {});
    await chair.client.call('minutes:finalize', {});
    const v2 = await rest.get(`/sessions/${id}/minutes.json?version=2`, chairToken());
    const { hash: hashV2, ...frozenV2 } = v2.json as MinutesDocument & { hash: string };
    expect(frozenV2).toMatchObject({ version: 2, status: 'finalized' });
    expect(frozenV2.speeches.map((s) => s.summary)).toEqual([CORRECTED]);
    expect(hashV2).not.toBe(hashV1);
    expect(createHash('sha256').update(canonicalJson(frozenV2)).digest('hex')).toBe(hashV2);
    const docxV2 = await rest.get(`/sessions/${id}/minutes.docx?version=2`, chairToken());
    expect(docxV2.headers.get('content-disposition')).toContain(`minutes-${id}-v2.docx`);
    expect(await zipText(docxV2, 'word/document.xml')).toContain(CORRECTED);
    expect((await rest.get(`/sessions/${id}/minutes.json?version=1`, chairToken())).text).toBe(jsonV1);
    const v3 = await rest.get(`/sessions/${id}/minutes.json?version=3`, chairToken());
    expect([v3.status, errorCode(v3)]).toEqual([404, 'NOT_FOUND']);
  });
});
