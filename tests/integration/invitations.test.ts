import fs from 'node:fs';
import JSZip from 'jszip';
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Invitation, MinutesDocument, Role, WhoAmI } from '@yishi/shared';
import { decodeJwtPayload } from '../support/jwt.js';
import { MediasoupTracker } from '../support/media.js';
import { errorCode, RestClient } from '../support/rest.js';
import { ClientPool } from '../support/room.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Invitations (`POST /api/topics/:id/invitations`) and `GET /api/whoami` against a real server:
 * the organiser key or the room's chair token mints a join link whose token enters the room with
 * the role it names; everyone else, unknown and archived topics and malformed bodies are refused.
 */

const ORGANISER_KEY = 'organiser-key-for-invitations-0123456789';
const tracker = new MediasoupTracker();
const pool = new ClientPool();
let server: TestServer;
let rest: RestClient;

beforeAll(async () => {
  server = await startTestServer({ env: { ORGANISER_KEY }, rooms: [] });
  rest = new RestClient(server.url);
  for (const id of ['inv-open', 'inv-archived', 'inv-record']) {
    const created = await rest.post('/topics', ORGANISER_KEY, {
      id,
      title: '关于完善社区养老服务的协商',
      organiser: '市政协社会和法制委员会',
      agenda: [{ title: '通报情况' }, { title: '协商发言' }],
    });
    expect(created.status).toBe(201);
    expect((await rest.post(`/topics/${id}/open`, ORGANISER_KEY)).status).toBe(200);
  }
  expect((await rest.post('/topics/inv-archived/close', ORGANISER_KEY)).status).toBe(200);
  expect((await rest.post('/topics/inv-archived/archive', ORGANISER_KEY)).status).toBe(200);
});

afterEach(() => {
  pool.closeAll();
});

afterAll(async () => {
  await server?.close();
  await tracker.expectAllWorkersGone();
});

const tokenFor = (room: string, role: Role) => server.token({ sub: `${role}-${room}`, name: '王主席', role, room });
const invite = (id: string, auth: string | undefined, body: unknown) =>
  rest.post(`/topics/${id}/invitations`, auth, body);

describe('invitations', () => {
  it('the organiser key mints a join link whose token enters the room with the given role', async () => {
    const before = Date.now();
    const res = await invite('inv-open', ORGANISER_KEY, { role: 'member', name: '张委员', sector: '农业界' });
    expect(res.status).toBe(201);
    const invitation = res.json as Invitation;
    expect(Object.keys(invitation).sort()).toEqual(['expiresAt', 'token', 'url']);
    // No PUBLIC_URL: the link is on the origin the request reached.
    expect(invitation.url).toBe(`${server.url}/r/inv-open#token=${encodeURIComponent(invitation.token)}`);
    // 72 hours by default.
    const expires = Date.parse(invitation.expiresAt);
    expect(expires - before).toBeGreaterThan(72 * 3600_000 - 5000);
    expect(expires - before).toBeLessThan(72 * 3600_000 + 5000);
    const claims = decodeJwtPayload(invitation.token);
    expect(claims).toMatchObject({ name: '张委员', role: 'member', room: 'inv-open', sector: '农业界' });
    expect(claims.exp).toBe(expires / 1000);

    const { join } = await pool.join(server.url, invitation.token, 'inv-open');
    expect(join.self).toMatchObject({ id: claims.sub, name: '张委员', role: 'member', sector: '农业界' });

    // Each invitation is a different person unless `sub` says otherwise.
    const again = (await invite('inv-open', ORGANISER_KEY, { role: 'member', name: '张委员' })).json as Invitation;
    expect(decodeJwtPayload(again.token).sub).not.toBe(claims.sub);
  });

  it('a chair token of the room invites a new person, with a chosen lifetime', async () => {
    const res = await invite('inv-open', tokenFor('inv-open', 'chair'), {
      role: 'secretary',
      name: '李秘书',
      ttlHours: 2,
    });
    expect(res.status).toBe(201);
    const invitation = res.json as Invitation;
    expect(Date.parse(invitation.expiresAt) - Date.now()).toBeLessThanOrEqual(2 * 3600_000);
    expect(Date.parse(invitation.expiresAt) - Date.now()).toBeGreaterThan(2 * 3600_000 - 10_000);
    const { sub } = decodeJwtPayload(invitation.token);
    expect(sub).toMatch(/^inv-/);
    const { join } = await pool.join(server.url, invitation.token, 'inv-open');
    expect(join.self).toMatchObject({ id: sub, name: '李秘书', role: 'secretary' });
    expect(join.self.sector).toBeUndefined();

    // Up to 30 days.
    const long = await invite('inv-open', ORGANISER_KEY, { role: 'observer', name: '列席人员', ttlHours: 720 });
    expect(long.status).toBe(201);
  });

  it('lets only the organiser key choose whose invitation it is (sub): a chair cannot become a member', async () => {
    // A member in the room, then a chair minting a token with that member's id: it would take over
    // their connection and speak and comment as them in the minutes.
    const member = await pool.join(server.url, tokenFor('inv-open', 'member'), 'inv-open');
    const res = await invite('inv-open', tokenFor('inv-open', 'chair'), {
      role: 'member',
      name: '王主席',
      sub: member.join.self.id,
    });
    expect([res.status, errorCode(res)]).toEqual([403, 'NOT_ALLOWED']);
    expect(res.json).not.toHaveProperty('token');

    // The organiser issues the person's own link again (a lost link), with their id.
    const reissued = await invite('inv-open', ORGANISER_KEY, {
      role: 'secretary',
      name: '李秘书',
      sub: 'secretary-li',
    });
    expect(reissued.status).toBe(201);
    const { join } = await pool.join(server.url, (reissued.json as Invitation).token, 'inv-open');
    expect(join.self).toMatchObject({ id: 'secretary-li', name: '李秘书', role: 'secretary' });
  });

  it('honours X-Forwarded-Proto and the Host header in the link, and refuses a malformed Host', async () => {
    // fetch may not set Host: a raw request does.
    const post = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const req = http.request(
          `${server.url}/api/topics/inv-open/invitations`,
          {
            method: 'POST',
            headers: { authorization: `Bearer ${ORGANISER_KEY}`, 'content-type': 'application/json', ...headers },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              text += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ role: 'guest', name: '承办单位代表' }));
      });
    const proxied = await post({ 'x-forwarded-proto': 'https', host: 'yishi.example.org' });
    expect(proxied.status).toBe(201);
    const { url, token } = proxied.body as Invitation;
    expect(url).toBe(`https://yishi.example.org/r/inv-open#token=${encodeURIComponent(token)}`);
    const hostile = await post({ host: 'evil.example/phish?x=' });
    expect([hostile.status, (hostile.body as { error: { code: string } }).error.code]).toEqual([
      400,
      'INVALID_REQUEST',
    ]);
  });

  it('uses PUBLIC_URL, when configured, whatever the request says', async () => {
    const other = await startTestServer({
      env: { ORGANISER_KEY, PUBLIC_URL: 'https://yishi.example.org/' },
      rooms: ['inv-public'],
    });
    try {
      const res = await new RestClient(`http://127.0.0.1:${other.port}`).post(
        '/topics/inv-public/invitations',
        ORGANISER_KEY,
        { role: 'member', name: '张委员' },
      );
      expect(res.status).toBe(201);
      const { url, token } = res.json as Invitation;
      expect(url).toBe(`https://yishi.example.org/r/inv-public#token=${encodeURIComponent(token)}`);
    } finally {
      await other.close();
      fs.rmSync(other.config.dataDir, { recursive: true, force: true });
    }
  });

  it('refuses other roles, other rooms and no credentials', async () => {
    const body = { role: 'member', name: '张委员' };
    for (const role of ['member', 'secretary', 'guest', 'observer'] as const) {
      const res = await invite('inv-open', tokenFor('inv-open', role), body);
      expect([role, res.status, errorCode(res)]).toEqual([role, 403, 'NOT_ALLOWED']);
    }
    const otherRoom = await invite('inv-open', tokenFor('inv-elsewhere', 'chair'), body);
    expect([otherRoom.status, errorCode(otherRoom)]).toEqual([403, 'NOT_ALLOWED']);
    const anonymous = await invite('inv-open', undefined, body);
    expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'UNAUTHENTICATED']);
    const wrongKey = await invite('inv-open', 'not-the-organiser-key-0123456789', body);
    expect([wrongKey.status, errorCode(wrongKey)]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('refuses unknown topics (404) and archived ones (409)', async () => {
    const body = { role: 'member', name: '张委员' };
    const unknown = await invite('inv-nowhere', ORGANISER_KEY, body);
    expect([unknown.status, errorCode(unknown)]).toEqual([404, 'NOT_FOUND']);
    const archived = await invite('inv-archived', ORGANISER_KEY, body);
    expect([archived.status, errorCode(archived)]).toEqual([409, 'CONFLICT']);
  });

  it('refuses malformed bodies with 400 and mints nothing', async () => {
    const bad: unknown[] = [
      {},
      { role: 'member' },
      { name: '张委员' },
      { role: 'organiser', name: '张委员' },
      { role: 'king', name: '张委员' },
      { role: 'member', name: '' },
      { role: 'member', name: '   ' },
      { role: 'member', name: '张'.repeat(65) },
      { role: 'member', name: '张委员', sector: '' },
      { role: 'member', name: '张委员', sector: '界'.repeat(33) },
      { role: 'member', name: '张委员', sub: 'x'.repeat(129) },
      { role: 'member', name: '张委员', ttlHours: 0 },
      { role: 'member', name: '张委员', ttlHours: 721 },
      { role: 'member', name: '张委员', ttlHours: 1.5 },
      { role: 'member', name: '张委员', ttlHours: '72' },
      { role: 'member', name: '张委员', room: 'inv-archived' },
      { role: 'member', name: '张委员', extra: true },
      ['member'],
      'member',
    ];
    for (const body of bad) {
      const res = await invite('inv-open', ORGANISER_KEY, body);
      expect([JSON.stringify(body).slice(0, 60), res.status, errorCode(res)]).toEqual([
        JSON.stringify(body).slice(0, 60),
        400,
        'INVALID_REQUEST',
      ]);
    }
    const notJson = await rest.request('POST', '/topics/inv-open/invitations', {
      auth: ORGANISER_KEY,
      rawBody: '{"role":',
    });
    expect([notJson.status, errorCode(notJson)]).toEqual([400, 'INVALID_REQUEST']);
  });
});

describe('the record of invitations', () => {
  it('records who invited whom before the link is given, and the minutes list it in every format', async () => {
    const chairToken = (
      (await invite('inv-record', ORGANISER_KEY, { role: 'chair', name: '王主席', sub: 'chair-wang' }))
        .json as Invitation
    ).token;
    const member = await invite('inv-record', chairToken, { role: 'member', name: '张委员', sector: '农业界' });
    expect(member.status).toBe(201);
    const memberClaims = decodeJwtPayload((member.json as Invitation).token);
    // Refused invitations leave no trace: a chair naming `sub`, a malformed body, a removed person.
    expect((await invite('inv-record', chairToken, { role: 'member', name: '冒名', sub: 'chair-wang' })).status).toBe(
      403,
    );
    expect((await invite('inv-record', chairToken, { role: 'king', name: '张委员' })).status).toBe(400);
    const removed = await rest.post('/topics/inv-record/participants/someone-removed/remove', chairToken, {
      reason: '扰乱会场秩序',
    });
    expect(removed.status).toBe(200);
    const again = await invite('inv-record', ORGANISER_KEY, { role: 'member', name: '再请', sub: 'someone-removed' });
    expect([again.status, errorCode(again)]).toEqual([409, 'CONFLICT']);

    const json = await rest.get('/sessions/inv-record/minutes.json', chairToken);
    const doc = json.json as MinutesDocument;
    expect(doc.invitations).toEqual([
      {
        at: expect.any(String),
        invitee: { id: 'chair-wang', name: '王主席', role: 'chair' },
        issuer: { id: 'organiser', name: 'organiser', role: 'organiser' },
        expiresAt: expect.any(String),
      },
      {
        at: expect.any(String),
        invitee: { id: memberClaims.sub, name: '张委员', role: 'member', sector: '农业界' },
        issuer: { id: 'chair-wang', name: '王主席', role: 'chair' },
        expiresAt: (member.json as Invitation).expiresAt,
      },
    ]);
    expect(JSON.stringify(doc)).not.toContain((member.json as Invitation).token);

    const md = (await rest.get('/sessions/inv-record/minutes.md', chairToken)).text;
    const section = md.slice(md.indexOf('## 邀请记录'));
    expect(section).toMatch(/\| [^|]+ \| 组织单位 \| 王主席 \| 主持人 \| [^|]+ \|/);
    expect(section).toMatch(/\| [^|]+ \| 王主席 \| 张委员，农业界 \| 委员 \| [^|]+ \|/);
    const docx = await rest.get('/sessions/inv-record/minutes.docx?lang=en', chairToken);
    const xml = (await (await JSZip.loadAsync(docx.bytes)).file('word/document.xml')?.async('string')) ?? '';
    const words = xml.replace(/<[^>]+>/g, ' ');
    expect(words).toContain('Invitations');
    expect(words).toMatch(/Invited by.*Organiser.*王主席.*Chair.*王主席.*张委员, 农业界.*Member/s);
  });
});

describe('whoami', () => {
  it('tells the organiser key from a room token, and refuses anything else', async () => {
    const organiser = await rest.get('/whoami', ORGANISER_KEY);
    expect([organiser.status, organiser.json]).toEqual([200, { role: 'organiser' } satisfies WhoAmI]);
    const chair = await rest.get('/whoami', tokenFor('inv-open', 'chair'));
    expect([chair.status, chair.json]).toEqual([200, { role: 'chair', room: 'inv-open', name: '王主席' }]);
    const member = await rest.get('/whoami', tokenFor('inv-open', 'member'));
    expect(member.json).toEqual({ role: 'member', room: 'inv-open', name: '王主席' });
    for (const auth of [undefined, 'wrong-key-wrong-key-wrong-key']) {
      const res = await rest.get('/whoami', auth);
      expect([res.status, errorCode(res)]).toEqual([401, 'UNAUTHENTICATED']);
    }
  });
});
