import { z } from 'zod';
import { ENTRY_KINDS } from '../domain/types.js';
import { RATINGS } from '../ledger/types.js';
import { PERIOD, PERIOD_PROBLEM } from '../records/period.js';
import { HEAT_TERMS, PERSON_STATUSES } from '../records/types.js';
import type { DirectoryPerson, RecordCounts } from '../records/types.js';
import { NAME_MAX, UNIT_MAX } from '../roles.js';
import { type Same, same } from './same.js';

/**
 * REST bodies and answers of the participation records (`/api/people`, `/api/leaderboard`,
 * `/api/records.*`). Bodies are strict and bounded; answers are what the server sends, so tests and
 * clients can check them.
 */

const Str = (max: number) => z.string().trim().max(max);

/** A directory person's id: their tokens' `sub`. */
export const PersonIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\s/\\?#%]+$/, 'a person id has no spaces, slashes, ?, # or %');

const Optional = (max: number) => Str(max).min(1).nullable().optional();

const PersonFieldsSchema = {
  name: Str(NAME_MAX).min(1),
  /** 界别 */
  sector: Optional(32),
  /** 届 */
  term: Optional(32),
  /** 工作单位 */
  unit: Optional(UNIT_MAX),
};

/** `POST /api/people` (organiser key): one person; `id` is the `sub` of their tokens (generated when omitted). */
export const PersonCreateSchema = z.strictObject({ id: PersonIdSchema.optional(), ...PersonFieldsSchema });
export type PersonCreate = z.input<typeof PersonCreateSchema>;

/** `PATCH /api/people/:id` (organiser key): any field; `status` removes a person from the board or brings them back. */
export const PersonUpdateSchema = z
  .strictObject({
    name: PersonFieldsSchema.name.optional(),
    sector: PersonFieldsSchema.sector,
    term: PersonFieldsSchema.term,
    unit: PersonFieldsSchema.unit,
    status: z.enum(['active', 'removed']).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
export type PersonUpdate = z.input<typeof PersonUpdateSchema>;

/** `POST /api/people/merge` (organiser key): `from` and `into` are one person; `into` keeps both records. */
export const PersonMergeSchema = z.strictObject({ from: PersonIdSchema, into: PersonIdSchema });

/** One row of a roster (`POST /api/people/import`, text/csv with a header row). */
export const RosterRowSchema = z.strictObject({ id: PersonIdSchema.optional(), ...PersonFieldsSchema });
export type RosterRow = z.output<typeof RosterRowSchema>;

/** The most rows one roster import takes. */
export const ROSTER_MAX_ROWS = 10_000;

/** A period as the records read it: YYYY-MM, YYYY, term (the current one) or term:<name>. */
export const PeriodSchema = z.string().max(40).regex(PERIOD, PERIOD_PROBLEM);

/** `GET /api/people/:id/record` and the exports: which period. */
export const RecordQuerySchema = z.strictObject({ period: PeriodSchema });

/** `GET /api/records.csv|.xlsx` (organiser key): the period, and the language of the headers. */
export const RecordsExportQuerySchema = z.strictObject({
  period: PeriodSchema,
  lang: z.enum(['zh-CN', 'en']).optional(),
});

/** The most entries one board gives. */
export const LEADERBOARD_MAX = 1000;

/** `GET /api/leaderboard`: the period, a sector (界别) or all, and the first `limit` entries. */
export const LeaderboardQuerySchema = z.strictObject({
  period: PeriodSchema,
  sector: Str(32).min(1).optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, `a limit is a whole number from 1 to ${LEADERBOARD_MAX}`)
    .transform(Number)
    .pipe(z.number().min(1).max(LEADERBOARD_MAX))
    .optional(),
});

// Answers. The answers alone (a record, the board) are typed by their schemas; see the end for the rest.

export const DirectoryPersonSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  sector: z.string().nullable(),
  term: z.string().nullable(),
  unit: z.string().nullable(),
  status: z.enum(PERSON_STATUSES),
  mergedInto: z.string().nullable(),
  origin: z.enum(['token', 'organiser', 'import']),
  createdAt: z.number(),
  updatedAt: z.number(),
});

/** `GET /api/people` (organiser key): every entry, merged ones included. */
export const PeopleListSchema = z.strictObject({ people: z.array(DirectoryPersonSchema) });

/** The answer to a roster import: how many rows added a person, changed one, or changed nothing. */
export const RosterImportResultSchema = z.strictObject({
  added: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
});
export type RosterImportResult = z.infer<typeof RosterImportResultSchema>;

const Count = z.number().int().min(0);
const Figures = z.strictObject({ count: Count, seconds: Count });

export const RecordCountsSchema = z.strictObject({
  invited: Count,
  attended: Count,
  presentMinutes: Count,
  speeches: Count,
  speakingSeconds: Count,
  speechesByKind: z.strictObject(
    Object.fromEntries(ENTRY_KINDS.map((k) => [k, Figures])) as Record<(typeof ENTRY_KINDS)[number], typeof Figures>,
  ),
  comments: Count,
  repliesReceived: Count,
  reactionsReceived: Count,
  promoted: Count,
  consensus: Count,
  actions: Count,
  itemsRaised: Count,
  itemsSolved: Count,
  ratings: z.strictObject(
    Object.fromEntries(RATINGS.map((r) => [r, Count])) as Record<(typeof RATINGS)[number], typeof Count>,
  ),
});

/** One session as it counts in a person's record. */
export const SessionFiguresSchema = z.strictObject({
  sessionId: z.string(),
  title: z.string(),
  /** When the session took place (opened, else scheduled, else created), ISO 8601. */
  date: z.string(),
  invited: z.boolean(),
  attended: z.boolean(),
  presentMinutes: Count,
  speeches: Count,
  speakingSeconds: Count,
  comments: Count,
  /** When they first took the floor in it, ISO 8601. */
  firstSpeechAt: z.string().nullable(),
});
export type SessionFigures = z.infer<typeof SessionFiguresSchema>;

/** `GET /api/people/:id/record?period=…`: a person's record over a period, with their heat score and rank. */
export const PersonRecordSchema = RecordCountsSchema.extend({
  person: DirectoryPersonSchema,
  period: z.string(),
  from: z.string(),
  to: z.string(),
  score: z.number(),
  /** Their place on the board of the period (all sectors); null when not ranked (removed, merged, another term). */
  rank: z.number().int().min(1).nullable(),
  /** How many are ranked on that board. */
  ranked: Count,
  /** The sessions of the period they were invited to or attended, oldest first. */
  sessions: z.array(SessionFiguresSchema),
  /** For the card: their first speech in the period, the topic they spoke most on, items they raised that were solved. */
  highlights: z.strictObject({
    firstSpeech: z.strictObject({ sessionId: z.string(), title: z.string(), at: z.string() }).nullable(),
    topTopic: z
      .strictObject({ sessionId: z.string(), title: z.string(), speeches: Count, speakingSeconds: Count })
      .nullable(),
    solvedItems: z.array(z.strictObject({ id: z.string(), title: z.string() })),
  }),
});
export type PersonRecord = z.infer<typeof PersonRecordSchema>;

/** One row of the leaderboard (the exact form other tools read). */
export const LeaderboardEntrySchema = z.strictObject({
  personId: z.string(),
  name: z.string(),
  sector: z.string().nullable(),
  score: z.number(),
  /** 1-based; equal scores share a rank (1, 2, 2, 4). */
  rank: z.number().int().min(1),
  attended: Count,
  speeches: Count,
  speakingSeconds: Count,
  comments: Count,
});
export type LeaderboardEntry = z.infer<typeof LeaderboardEntrySchema>;

/** The heat score's formula, shown beside the board: score = Σ weight × figure, rounded to 0.1. */
export const HeatFormulaSchema = z.strictObject({
  /** e.g. `score = 10 × attended + 5 × speeches + …`. */
  expression: z.string(),
  terms: z.array(z.strictObject({ key: z.enum(HEAT_TERMS), weight: z.number(), zh: z.string(), en: z.string() })),
});
export type HeatFormula = z.infer<typeof HeatFormulaSchema>;

/** `GET /api/leaderboard?period=…[&sector=…][&limit=N]`. */
export const LeaderboardSchema = z.strictObject({
  formula: HeatFormulaSchema,
  period: z.string(),
  sector: z.string().nullable(),
  /** How many are ranked (before `limit`). */
  ranked: Count,
  entries: z.array(LeaderboardEntrySchema),
  /** The caller's own entry when a directory person asks (whatever `limit` cut); absent for the organiser. */
  me: LeaderboardEntrySchema.nullable().optional(),
});
export type Leaderboard = z.infer<typeof LeaderboardSchema>;

// The directory's entries and the figures are the domain's own (its fold and sums build them);
// their schemas describe the same shapes: a drift fails to compile.
same<Same<z.infer<typeof DirectoryPersonSchema>, DirectoryPerson>>(true);
same<Same<z.infer<typeof RecordCountsSchema>, RecordCounts>>(true);

/** The records' REST routes, each body, query and answer by its schema (for docs/protocol.md). */
export const RecordsRestSchemas: Record<string, z.ZodType> = {
  'GET /api/people → answer': PeopleListSchema,
  'POST /api/people ← body': PersonCreateSchema,
  'POST /api/people → answer (201)': DirectoryPersonSchema,
  'PATCH /api/people/:id ← body': PersonUpdateSchema,
  'POST /api/people/merge ← body': PersonMergeSchema,
  'POST /api/people/import ← text/csv rows (header: id, name, sector, term, unit)': RosterRowSchema,
  'POST /api/people/import → answer': RosterImportResultSchema,
  'GET /api/people/:id/record ← query': RecordQuerySchema,
  'GET /api/people/:id/record → answer': PersonRecordSchema,
  'GET /api/leaderboard ← query': LeaderboardQuerySchema,
  'GET /api/leaderboard → answer': LeaderboardSchema,
  'GET /api/records.csv|.xlsx ← query': RecordsExportQuerySchema,
};
