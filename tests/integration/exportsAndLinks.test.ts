import JSZip from 'jszip';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SessionView } from '@yishi/shared';
import { FakeMediaGateway } from '../support/fakeGateway.js';
import { MediasoupTracker } from '../support/media.js';
import { errorCode, RestClient } from '../support/rest.js';
import { ClientPool } from '../support/room.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Issue 13, exports and links, against a real server: user text holding characters XML forbids
 * must not break the minutes' DOCX, and material links take http(s) only.
 */

const ORGANISER_KEY = 'organiser-key-for-the-export-tests-0123456';
const tracker = new MediasoupTracker();
const pool = new ClientPool();
const cleanup: Array<() => unknown> = [];

afterEach(async () => {
  pool.closeAll();
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

afterAll(async () => {
  await tracker.expectAllWorkersGone();
});

/** A server in this process with the organiser key (a fake media gateway unless `media`). */
async function server(env: Record<string, string> = {}, media = false): Promise<TestServer> {
  const started = await startTestServer({
    env: { ORGANISER_KEY, ...env },
    rooms: [],
    ...(media ? {} : { gateway: new FakeMediaGateway() }),
  });
  cleanup.push(() => started.close());
  return started;
}

function topicBody(id: string, fields: Record<string, unknown> = {}) {
  return {
    id,
    title: '关于推进县域义务教育优质均衡发展的协商',
    organiser: '县政协办公室',
    agenda: [{ title: '委员协商发言' }],
    ...fields,
  };
}

/** Not a `Char` of XML 1.0 (§2.2): C0 controls but tab, LF and CR; surrogates; U+FFFE and U+FFFF. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

describe('the minutes as DOCX', () => {
  it('stay well-formed XML when user text holds characters XML forbids, and keep the text around them', async () => {
    const s = await server({}, true);
    const rest = new RestClient(s.url);
    const id = 'xml-chars';
    // Control characters, a lone surrogate and a noncharacter, as a hostile client sends them in JSON.
    const created = await rest.post(
      '/topics',
      ORGANISER_KEY,
      topicBody(id, {
        title: '议题\u0001标题',
        agenda: [{ title: '议程\u0008一', description: '说明\uD800文字' }],
      }),
    );
    expect(created.status).toBe(201);
    expect((await rest.post(`/topics/${id}/open`, ORGANISER_KEY)).status).toBe(200);
    const token = (role: 'chair' | 'secretary' | 'member') =>
      s.token({ sub: `${role}-x`, name: role === 'member' ? '张\u0002委员' : `${role}`, role, room: id });
    const chair = await pool.join(s.url, token('chair'), id);
    const secretary = await pool.join(s.url, token('secretary'), id);
    const member = await pool.join(s.url, token('member'), id);

    const { id: entryId } = await member.client.call('queue:request', { kind: 'contribution' });
    await chair.client.call('floor:grant', { entryId });
    await chair.client.call('floor:end', {});
    const { minutes } = await secretary.client.call('session:snapshot', {});
    const turnId = minutes?.turns[0]?.id as string;
    await secretary.client.call('minutes:setSummary', { turnId, text: '发言\u0000摘要\u001f结束' });
    await secretary.client.call('minutes:addConsensus', { text: '共识\uFFFF内容' });
    await secretary.client.call('minutes:setNotes', { text: '备注\u000b一\u000c二\uDC00三' });
    const { id: commentId } = await member.client.call('comment:post', { text: '意见\u0007正文\u001b[31m' });
    await secretary.client.call('minutes:promoteComment', { commentId: commentId as string });

    const docx = await rest.get(`/sessions/${id}/minutes.docx`, ORGANISER_KEY);
    expect(docx.status).toBe(200);
    const zip = await JSZip.loadAsync(docx.bytes);
    for (const name of Object.keys(zip.files).filter((n) => n.endsWith('.xml'))) {
      const bytes = await zip.file(name)?.async('uint8array');
      // Fatal: an encoded lone surrogate is not UTF-8, and Word refuses the file.
      const xml = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      expect(NOT_XML_CHAR.exec(xml), name).toBeNull();
      // No character reference to a forbidden character either (&#1; is as fatal as the byte).
      const refs = [...xml.matchAll(/&#(x[0-9a-fA-F]+|\d+);/g)].map((m) =>
        String.fromCodePoint(Number(m[1]?.startsWith('x') ? `0${m[1]}` : m[1])),
      );
      expect(
        refs.filter((c) => NOT_XML_CHAR.test(c)),
        name,
      ).toEqual([]);
    }
    const body = await zip.file('word/document.xml')?.async('string');
    for (const text of [
      '议题标题',
      '议程一',
      '说明文字',
      '发言摘要结束',
      '共识内容',
      '备注一二三',
      '意见正文[31m',
      '张委员',
    ]) {
      expect(body).toContain(text);
    }
  });
});

describe('material links', () => {
  const HOSTILE = [
    'javascript:alert(document.cookie)',
    'JavaScript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'ftp://example.org/report.pdf',
  ];

  it('take http and https only: any other scheme is 400 INVALID_REQUEST and nothing is stored', async () => {
    const s = await server();
    const rest = new RestClient(s.url);
    for (const url of HOSTILE) {
      const res = await rest.post(
        '/topics',
        ORGANISER_KEY,
        topicBody('links', { materials: [{ title: '报告', url }] }),
      );
      expect([url, res.status, errorCode(res)]).toEqual([url, 400, 'INVALID_REQUEST']);
      expect((res.json as { error: { message: string } }).error.message).toMatch(/http/);
      expect((await rest.get('/topics/links', ORGANISER_KEY)).status).toBe(404);
    }

    const good = [
      { title: '调研报告', url: 'https://example.org/report.pdf' },
      { title: '内网材料', url: 'http://intranet.example/zx/0137' },
    ];
    const created = await rest.post('/topics', ORGANISER_KEY, topicBody('links', { materials: good }));
    expect(created.status).toBe(201);
    const before = (await rest.get('/topics/links', ORGANISER_KEY)).json as SessionView;
    expect(before.topic.materials).toEqual(good);
    for (const url of HOSTILE) {
      const res = await rest.patch('/topics/links', ORGANISER_KEY, { materials: [{ title: '报告', url }] });
      expect([url, res.status, errorCode(res)]).toEqual([url, 400, 'INVALID_REQUEST']);
    }
    expect((await rest.get('/topics/links', ORGANISER_KEY)).json).toEqual(before);
  });
});
