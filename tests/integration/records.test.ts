import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_TIME_ZONE,
  DirectoryPersonSchema,
  LeaderboardSchema,
  monthOf,
  PeopleListSchema,
  PersonRecordSchema,
} from '@yishi/shared';
import { signUnitToken } from '../../signaling/src/auth/tokens.js';
import { FakeMediaGateway } from '../support/fakeGateway.js';
import { errorCode, RestClient, type RestResponse } from '../support/rest.js';
import { ClientPool } from '../support/room.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Participation records over the real server (docs/domain.md, "Participation records"): a member
 * who speaks and comments in two sessions finds it in their record and on the board; the member
 * directory is the office's; who may read what (docs/security.md) is checked by hand-made
 * requests from every kind of caller, and a refused one changes nothing.
 */

const ORGANISER_KEY = 'organiser-key-for-the-records-tests-01';
const pool = new ClientPool();
let server: TestServer;
let rest: RestClient;
const MONTH = monthOf(Date.now(), DEFAULT_TIME_ZONE);

const tokenFor = (
  sub: string,
  role: 'chair' | 'secretary' | 'member' | 'guest' | 'observer',
  room = 'rec-a',
  sector?: string,
) => server.token({ sub, name: `${role} ${sub}`, role, room, ...(sector ? { sector } : {}) });

beforeAll(async () => {
  server = await startTestServer({ env: { ORGANISER_KEY }, rooms: [], gateway: new FakeMediaGateway() });
  rest = new RestClient(server.url);
  for (const id of ['rec-a', 'rec-b']) {
    expect((await rest.post('/topics', ORGANISER_KEY, { id, title: `议题 ${id}`, organiser: '县政协' })).status).toBe(
      201,
    );
    expect((await rest.post(`/topics/${id}/open`, ORGANISER_KEY)).status).toBe(200);
  }
});

afterEach(() => pool.closeAll());

afterAll(async () => {
  await server?.close();
});

/** `speaker` takes the floor in `room` (the chair grants it) and comments there. */
async function speakAndComment(room: string, speaker: string) {
  const chair = await pool.join(server.url, tokenFor(`chair-${room}`, 'chair', room), room);
  const member = await pool.join(server.url, tokenFor(speaker, 'member', room, '经济界'), room);
  const { id: entryId } = await member.client.call('queue:request', { kind: 'contribution' });
  await chair.client.call('floor:grant', { entryId });
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  await chair.client.call('floor:end', {});
  await member.client.call('comment:post', { text: `在 ${room} 的意见` });
  return { chair, member };
}

const json = <T>(res: RestResponse, schema: { parse(v: unknown): T }): T => {
  expect(res.status, res.text).toBe(200);
  return schema.parse(res.json);
};

describe('participation records', () => {
  it('shows a member’s speeches and comments of two sessions in their record and on the board', async () => {
    await speakAndComment('rec-a', 'm-zhang');
    await speakAndComment('rec-b', 'm-zhang');
    const own = tokenFor('m-zhang', 'member', 'rec-b', '经济界');
    const record = json(await rest.get(`/people/m-zhang/record?period=${MONTH}`, own), PersonRecordSchema);
    expect(record).toMatchObject({
      attended: 2,
      speeches: 2,
      comments: 2,
      person: { name: 'member m-zhang', sector: '经济界' },
    });
    expect(record.speakingSeconds).toBeGreaterThanOrEqual(2);
    expect(record.sessions.map((s) => s.sessionId)).toEqual(['rec-a', 'rec-b']);
    expect(record.rank).toBe(1);

    const board = json(await rest.get(`/leaderboard?period=${MONTH}`, own), LeaderboardSchema);
    expect(board.entries[0]).toMatchObject({ personId: 'm-zhang', rank: 1, attended: 2, speeches: 2, comments: 2 });
    expect(board.me).toMatchObject({ personId: 'm-zhang', rank: 1 });
    expect(board.formula.terms.find((t) => t.key === 'speeches')?.weight).toBe(5);
    // The chairs were entered from their tokens too; ranked, below the member.
    expect(board.entries.map((e) => e.personId)).toEqual(expect.arrayContaining(['chair-rec-a', 'chair-rec-b']));
    const bySector = json(
      await rest.get(`/leaderboard?period=${MONTH}&sector=经济界&limit=1`, ORGANISER_KEY),
      LeaderboardSchema,
    );
    expect(bySector.entries.map((e) => e.personId)).toEqual(['m-zhang']);
    expect(bySector.me).toBeUndefined();
    const year = json(await rest.get(`/leaderboard?period=${MONTH.slice(0, 4)}`, own), LeaderboardSchema);
    expect(year.entries[0]?.personId).toBe('m-zhang');
  });

  it('lets the office manage the directory: add, update, merge, import a roster all or nothing', async () => {
    const added = await rest.post('/people', ORGANISER_KEY, {
      id: 'p-li',
      name: '李委员',
      sector: '教育界',
      term: '第十四届',
    });
    expect(added.status).toBe(201);
    expect(DirectoryPersonSchema.parse(added.json)).toMatchObject({
      id: 'p-li',
      origin: 'organiser',
      status: 'active',
    });
    expect(errorCode(await rest.post('/people', ORGANISER_KEY, { id: 'p-li', name: '又一个' }))).toBe('CONFLICT');
    const updated = await rest.patch('/people/p-li', ORGANISER_KEY, { unit: '县一中' });
    expect(updated.json).toMatchObject({ unit: '县一中', sector: '教育界' });

    const before = json(await rest.get('/people', ORGANISER_KEY), PeopleListSchema).people;
    const bad = await importRoster('id,姓名,界别\np-wang,王委员,农业界\np-li,,教育界\np/x,赵委员,\n');
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('INVALID_REQUEST');
    expect(bad.text).toContain('row 3');
    expect(bad.text).toContain('row 4');
    expect(json(await rest.get('/people', ORGANISER_KEY), PeopleListSchema).people).toEqual(before);

    // Not CSV, too many rows, too large: typed 400s, nothing imported.
    expect(errorCode(await rest.post('/people/import', ORGANISER_KEY, { rows: [{ name: '甲' }] }))).toBe(
      'INVALID_REQUEST',
    );
    expect(errorCode(await importRoster(`name\n${'某委员\n'.repeat(10_001)}`))).toBe('INVALID_REQUEST');
    expect(errorCode(await importRoster(`name\n${'委'.repeat(3_000_000)}\n`))).toBe('INVALID_REQUEST');
    expect(json(await rest.get('/people', ORGANISER_KEY), PeopleListSchema).people).toEqual(before);

    const good = await importRoster(
      'id,姓名,界别,届别,单位\np-wang,王委员,农业界,第十四届,\np-li,李委员,教育界,第十四届,县一中\n,新委员,,,\n',
    );
    expect(good.json).toEqual({ added: 2, updated: 0, unchanged: 1 });
    const people = json(await rest.get('/people', ORGANISER_KEY), PeopleListSchema).people;
    expect(people.find((p) => p.id === 'p-wang')).toMatchObject({ name: '王委员', sector: '农业界', origin: 'import' });

    const merged = await rest.post('/people/merge', ORGANISER_KEY, { from: 'p-wang', into: 'p-li' });
    expect(merged.status).toBe(200);
    const after = json(await rest.get('/people', ORGANISER_KEY), PeopleListSchema).people;
    expect(after.find((p) => p.id === 'p-wang')).toMatchObject({ status: 'merged', mergedInto: 'p-li' });
    expect(errorCode(await rest.post('/people/merge', ORGANISER_KEY, { from: 'p-li', into: 'p-li' }))).toBe(
      'INVALID_REQUEST',
    );
    expect(errorCode(await rest.post('/people/merge', ORGANISER_KEY, { from: 'nobody', into: 'p-li' }))).toBe(
      'NOT_FOUND',
    );
  });

  it('refuses everyone but the office and the person themself, typed, and changes nothing', async () => {
    await speakAndComment('rec-a', 'm-chen');
    const chen = tokenFor('m-chen', 'member');
    const other = tokenFor('m-zhang', 'member');
    const guest = tokenFor('g-1', 'guest');
    const observer = tokenFor('o-1', 'observer');
    const unitInvite = server.token({ sub: 'u-1', name: '张处长', role: 'unit', unit: '县教育局', room: 'rec-a' });
    const unitLedger = signUnitToken(
      server.tokens,
      { sub: 'u-2', name: '刘处长', role: 'unit', unit: '县教育局' },
      3600,
    );
    const stranger = tokenFor('never-joined', 'member');
    const people = json(await rest.get('/people', ORGANISER_KEY), PeopleListSchema).people;

    const record = `/people/m-chen/record?period=${MONTH}`;
    expect((await rest.get(record, chen)).status).toBe(200);
    expect((await rest.get(record, ORGANISER_KEY)).status).toBe(200);
    for (const [who, auth, code] of [
      ['another member', other, 'NOT_ALLOWED'],
      ['a guest', guest, 'NOT_ALLOWED'],
      ['an observer', observer, 'NOT_ALLOWED'],
      ['a unit’s invitation', unitInvite, 'NOT_ALLOWED'],
      ['a unit’s ledger token', unitLedger, 'UNAUTHENTICATED'],
      ['someone not in the directory', stranger, 'NOT_ALLOWED'],
      ['nobody', undefined, 'UNAUTHENTICATED'],
      ['a forged token', `${chen.slice(0, -4)}AAAA`, 'UNAUTHENTICATED'],
    ] as const) {
      expect(errorCode(await rest.get(record, auth)), who).toBe(code);
    }
    for (const auth of [guest, observer, unitInvite, stranger]) {
      expect(errorCode(await rest.get(`/leaderboard?period=${MONTH}`, auth))).toBe('NOT_ALLOWED');
    }
    // Not the office's tools: a member may not touch the directory or export the records.
    for (const [method, path, body] of [
      ['GET', '/people', undefined],
      ['POST', '/people', { name: '冒名' }],
      ['PATCH', '/people/m-zhang', { status: 'removed' }],
      ['POST', '/people/merge', { from: 'm-zhang', into: 'm-chen' }],
      ['GET', `/records.csv?period=${MONTH}`, undefined],
      ['GET', `/records.xlsx?period=${MONTH}`, undefined],
    ] as const) {
      const res = await rest.request(method, path, { auth: chen, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect(errorCode(await importRoster('name\n冒名\n', chen))).toBe('NOT_ALLOWED');
    expect(json(await rest.get('/people', ORGANISER_KEY), PeopleListSchema).people).toEqual(people);

    // Bad periods and queries: a typed 400 before anything is looked up.
    for (const period of ['2026-13', '26', 'term:', 'all', '2026-1', '', 'term:不存在的届']) {
      for (const path of [
        `/leaderboard?period=${encodeURIComponent(period)}`,
        `/people/m-chen/record?period=${encodeURIComponent(period)}`,
      ]) {
        const res = await rest.get(path, ORGANISER_KEY);
        expect([res.status, errorCode(res)], path).toEqual([400, 'INVALID_REQUEST']);
      }
    }
    expect(errorCode(await rest.get(`/leaderboard?period=${MONTH}&limit=0`, chen))).toBe('INVALID_REQUEST');
    expect(errorCode(await rest.get(`/leaderboard?period=${MONTH}&extra=1`, chen))).toBe('INVALID_REQUEST');
    expect(errorCode(await rest.get(`/people/nobody/record?period=${MONTH}`, ORGANISER_KEY))).toBe('NOT_FOUND');
    // Another member cannot learn whether an id exists.
    expect(errorCode(await rest.get(`/people/nobody/record?period=${MONTH}`, chen))).toBe('NOT_ALLOWED');

    // Removed from the directory: their still valid token reads nothing; the office still reads their record.
    expect((await rest.patch('/people/m-chen', ORGANISER_KEY, { status: 'removed' })).status).toBe(200);
    expect(errorCode(await rest.get(record, chen))).toBe('NOT_ALLOWED');
    expect(errorCode(await rest.get(`/leaderboard?period=${MONTH}`, chen))).toBe('NOT_ALLOWED');
    const office = json(await rest.get(record, ORGANISER_KEY), PersonRecordSchema);
    expect(office).toMatchObject({ rank: null, speeches: 1 });
    const board = json(await rest.get(`/leaderboard?period=${MONTH}`, ORGANISER_KEY), LeaderboardSchema);
    expect(board.entries.map((e) => e.personId)).not.toContain('m-chen');
    expect((await rest.patch('/people/m-chen', ORGANISER_KEY, { status: 'active' })).status).toBe(200);
    expect((await rest.get(record, chen)).status).toBe(200);

    // Removed from the room: that room's token is refused here too.
    expect(
      (await rest.post('/topics/rec-a/participants/m-chen/remove', ORGANISER_KEY, { reason: '测试' })).status,
    ).toBe(200);
    expect(errorCode(await rest.get(record, chen))).toBe('NOT_ALLOWED');
  });

  it('makes invitations for a directory person: their id is the token’s sub, their name and sector the directory’s', async () => {
    expect((await rest.post('/people', ORGANISER_KEY, { id: 'p-zhao', name: '赵委员', sector: '农业界' })).status).toBe(
      201,
    );
    const made = await rest.post('/topics/rec-b/invitations', ORGANISER_KEY, { role: 'member', personId: 'p-zhao' });
    expect(made.status, made.text).toBe(201);
    const { token } = made.json as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ sub: 'p-zhao', name: '赵委员', sector: '农业界', role: 'member', room: 'rec-b' });
    // Their own record, with that token, before they ever joined: zeros and one invitation.
    const record = json(await rest.get(`/people/p-zhao/record?period=${MONTH}`, token), PersonRecordSchema);
    expect(record).toMatchObject({ invited: 1, attended: 0, speeches: 0 });

    const chairToken = tokenFor('chair-rec-b', 'chair', 'rec-b');
    const byChair = await rest.post('/topics/rec-b/invitations', chairToken, { role: 'member', personId: 'p-zhao' });
    expect([byChair.status, errorCode(byChair)]).toEqual([403, 'NOT_ALLOWED']);
    const unknown = await rest.post('/topics/rec-b/invitations', ORGANISER_KEY, { role: 'member', personId: 'nobody' });
    expect(errorCode(unknown)).toBe('NOT_FOUND');
    expect((await rest.patch('/people/p-zhao', ORGANISER_KEY, { status: 'removed' })).status).toBe(200);
    const removed = await rest.post('/topics/rec-b/invitations', ORGANISER_KEY, { role: 'member', personId: 'p-zhao' });
    expect(errorCode(removed)).toBe('CONFLICT');
  });

  it('exports the records as CSV and XLSX for the office', async () => {
    const csv = await rest.get(`/records.csv?period=${MONTH}`, ORGANISER_KEY);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain(`records-${MONTH}.csv`);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^名次,编号,姓名,界别/);
    expect(lines.find((l) => l.includes(',m-zhang,'))).toMatch(/^1,m-zhang,member m-zhang,经济界/);
    const en = await rest.get(`/records.csv?period=${MONTH}&lang=en`, ORGANISER_KEY);
    expect(en.text.replace(/^\uFEFF/, '')).toMatch(/^Rank,Id,Name,Sector/);

    const xlsx = await rest.get(`/records.xlsx?period=${MONTH}`, ORGANISER_KEY);
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('履职记录 Records');
    expect(sheet?.getRow(1).getCell(3).value).toBe('姓名');
    expect(sheet?.getRow(2).getCell(3).value).toBe('Name');
    const row = [...Array((sheet?.rowCount ?? 0) + 1).keys()]
      .map((i) => sheet?.getRow(i))
      .find((r) => r?.getCell(2).value === 'm-zhang');
    expect(row?.getCell(1).value).toBe(1);
    expect(book.getWorksheet('公式 Formula')?.getRow(2).getCell(2).value).toMatch(/^score = 10 × sessions attended/);
    expect(errorCode(await rest.get('/records.xlsx?period=nope', ORGANISER_KEY))).toBe('INVALID_REQUEST');
  });
});

function importRoster(csv: string, auth: string = ORGANISER_KEY): Promise<RestResponse> {
  return fetch(`${rest.base}/people/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${auth}`, 'content-type': 'text/csv' },
    body: csv,
  }).then(async (res) => {
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    return { status: res.status, headers: res.headers, bytes, text, json: JSON.parse(text) as unknown };
  });
}
