import { z } from 'zod';
import { RoomIdSchema } from '../auth.js';
import type { SessionView } from '../domain/views.js';
import { RoleSchema } from '../auth.js';
import { LOCALES } from '../labels.js';
import { INVITATION_TTL_HOURS } from '../limits.js';
import type { LedgerEvent } from '../ledger/events.js';
import {
  CONVERSIONS,
  type ConversionKind,
  type Evaluation,
  LEDGER_STATUSES,
  type LedgerItem,
  type LedgerStatus,
  PRIORITIES,
  RATINGS,
  type Rating,
  type UnitText,
} from '../ledger/types.js';
import { NAME_MAX, type Role, UNIT_MAX } from '../roles.js';
import { SettingsPatchSchema } from './consultation.js';

/** REST bodies of the organiser API (`/api/topics`). Strict, bounded, like socket requests. */

const Str = (max: number) => z.string().trim().max(max);

/**
 * A link readers click: http or https only. Any other scheme (`javascript:`, `data:`, `file:`)
 * could run script in the reader's page or reach their own machine.
 */
const LinkSchema = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// link' }).max(2000);

export const MaterialSchema = z.strictObject({ title: Str(200).min(1), url: LinkSchema });

export const AgendaInputSchema = z.strictObject({
  id: z.string().min(1).max(64).optional(),
  title: Str(200).min(1),
  description: Str(2000).optional(),
});

const TopicFieldsSchema = {
  title: Str(200).min(1),
  background: Str(10_000).default(''),
  materials: z.array(MaterialSchema).max(50).default([]),
  sectors: z.array(Str(32).min(1)).max(30).default([]),
  proposalNumber: Str(64).min(1).optional(),
  organiser: Str(200).min(1),
};

/** A time zone Intl knows, e.g. Asia/Shanghai. */
const TimeZoneSchema = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Asia/Shanghai');

export const TopicCreateSchema = z.strictObject({
  /** The session's (and room's) id, used in join links; generated when omitted. */
  id: RoomIdSchema.optional(),
  ...TopicFieldsSchema,
  agenda: z.array(AgendaInputSchema).max(50).default([]),
  timeZone: TimeZoneSchema.optional(),
  settings: SettingsPatchSchema.optional(),
  scheduledAt: z.iso.datetime({ offset: true }).optional(),
});
export type TopicCreate = z.infer<typeof TopicCreateSchema>;

export const TopicUpdateSchema = z
  .strictObject({
    title: TopicFieldsSchema.title.optional(),
    background: Str(10_000).optional(),
    materials: z.array(MaterialSchema).max(50).optional(),
    sectors: z.array(Str(32).min(1)).max(30).optional(),
    proposalNumber: TopicFieldsSchema.proposalNumber,
    organiser: TopicFieldsSchema.organiser.optional(),
    agenda: z.array(AgendaInputSchema).max(50).optional(),
  })
  .refine((u) => Object.keys(u).length > 0, 'nothing to update');
export type TopicUpdate = z.infer<typeof TopicUpdateSchema>;

export const ScheduleSchema = z.strictObject({ scheduledAt: z.iso.datetime({ offset: true }) });

/** `POST /api/topics/:id/participants/:personId/remove`: why (recorded in the minutes' decisions). */
export const ParticipantRemoveSchema = z.strictObject({ reason: Str(200).default('') });

/** How long a token lives, in hours: 72 unless asked, 30 days at most. */
const TtlHours = z.number().int().min(1).max(INVITATION_TTL_HOURS.max).default(INVITATION_TTL_HOURS.default);
/**
 * The person's stable id (a reconnect with the same id replaces the older connection); generated
 * when omitted. Only the organiser key may give it (to reissue a person's own link).
 */
const Sub = Str(128).min(1);

/**
 * `POST /api/topics/:id/invitations`: who the join link is for. The token carries these claims.
 * A handling unit (role `unit`) names its unit, and the room shows it as "<unit> · <name>".
 */
export const InvitationCreateSchema = z
  .strictObject({
    role: RoleSchema,
    /** Taken from the member directory when `personId` is given and this is not. */
    name: Str(NAME_MAX).min(1).optional(),
    sector: Str(32).min(1).optional(),
    unit: Str(UNIT_MAX).min(1).optional(),
    /** A site (role `site`, whose `name` is its place): who operates its device. */
    operator: Str(NAME_MAX).min(1).optional(),
    sub: Sub.optional(),
    /**
     * A person of the member directory (organiser key only): the token's `sub` is their id, and
     * their name and sector come from the directory unless given, so their record joins up.
     */
    personId: Sub.optional(),
    ttlHours: TtlHours,
  })
  .refine((i) => (i.role === 'unit') === (i.unit !== undefined), {
    path: ['unit'],
    message: 'a unit (and only a unit) names its unit',
  })
  .refine((i) => i.name !== undefined || i.personId !== undefined, {
    path: ['name'],
    message: 'a name is required unless the invitation is for a directory person (personId)',
  })
  .refine((i) => i.sub === undefined || i.personId === undefined, {
    path: ['personId'],
    message: "give sub or personId, not both: a directory person's sub is their id",
  })
  .refine((i) => i.operator === undefined || i.role === 'site', {
    path: ['operator'],
    message: 'only a site names its operator',
  });
export type InvitationCreate = z.input<typeof InvitationCreateSchema>;

/**
 * `POST /api/units/tokens` (organiser key only): a handling unit's ledger token — its inbox of
 * ledger items; it has no room, so it opens no consultation. Recorded before it is handed out.
 */
export const UnitTokenCreateSchema = z.strictObject({
  unit: Str(UNIT_MAX).min(1),
  name: Str(NAME_MAX).min(1),
  sub: Sub.optional(),
  ttlHours: TtlHours,
});
export type UnitTokenCreate = z.input<typeof UnitTokenCreateSchema>;

/** The answer to `POST /api/units/tokens`: the token, whose it is (`sub`) and when it expires (ISO 8601). */
export interface UnitToken {
  token: string;
  sub: string;
  expiresAt: string;
}

/** One row of `GET /api/units/tokens`: a unit token made, by whom and until when (never the token). */
export interface IssuedUnitToken {
  at: string;
  sub: string;
  name: string;
  unit: string;
  issuer: { id: string; name: string };
  expiresAt: string;
}

/** The answer to `POST /api/topics/:id/invitations`: the token, its join link and when it expires (ISO 8601). */
export interface Invitation {
  token: string;
  url: string;
  expiresAt: string;
}

/** `GET /api/whoami`: what the bearer secret is. */
export type WhoAmI = { role: 'organiser' } | { role: Role; room: string; name: string };

/** One row of `GET /api/topics`. */
export interface TopicSummary {
  id: string;
  title: string;
  organiser: string;
  status: SessionView['topic']['status'];
  session: { status: SessionView['session']['status']; scheduledAt: number | null; timeZone: string };
}

const LedgerFilters = {
  topic: RoomIdSchema.optional(),
  status: z.enum(LEDGER_STATUSES).optional(),
  unit: Str(64).min(1).optional(),
  /** Items raised by a member of this sector (界别), as their invitation names it. */
  sector: Str(32).min(1).optional(),
  /** `true`: only the items overdue today; `false`: only those not. */
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
};

/** The ledger's filters (query string of `GET /api/ledger/counts`): topic, status, handling unit, sector, overdue. */
export const LedgerFilterQuerySchema = z.strictObject(LedgerFilters);

/** The most items one page of `GET /api/ledger` holds. */
export const LEDGER_PAGE_MAX = 500;
const LIMIT_MESSAGE = `a limit is a whole number from 1 to ${LEDGER_PAGE_MAX}`;

/**
 * `GET /api/ledger`: the filters and, for a page, `limit` (1–500 items) and `cursor` (the
 * `nextCursor` of the page before; opaque). Without `limit`, every matching item at once.
 */
export const LedgerQuerySchema = z
  .strictObject({
    ...LedgerFilters,
    limit: z
      .string()
      .regex(/^\d{1,4}$/, LIMIT_MESSAGE)
      .transform(Number)
      .pipe(z.number().min(1, LIMIT_MESSAGE).max(LEDGER_PAGE_MAX, LIMIT_MESSAGE))
      .optional(),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,300}$/, 'not a cursor this API gave')
      .optional(),
  })
  .refine((q) => q.cursor === undefined || q.limit !== undefined, {
    path: ['cursor'],
    message: 'a cursor goes with the limit of its pages',
  });

/** `GET /api/ledger.xlsx|.docx`: the list's filters, and the language of the names in it (zh-CN by default). */
export const LedgerExportQuerySchema = LedgerFilterQuerySchema.extend({ lang: z.enum(LOCALES).optional() });

const UnitName = Str(64).min(1);
const DueDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a due date is YYYY-MM-DD');

/** `POST /api/ledger`: an item entered by hand — a site visit or research finding (the office), a member's submission. */
export const LedgerRegisterSchema = z.strictObject({
  topicId: RoomIdSchema,
  title: Str(200).min(1),
  description: Str(5000).default(''),
  category: Str(32).min(1),
  source: z.enum(['site_visit', 'research', 'submission']),
  dueDate: DueDate.optional(),
  priority: z.enum(PRIORITIES).default('normal'),
});
export type LedgerRegister = z.input<typeof LedgerRegisterSchema>;

/** `POST /api/ledger/:id/<action>`: the body of each step of an item's workflow. */
export const LedgerActionSchemas = {
  assign: z.strictObject({
    leadUnit: UnitName,
    coUnits: z.array(UnitName).max(10).default([]),
    dueDate: DueDate.optional(),
  }),
  start: z.strictObject({}),
  update: z.strictObject({ text: Str(2000).min(1) }),
  answer: z.strictObject({ text: Str(10_000).min(1) }),
  return: z.strictObject({ reason: Str(500).min(1) }),
  evaluate: z.strictObject({ rating: z.enum(RATINGS), comment: Str(1000).default('') }),
  close: z.strictObject({}),
  convert: z.strictObject({ kind: z.enum(CONVERSIONS), reference: Str(100).default('') }),
} as const;
export type LedgerAction = keyof typeof LedgerActionSchemas;

/**
 * One item as `GET /api/ledger` lists it (and as each step answers): its fields, the session it
 * came from, whether it is overdue today (in the committee's zone); times ISO 8601.
 */
export interface LedgerRow
  extends Pick<
    LedgerItem,
    | 'id'
    | 'title'
    | 'description'
    | 'category'
    | 'status'
    | 'leadUnit'
    | 'coUnits'
    | 'dueDate'
    | 'priority'
    | 'topicId'
    | 'source'
    | 'raisedBy'
    | 'returnedReason'
    | 'conversion'
  > {
  overdue: boolean;
  sessionId: string;
  /** How many answers the lead unit has given. */
  answers: number;
  evaluations: Array<{ rating: Rating; answer: number }>;
  createdAt: string;
  updatedAt: string;
}

/** One change of an item, as stored (who, what, why in `data`), its time as ISO 8601. */
export type LedgerHistoryEntry = {
  [T in LedgerEvent['type']]: { type: T; at: string; data: Extract<LedgerEvent, { type: T }>['data'] };
}[LedgerEvent['type']];

/**
 * `GET /api/ledger/:id`: the item with its progress notes, answers and ratings in full, every
 * change in order (`history`), and the steps the caller may take now (`actions`).
 */
export interface LedgerItemDetail extends Omit<LedgerRow, 'answers' | 'evaluations'> {
  updates: UnitText[];
  answers: UnitText[];
  evaluations: Evaluation[];
  history: LedgerHistoryEntry[];
  actions: LedgerAction[];
}

/** `GET /api/ledger/counts`: the committee office's counters over the filtered items. */
export interface LedgerCounts {
  items: number;
  overdue: number;
  byStatus: Record<LedgerStatus, number>;
  /** 成果转化: what the items became. */
  conversions: Record<ConversionKind, number>;
  /** The members' latest rating of each rated item. */
  ratings: Record<Rating, number>;
}
