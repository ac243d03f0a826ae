import { createHash } from 'node:crypto';
import type { Request, Router } from 'express';
import { type CardVerification, DEFAULT_TIME_ZONE, RecordsExportQuerySchema, zonedParts } from '@yishi/shared';
import { parse, route } from '../../http/handlers.js';
import type { RecordsService } from '../RecordsService.js';
import { cardData, cardFigures } from './fromRecord.js';
import { renderCardPdf, renderCardPng } from './render.js';
import { CardRenders } from './renders.js';
import { CARD_LINK_TTL_SECONDS, cardLink, checkCardLink, figuresDigest } from './verification.js';

export interface CardRouteDeps {
  records: Pick<RecordsService, 'record'>;
  /** The caller when it is the organiser key or `personId`'s own token; throws (401/403) otherwise. */
  recordAccess(req: Request, personId: string): Promise<'organiser' | { id: string }>;
  /** The JWT secret: the verification link's key is derived from it. */
  secret: string;
  /** Where the verification link points: PUBLIC_URL, else the request's origin. */
  linkBase(req: Request): string;
  /** The committee's zone, for the card's dates. */
  timeZone?: string | undefined;
  now?: () => number;
}

const DAY = 24 * 3600;

/**
 * `GET /people/:personId/card.png|card.pdf?period=…[&lang=en]` (the organiser key or that
 * person's own token) and `GET /records/verify?…` (public: what a card's signed link shows).
 * Errors are thrown to the router's handler; the API's answers them typed.
 */
export function cardRoutes(router: Router, deps: CardRouteDeps): void {
  const now = deps.now ?? Date.now;
  const timeZone = deps.timeZone ?? DEFAULT_TIME_ZONE;

  const renders = new CardRenders(now);

  const card = (format: 'png' | 'pdf') =>
    router.get(
      `/people/:personId/card.${format}`,
      route(async (req, res) => {
        const personId = String(req.params.personId);
        const caller = await deps.recordAccess(req, personId);
        // The exports' query (a period, a language, nothing else): refused before anything is looked up.
        const { period, lang } = parse(RecordsExportQuerySchema, req.query);
        const record = await deps.records.record(personId, period);
        const at = now();
        // The link's expiry is rounded to the day, so the same figures give the same card all day long.
        const exp = (Math.floor(at / 1000 / DAY) + 1) * DAY + CARD_LINK_TTL_SECONDS;
        const claims = {
          personId: record.person.id,
          period: record.period,
          exp,
          f: figuresDigest(cardFigures(record)),
        };
        const data = cardData(record, {
          verifyUrl: cardLink(deps.secret, deps.linkBase(req), claims),
          issuedAt: new Date(at),
          timeZone,
          locale: lang === 'en' ? 'en' : 'zh-CN',
        });
        // The card shows the day it was made, not the time: the same all day, so is its tag.
        const day = zonedParts(at, timeZone);
        const shown = { ...data, issuedAt: `${day.year}-${day.month}-${day.day}` };
        const etag = `W/"${createHash('sha256')
          .update(`${format}\n${JSON.stringify(shown)}`)
          .digest('base64url')
          .slice(0, 27)}"`;
        // Personal figures: kept by the browser that asked, never by a shared cache; asked again soon.
        // Set only on the card itself: a refusal (busy, too many) must not be kept as the card.
        const cacheHeaders = { 'Cache-Control': 'private, max-age=300', ETag: etag, Vary: 'Authorization' };
        if (req.get('if-none-match') === etag) {
          res.set(cacheHeaders).status(304).end();
          return;
        }
        const body = await renders.card(etag, caller === 'organiser' ? null : caller.id, () =>
          format === 'png' ? renderCardPng(data) : renderCardPdf(data),
        );
        res.set(cacheHeaders);
        const name = `${record.person.name}-${data.locale === 'en' ? 'card' : '履职纪念卡'}-${record.period.replace(/^term:/, '')}`;
        res
          .attachment(`${name.replace(/[\\/:*?"<>|\p{Cc}]/gu, '_')}.${format}`)
          .type(format === 'png' ? 'image/png' : 'application/pdf')
          .send(body);
      }),
    );
  card('png');
  card('pdf');

  router.get(
    '/records/verify',
    route(async (req, res) => {
      const claims = checkCardLink(deps.secret, req.query as Record<string, unknown>, Math.floor(now() / 1000));
      const record = await deps.records.record(claims.personId, claims.period);
      const figures = cardFigures(record);
      res.set('Cache-Control', 'no-store').json({
        person: {
          id: record.person.id,
          name: record.person.name,
          sector: record.person.sector,
          term: record.person.term,
          unit: record.person.unit,
        },
        period: record.period,
        from: record.from,
        to: record.to,
        figures,
        score: record.score,
        rank: record.rank,
        ranked: record.ranked,
        // The card's figures are today's: false once a period still running has grown since it was made.
        current: figuresDigest(figures) === claims.f,
        expiresAt: new Date(claims.exp * 1000).toISOString(),
      } satisfies CardVerification);
    }),
  );
}
