import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TIME_ZONE, monthOf } from '@yishi/shared';
import { signUnitToken } from '../../signaling/src/auth/tokens.js';
import { cardLink } from '../../signaling/src/records/card/verification.js';
import { FakeMediaGateway } from '../support/fakeGateway.js';
import { pdfTexts } from '../support/pdfText.js';
import { errorCode, RestClient } from '../support/rest.js';
import { ClientPool } from '../support/room.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The member's card over the real server: `GET /api/people/:id/card.png|card.pdf` for the office
 * and the person themself only (every other kind of caller refused, typed, before anything is
 * rendered), and its signed verification link (`GET /api/records/verify`), which shows the card's
 * figures to anyone holding it and refuses a link changed in any part.
 */

const ORGANISER_KEY = 'organiser-key-for-the-card-tests-0123';
const ROOM = 'card-a';
const pool = new ClientPool();
let server: TestServer;
let rest: RestClient;
const MONTH = monthOf(Date.now(), DEFAULT_TIME_ZONE);

const tokenFor = (sub: string, role: 'chair' | 'member' | 'guest' | 'observer') =>
  server.token({ sub, name: `${role} ${sub}`, role, room: ROOM, sector: '科技界' });

beforeAll(async () => {
  server = await startTestServer({ env: { ORGANISER_KEY }, rooms: [], gateway: new FakeMediaGateway() });
  rest = new RestClient(server.url);
  expect(
    (await rest.post('/topics', ORGANISER_KEY, { id: ROOM, title: '科技创新协商', organiser: '县政协' })).status,
  ).toBe(201);
  expect((await rest.post(`/topics/${ROOM}/open`, ORGANISER_KEY)).status).toBe(200);
  // Two members are seen (so are in the directory); one speaks once.
  const chair = await pool.join(server.url, tokenFor('c-1', 'chair'), ROOM);
  const speaker = await pool.join(server.url, tokenFor('m-liu', 'member'), ROOM);
  await pool.join(server.url, tokenFor('m-he', 'member'), ROOM);
  const { id: entryId } = await speaker.client.call('queue:request', { kind: 'contribution' });
  await chair.client.call('floor:grant', { entryId });
  await chair.client.call('floor:end', {});
  await speaker.client.call('comment:post', { text: '建议设立科技成果转化基金。' });
  const own = tokenFor('m-liu', 'member');
  await vi.waitFor(async () =>
    expect((await rest.get(`/people/m-liu/record?period=${MONTH}`, own)).json).toMatchObject({
      speeches: 1,
      comments: 1,
    }),
  );
});

afterEach(() => pool.closeAll());
afterAll(async () => {
  pool.closeAll();
  await server?.close();
});

const card = (format: 'png' | 'pdf', period = MONTH, person = 'm-liu') =>
  `/people/${person}/card.${format}?period=${period}`;

describe('the member card over REST', () => {
  it('is the office’s and the person’s own: PNG and PDF, typed, cached privately, named', async () => {
    const own = tokenFor('m-liu', 'member');
    for (const auth of [own, ORGANISER_KEY]) {
      const png = await rest.get(card('png'), auth);
      expect(png.status).toBe(200);
      expect(png.headers.get('content-type')).toBe('image/png');
      expect(png.headers.get('cache-control')).toBe('private, max-age=300');
      expect(png.headers.get('content-disposition')).toMatch(/^attachment; filename=.*\.png"; filename\*=UTF-8''/);
      expect([png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)]).toEqual([1080, 1920]);
    }
    const pdf = await rest.get(card('pdf'), own);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const texts = pdfTexts(pdf.bytes);
    expect(texts).toContain('member m-liu');
    expect(texts[texts.indexOf('发言') + 1]).toBe('1');
    expect(texts[texts.indexOf('评论') + 1]).toBe('1');
  });

  it('refuses every other caller, typed, and a bad period before rendering anything', async () => {
    const other = tokenFor('m-he', 'member');
    const guest = tokenFor('g-1', 'guest');
    const observer = tokenFor('o-1', 'observer');
    const unitInvite = server.token({ sub: 'u-1', name: '王科长', role: 'unit', unit: '县科技局', room: ROOM });
    const unitLedger = signUnitToken(
      server.tokens,
      { sub: 'u-2', name: '赵科长', role: 'unit', unit: '县科技局' },
      3600,
    );
    const own = tokenFor('m-liu', 'member');
    for (const format of ['png', 'pdf'] as const) {
      for (const [who, auth, status, code] of [
        ['another member', other, 403, 'NOT_ALLOWED'],
        ['a guest', guest, 403, 'NOT_ALLOWED'],
        ['an observer', observer, 403, 'NOT_ALLOWED'],
        ['a unit’s invitation', unitInvite, 403, 'NOT_ALLOWED'],
        ['a unit’s ledger token', unitLedger, 401, 'UNAUTHENTICATED'],
        ['nobody', undefined, 401, 'UNAUTHENTICATED'],
        ['a forged token', `${own.slice(0, -4)}AAAA`, 401, 'UNAUTHENTICATED'],
      ] as const) {
        const res = await rest.get(card(format), auth);
        expect([res.status, errorCode(res)], `${who} ${format}`).toEqual([status, code]);
        expect(res.headers.get('content-type'), who).toContain('application/json');
      }
      // Another member may not learn whether an id exists; the office may.
      expect(errorCode(await rest.get(card(format, MONTH, 'nobody'), other))).toBe('NOT_ALLOWED');
      expect(errorCode(await rest.get(card(format, MONTH, 'nobody'), ORGANISER_KEY))).toBe('NOT_FOUND');
      for (const period of ['2026-13', 'all', '', '2026-1', 'term:不存在的届']) {
        const res = await rest.get(card(format, encodeURIComponent(period)), own);
        expect([res.status, errorCode(res)], period).toEqual([400, 'INVALID_REQUEST']);
      }
      expect(errorCode(await rest.get(`${card(format)}&lang=fr`, own))).toBe('INVALID_REQUEST');
      expect(errorCode(await rest.get(`${card(format)}&extra=1`, own))).toBe('INVALID_REQUEST');
      expect(errorCode(await rest.get(`${card(format)}&period=2025`, own))).toBe('INVALID_REQUEST');
    }
  });

  it('makes each member only so many cards in a row: then RATE_LIMITED with Retry-After, kept cards still served', async () => {
    const own = tokenFor('m-he', 'member');
    const months = Array.from({ length: 11 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
    for (const month of months.slice(0, 10)) {
      expect((await rest.get(card('pdf', month, 'm-he'), own)).status, month).toBe(200);
    }
    const limited = await rest.get(card('pdf', months[10], 'm-he'), own);
    expect([limited.status, errorCode(limited)]).toEqual([429, 'RATE_LIMITED']);
    expect(limited.headers.get('retry-after')).toBe('6');
    expect(limited.headers.get('cache-control') ?? '').not.toContain('max-age=300');
    // A card already made is served without making it again; the office is not limited per caller.
    expect((await rest.get(card('pdf', months[0], 'm-he'), own)).status).toBe(200);
    const made = await rest.get(card('pdf', months[10], 'm-he'), ORGANISER_KEY);
    expect(made.status).toBe(200);
    // The refusal did not carry the card's ETag: a browser cannot keep it in the card's place.
    expect(made.headers.get('etag')).toMatch(/^W\/"/);
    expect(limited.headers.get('etag')).not.toBe(made.headers.get('etag'));
  });

  it('verifies its signed link for anyone, and refuses a link changed in any part', async () => {
    const pdf = await rest.get(card('pdf'), tokenFor('m-liu', 'member'));
    const texts = pdfTexts(pdf.bytes);
    const link = new URL(
      texts
        .slice(
          texts.findIndex((t) => t.startsWith('http')),
          texts.findIndex((t) => t.startsWith('生成于')),
        )
        .join(''),
    );
    expect(link.pathname).toBe('/records/verify');
    const verify = (params: URLSearchParams) => rest.get(`/records/verify?${params}`);

    const ok = await verify(link.searchParams);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({
      person: { id: 'm-liu', name: 'member m-liu', sector: '科技界' },
      period: MONTH,
      figures: { attended: 1, speeches: 1, comments: 1 },
      current: true,
    });

    for (const [key, value] of [
      ['p', 'm-he'],
      ['period', String(Number(MONTH.slice(0, 4)) - 1)],
      ['f', 'AAAAAAAAAAAA'],
      ['exp', String(Number(link.searchParams.get('exp')) + 86_400)],
      ['sig', 'A'.repeat(22)],
    ] as const) {
      const tampered = new URLSearchParams(link.searchParams);
      tampered.set(key, value);
      const res = await verify(tampered);
      expect([res.status, errorCode(res)], key).toEqual([403, 'NOT_ALLOWED']);
    }
    // Signed with another secret (another deployment, or a guess): refused too.
    const forged = new URL(
      cardLink('not-this-servers-secret-0123456789abcdef', server.url, {
        personId: 'm-he',
        period: MONTH,
        exp: 4e9,
        f: 'x',
      }),
    );
    expect(errorCode(await verify(forged.searchParams))).toBe('NOT_ALLOWED');
    // Signed by this server but expired.
    const expired = new URL(
      cardLink(server.tokens.secret, server.url, {
        personId: 'm-liu',
        period: MONTH,
        exp: Math.floor(Date.now() / 1000) - 1,
        f: 'x',
      }),
    );
    const old = await verify(expired.searchParams);
    expect([old.status, errorCode(old)]).toEqual([403, 'NOT_ALLOWED']);
    const missing = new URLSearchParams(link.searchParams);
    missing.delete('sig');
    expect(errorCode(await verify(missing))).toBe('INVALID_REQUEST');
  });
});
