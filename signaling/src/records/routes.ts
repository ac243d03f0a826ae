import express, { type Request, type Router } from 'express';
import type { z } from 'zod';
import {
  type Actor,
  type DirectoryPerson,
  Forbidden,
  InvalidRequest,
  LeaderboardQuerySchema,
  mayReadRecord,
  NotFound,
  type PeopleListSchema,
  PersonCreateSchema,
  PersonIdSchema,
  PersonMergeSchema,
  PersonUpdateSchema,
  RecordQuerySchema,
  RecordsExportQuerySchema,
  type RosterImportResult,
  recordsReader,
} from '@yishi/shared';
import { cardRoutes } from './card/routes.js';
import { recordsCsv, recordsFileName, recordsXlsx } from './export.js';
import type { PeopleDirectory } from './PeopleDirectory.js';
import type { RecordsService } from './RecordsService.js';
import { readRoster } from './roster.js';
import { parse, route } from '../http/handlers.js';

export interface RecordsRouteDeps {
  records: RecordsService;
  directory: PeopleDirectory;
  /**
   * The API's caller: the organiser key, or a room token whose holder was not removed from its
   * room (failed attempts counted per address, as on every route of the API).
   */
  authenticate(req: Request): Promise<{ actor: Actor }>;
  /** The JWT secret: the card's verification link is signed with a key derived from it. */
  secret: string;
  /** The base of links handed out: PUBLIC_URL, else the request's origin. */
  linkBase(req: Request): string;
}

/** Who reads records: the committee office, or a directory person by a token of their own. */
type Reader = 'organiser' | DirectoryPerson;

/** The roster's largest CSV. */
const ROSTER_BYTES = '2mb';

/**
 * The participation records' REST routes (docs/domain.md, "Participation records"), mounted in the
 * API: the member directory (organiser key), a person's record (the organiser key or that
 * person's own token), the leaderboard (the organiser key or any token of an active directory
 * person), the office's exports, and the member's card. Errors are thrown to the API's handler.
 */
export function recordsRoutes(deps: RecordsRouteDeps): Router {
  const router = express.Router();
  const { directory } = deps;

  /**
   * The organiser key, or a room token of a chair, secretary or member who is an active directory
   * person and was not removed from the token's room. Guests, units, sites and observers are refused.
   */
  const reader = async (req: Request): Promise<Reader> => {
    const { actor } = await deps.authenticate(req);
    return actor.role === 'organiser' ? 'organiser' : recordsReader(directory.all, actor.id, actor.role);
  };

  /** The directory and the exports are the office's: any token is refused the same way, whoever holds it. */
  const organiser = async (req: Request): Promise<void> => {
    const { actor } = await deps.authenticate(req);
    if (actor.role !== 'organiser') throw new Forbidden('only the organiser key may do this');
  };

  /** Resolves when the caller may read `personId`'s record: the organiser key or their own token. */
  const recordAccess = async (req: Request, personId: string): Promise<Reader> => {
    const who = await reader(req);
    if (!mayReadRecord(directory.all, who, personId)) throw new Forbidden('a member may read only their own record');
    return who;
  };

  router.get(
    '/people',
    route(async (req, res) => {
      await organiser(req);
      const body: z.infer<typeof PeopleListSchema> = { people: [...directory.all.values()] };
      res.json(body);
    }),
  );

  router.post(
    '/people',
    route(async (req, res) => {
      await organiser(req);
      const { id, ...fields } = parse(PersonCreateSchema, req.body);
      const [added] = await directory.execute({ type: 'person.add', id, fields }, OFFICE);
      const person = added?.type === 'person.added' ? directory.get(added.data.id) : undefined;
      res
        .status(201)
        .location(`/api/people/${encodeURIComponent(person?.id ?? '')}`)
        .json(person);
    }),
  );

  router.post(
    '/people/import',
    express.text({ type: ['text/csv', 'text/plain'], limit: ROSTER_BYTES }),
    route(async (req, res) => {
      await organiser(req);
      if (typeof req.body !== 'string') throw new InvalidRequest('send the roster as text/csv');
      const rows = readRoster(req.body);
      const events = await directory.execute({ type: 'person.import', rows }, OFFICE);
      const added = events.filter((e) => e.type === 'person.added').length;
      const updated = events.length - added;
      const result: RosterImportResult = { added, updated, unchanged: rows.length - added - updated };
      res.json(result);
    }),
  );

  router.post(
    '/people/merge',
    route(async (req, res) => {
      await organiser(req);
      const { from, into } = parse(PersonMergeSchema, req.body);
      await directory.execute({ type: 'person.merge', from, into }, OFFICE);
      res.json(directory.get(into));
    }),
  );

  router.patch(
    '/people/:personId',
    route(async (req, res) => {
      await organiser(req);
      const id = personParam(req);
      await directory.execute({ type: 'person.update', id, fields: parse(PersonUpdateSchema, req.body) }, OFFICE);
      res.json(directory.get(id));
    }),
  );

  router.get(
    '/people/:personId/record',
    route(async (req, res) => {
      const id = personParam(req);
      await recordAccess(req, id);
      const { period } = parse(RecordQuerySchema, req.query);
      res.json(await deps.records.record(id, period));
    }),
  );

  router.get(
    '/leaderboard',
    route(async (req, res) => {
      const who = await reader(req);
      const { period, sector, limit } = parse(LeaderboardQuerySchema, req.query);
      const viewer = who === 'organiser' ? undefined : who.id;
      res.json(await deps.records.leaderboard(period, { sector, limit, viewer }));
    }),
  );

  const exportRoute = (extension: 'csv' | 'xlsx') =>
    router.get(
      `/records.${extension}`,
      route(async (req, res) => {
        await organiser(req);
        const { period, lang } = parse(RecordsExportQuerySchema, req.query);
        const { range, rows, formula } = await deps.records.rows(period);
        res.attachment(recordsFileName(range, extension));
        if (extension === 'csv') {
          res.type('text/csv; charset=utf-8').send(recordsCsv(rows, lang));
          return;
        }
        res
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .send(await recordsXlsx(rows, range, formula, Date.now()));
      }),
    );
  exportRoute('csv');
  exportRoute('xlsx');

  cardRoutes(router, {
    records: deps.records,
    recordAccess,
    secret: deps.secret,
    linkBase: deps.linkBase,
  });
  return router;
}

const OFFICE = { id: 'organiser', name: 'organiser', role: 'organiser' } as const;

function personParam(req: Request): string {
  const parsed = PersonIdSchema.safeParse(req.params.personId);
  if (!parsed.success) throw new NotFound('no such person');
  return parsed.data;
}
