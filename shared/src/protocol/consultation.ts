import { z } from 'zod';
import { ENTRY_KINDS, REACTIONS, STANCES } from '../domain/types.js';
import { MAX_COMMENT_LENGTH } from '../limits.js';
import type { PollsView, SitesView } from '../domain/polls.js';
import type { CommentView, MinutesView, QueueView, SessionView } from '../domain/views.js';
import { NAME_MAX, SITE_HEADCOUNT_MAX } from '../roles.js';

/**
 * Requests of the consultation itself: the speaking queue and floor, the session and agenda,
 * live comments and the minutes. Each maps onto one domain command; bounds here keep hostile
 * input out before the rules see it.
 */

const Id = z.string().min(1).max(64);
/**
 * An id the client picks for what it creates, so a retry after a lost ack is recognised and
 * not stored twice.
 */
const ClientId = z.uuid();
const Empty = z.strictObject({});
const Text = (max: number) => z.string().max(max);

export const EntryKindSchema = z.enum(ENTRY_KINDS);
export const StanceSchema = z.enum(STANCES);
export const ReactionSchema = z.enum(REACTIONS);
export const ActionStatusSchema = z.enum(['open', 'in_progress', 'done', 'dropped']);
/** A calendar date as YYYY-MM-DD; impossible dates (2025-02-30) are refused, not exported as written. */
export const DateSchema = z.iso.date('a date as YYYY-MM-DD');

export const FloorModeSchema = z.enum(['moderated', 'open']);

export const SettingsPatchSchema = z.strictObject({
  mode: FloorModeSchema.optional(),
  turnSeconds: z
    .strictObject({
      point_of_order: z.number().int().min(10).max(3600).optional(),
      reply: z.number().int().min(10).max(3600).optional(),
      contribution: z.number().int().min(10).max(3600).optional(),
    })
    .optional(),
  graceSeconds: z.number().int().min(0).max(600).optional(),
  autoEnd: z.boolean().optional(),
  fairness: z.boolean().optional(),
  observersMayComment: z.boolean().optional(),
});

/** Most options a poll may offer. */
export const POLL_OPTIONS_MAX = 10;

export const ConsultationRequestSchemas = {
  /** Everything a (re)joining client needs: session, queue, recent comments (and minutes for moderators). */
  'session:snapshot': Empty,
  'session:configure': z.strictObject({ settings: SettingsPatchSchema }),
  'session:setStatus': z.strictObject({ action: z.enum(['open', 'start', 'adjourn', 'resume', 'close']) }),
  'agenda:open': z.strictObject({ itemId: Id }),

  'queue:request': z.strictObject({ kind: EntryKindSchema }),
  'queue:withdraw': z.strictObject({ entryId: Id }),
  'queue:add': z.strictObject({ speakerId: z.string().min(1).max(128), kind: EntryKindSchema }),
  'queue:move': z.strictObject({ entryId: Id, toIndex: z.number().int().min(0).max(10_000) }),
  'queue:remove': z.strictObject({ entryId: Id }),
  'queue:setClosed': z.strictObject({ closed: z.boolean(), pointsOfOrderBlocked: z.boolean().optional() }),
  'queue:clear': Empty,

  'floor:grant': z.strictObject({ entryId: Id.optional() }),
  'floor:end': Empty,
  'floor:yield': Empty,
  'floor:pause': Empty,
  'floor:resume': Empty,
  'floor:extend': z.strictObject({ seconds: z.number().int().min(5).max(1800) }),
  /** Chair: pause a participant's microphone now (they may unmute again unless gated). */
  'participant:mute': z.strictObject({ peerId: z.string().min(1).max(128) }),
  /** Chair: remove someone from the consultation; their invitation no longer admits them. */
  'participant:remove': z.strictObject({ peerId: z.string().min(1).max(128), reason: Text(200) }),

  'comment:post': z.strictObject({
    id: ClientId.optional(),
    text: Text(MAX_COMMENT_LENGTH),
    replyTo: Id.optional(),
    stance: StanceSchema.optional(),
  }),
  'comment:react': z.strictObject({ commentId: Id, reaction: ReactionSchema, on: z.boolean() }),
  'comment:hide': z.strictObject({ commentId: Id, reason: Text(200) }),
  'comments:page': z.strictObject({ before: Id.optional(), limit: z.number().int().min(1).max(100).default(50) }),

  'minutes:setSummary': z.strictObject({ turnId: Id, text: Text(10_000) }),
  'minutes:setNotes': z.strictObject({ text: Text(20_000) }),
  'minutes:addConsensus': z.strictObject({ id: ClientId.optional(), text: Text(2000) }),
  'minutes:updateConsensus': z.strictObject({ id: Id, text: Text(2000) }),
  'minutes:removeConsensus': z.strictObject({ id: Id }),
  'minutes:addAction': z.strictObject({
    id: ClientId.optional(),
    title: Text(500),
    ownerUnit: Text(100),
    dueDate: DateSchema.optional(),
    status: ActionStatusSchema.optional(),
    /** The agenda item it follows from: the ledger names the members who spoke on it as its raisers. */
    agendaItemId: Id.optional(),
  }),
  'minutes:updateAction': z.strictObject({
    id: Id,
    title: Text(500).optional(),
    ownerUnit: Text(100).optional(),
    dueDate: DateSchema.nullable().optional(),
    status: ActionStatusSchema.optional(),
    agendaItemId: Id.nullable().optional(),
  }),
  'minutes:removeAction': z.strictObject({ id: Id }),
  'minutes:promoteComment': z.strictObject({ commentId: Id }),
  'minutes:submit': Empty,
  'minutes:finalize': Empty,
  'minutes:reopen': Empty,

  'site:headcount': z
    .strictObject({ count: z.number().int().min(0).max(SITE_HEADCOUNT_MAX) })
    .describe(
      'A site only: how many people are present there now (a whole number, 0–5,000), reported as they come and go; each report is kept with its time. Another role: `NOT_ALLOWED`; out of range: `INVALID_REQUEST`.',
    ),
  'site:speaker': z
    .strictObject({ name: Text(NAME_MAX) })
    .describe(
      'A site holding the floor only: who is speaking there ("村民代表 王某"); the turn and the minutes record them at the site. Without the floor: `CONFLICT`.',
    ),
  'poll:open': z
    .strictObject({
      id: ClientId.optional(),
      question: Text(500),
      options: z.array(Text(40)).min(2).max(POLL_OPTIONS_MAX).optional(),
      anonymous: z.boolean(),
    })
    .describe(
      'Chair only: asks a quick poll (consultative, not binding); options 同意 / 不同意 / 弃权 unless given (2–10, distinct). One poll is open at a time and a session holds at most 100 (`CONFLICT`); the same `id` again is a retry. The answer carries the poll id.',
    ),
  'poll:answer': z
    .strictObject({
      pollId: Id,
      option: z
        .number()
        .int()
        .min(0)
        .max(POLL_OPTIONS_MAX - 1),
    })
    .describe(
      "Member only: one answer (an option's index), which may be changed until the poll closes; the same answer again changes nothing. A closed poll: `CONFLICT`.",
    ),
  'poll:siteCounts': z
    .strictObject({
      pollId: Id,
      counts: z.array(z.number().int().min(0).max(SITE_HEADCOUNT_MAX)).min(2).max(POLL_OPTIONS_MAX),
    })
    .describe(
      'Site only: its show of hands, one count per option, adding up to at most the headcount it last reported (`INVALID_REQUEST` above it, `CONFLICT` before any report); may be entered again until the poll closes.',
    ),
  'poll:close': z
    .strictObject({ pollId: Id })
    .describe("Chair only: closes the poll; its results stand in the minutes' `polls`."),
} as const;

/** A command's ack: the log version after it (and the id of what it created, if anything). */
export interface CommandResult {
  version: number;
  id?: string;
}

export interface SessionSnapshot {
  session: SessionView;
  queue: QueueView;
  /** The newest comments, oldest first; page back with `comments:page`. */
  comments: CommentView[];
  hasMoreComments: boolean;
  /** Only for the chair and the secretary. */
  minutes?: MinutesView;
  polls: PollsView;
  sites: SitesView;
  /** The joining person's own answers (poll id → option), which no view shows for an anonymous poll. */
  myAnswers: Record<string, number>;
}

export interface ConsultationResponseMap {
  'session:snapshot': SessionSnapshot;
  'comments:page': { comments: CommentView[]; hasMore: boolean };
}

export type ConsultationRequestName = keyof typeof ConsultationRequestSchemas;
