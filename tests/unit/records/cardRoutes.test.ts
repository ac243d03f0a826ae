import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Forbidden, type PersonRecord, parsePeriod, zeroCounts } from '@yishi/shared';
import { toErrorBody } from '../../../signaling/src/errors.js';
import { cardRoutes } from '../../../signaling/src/records/card/routes.js';
import { cardLink } from '../../../signaling/src/records/card/verification.js';
import type { RecordsService } from '../../../signaling/src/records/RecordsService.js';
import { pdfTexts } from '../../support/pdfText.js';

const SECRET = 'a-jwt-secret-of-at-least-32-characters!';
const NOW = Date.parse('2026-12-04T09:00:00Z');

const record = (personId: string, period: string, speeches: number): PersonRecord => ({
  ...zeroCounts(),
  speeches,
  person: {
    id: personId,
    name: '李四',
    sector: '农业界',
    term: '第十四届',
    unit: null,
    status: 'active',
    mergedInto: null,
    origin: 'token',
    createdAt: 0,
    updatedAt: 0,
  },
  period,
  from: `${period}-01`,
  to: `${period}-12`,
  score: speeches * 5,
  rank: 1,
  ranked: 2,
  sessions: [],
  highlights: { firstSpeech: null, topTopic: null, solvedItems: [] },
});

let speeches = 3;
const records: Pick<RecordsService, 'record'> = {
  async record(personId, period) {
    parsePeriod(period);
    return record(personId, period, speeches);
  },
};

let base = '';
let close: () => void;
beforeAll(async () => {
  const router = express.Router();
  cardRoutes(router, {
    records,
    secret: SECRET,
    // Stands for the API's own check: here the caller's "token" is the person id it may see.
    async recordAccess(req, personId) {
      if (req.get('authorization') !== `Bearer ${personId}`) throw new Forbidden('not your record');
      return { id: personId };
    },
    linkBase: () => 'https://yishi.example',
    now: () => NOW,
  });
  const app = express();
  app.use('/api', router);
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const body = toErrorBody(err, pino({ level: 'silent' }));
    res
      .status({ INVALID_REQUEST: 400, NOT_ALLOWED: 403, NOT_FOUND: 404 }[body.code as string] ?? 500)
      .json({ error: body });
  });
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  close = () => server.close();
});
afterAll(() => close());

const get = (path: string, auth?: string) =>
  fetch(`${base}${path}`, auth ? { headers: { authorization: `Bearer ${auth}` } } : {});

/** The verification link printed on p1's 2026 card (its QR code's), read back from the PDF's text layer. */
async function linkOfCard(): Promise<URL> {
  const res = await get('/people/p1/card.pdf?period=2026', 'p1');
  expect(res.status).toBe(200);
  const texts = pdfTexts(Buffer.from(await res.arrayBuffer()));
  const start = texts.findIndex((t) => t.startsWith('https://'));
  const end = texts.findIndex((t, i) => i > start && t.startsWith('生成于'));
  return new URL(texts.slice(start, end).join(''));
}

describe('card routes', () => {
  it('serve the PNG and the PDF with their type, a private cache and a file name', async () => {
    const png = await get('/people/p1/card.png?period=2026', 'p1');
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(png.headers.get('cache-control')).toBe('private, max-age=300');
    expect(png.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('李四-履职纪念卡-2026.png')}`,
    );
    const bytes = Buffer.from(await png.arrayBuffer());
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1080, 1920]);
    const again = await fetch(`${base}/people/p1/card.png?period=2026`, {
      headers: { authorization: 'Bearer p1', 'if-none-match': png.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);

    const pdf = await get('/people/p1/card.pdf?period=2026-03&lang=en', 'p1');
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toContain('card-2026-03.pdf');
  });

  it('refuse a bad period (400) and someone else (403), before rendering anything', async () => {
    for (const period of ['2026-13', 'last', '']) {
      const res = await get(`/people/p1/card.png?period=${period}`, 'p1');
      expect(res.status, period).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
    }
    const other = await get('/people/p1/card.png?period=2026', 'p2');
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('NOT_ALLOWED');
  });

  it("verify a card's link: the same figures, current until they change; a changed link is refused", async () => {
    const link = await linkOfCard();
    expect(link.origin + link.pathname).toBe('https://yishi.example/records/verify');
    const verify = (params: URLSearchParams) => get(`/records/verify?${params}`);

    const ok = await verify(link.searchParams);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      person: { id: 'p1', name: '李四', sector: '农业界' },
      period: '2026',
      figures: { speeches: 3 },
      rank: 1,
      current: true,
    });

    speeches = 4;
    expect(await (await verify(link.searchParams)).json()).toMatchObject({ figures: { speeches: 4 }, current: false });
    speeches = 3;

    for (const [key, value] of [
      ['p', 'p2'],
      ['period', '2025'],
      ['f', 'AAAAAAAAAAAA'],
      ['exp', String(Number(link.searchParams.get('exp')) + 1)],
      ['sig', `${link.searchParams.get('sig')?.slice(0, -1)}A`],
    ] as const) {
      const tampered = new URLSearchParams(link.searchParams);
      tampered.set(key, value);
      const res = await verify(tampered);
      expect(res.status, key).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code, key).toBe('NOT_ALLOWED');
    }
    const expired = new URL(
      cardLink(SECRET, 'https://yishi.example', { personId: 'p1', period: '2026', exp: NOW / 1000 - 1, f: 'x' }),
    );
    const old = await verify(expired.searchParams);
    expect(old.status).toBe(403);
    expect(((await old.json()) as { error: { message: string } }).error.message).toContain('expired');
    const forged = new URL(
      cardLink('another-secret-of-at-least-32-characters', 'https://x', {
        personId: 'p1',
        period: '2026',
        exp: 2e9,
        f: 'x',
      }),
    );
    expect((await verify(forged.searchParams)).status).toBe(403);

    const missing = new URLSearchParams(link.searchParams);
    missing.delete('sig');
    expect((await verify(missing)).status).toBe(400);
  });
});
