import { z } from 'zod';
import type { PollsView, SitesView } from '../domain/polls.js';
import type { CommentView, MinutesView, QueueView, SessionView } from '../domain/views.js';
import { RoleSchema } from '../auth.js';
import { DISPLAY_NAME_MAX, NAME_MAX, UNIT_MAX } from '../roles.js';
import { type Same, same } from './same.js';
import { ActionStatusSchema, EntryKindSchema, FloorModeSchema, ReactionSchema, StanceSchema } from './consultation.js';

/**
 * zod schemas of the views the server pushes. The domain defines the view types; the checks at
 * the bottom make the compiler reject any drift between the two.
 */

const Time = z.number().int();
const Id = z.string().min(1).max(128);

export const PersonSchema = z.strictObject({
  id: Id,
  /** A unit's representative: "<unit> · <name>" (`displayName`). */
  name: z.string().min(1).max(DISPLAY_NAME_MAX),
  role: RoleSchema,
  sector: z.string().max(32).optional(),
  /** Only a unit's representative (role `unit`): the unit they answer for. */
  unit: z.string().min(1).max(UNIT_MAX).optional(),
  /** Only a site (role `site`, named by its place): who operates its device. */
  operator: z.string().min(1).max(NAME_MAX).optional(),
});

export const SessionViewSchema = z.strictObject({
  version: z.number().int(),
  topic: z.strictObject({
    id: Id,
    title: z.string(),
    background: z.string(),
    materials: z.array(z.strictObject({ title: z.string(), url: z.string() })),
    sectors: z.array(z.string()),
    proposalNumber: z.string().optional(),
    organiser: z.string(),
    status: z.enum(['draft', 'scheduled', 'in_session', 'concluded', 'archived']),
  }),
  session: z.strictObject({
    id: Id,
    status: z.enum(['scheduled', 'open', 'in_progress', 'adjourned', 'closed']),
    place: z.string(),
    timeZone: z.string(),
    scheduledAt: Time.optional(),
    openedAt: Time.optional(),
    startedAt: Time.optional(),
    closedAt: Time.optional(),
  }),
  agenda: z.array(
    z.strictObject({
      id: Id,
      title: z.string(),
      description: z.string().optional(),
      status: z.enum(['pending', 'current', 'done']),
    }),
  ),
  settings: z.strictObject({
    mode: FloorModeSchema,
    turnSeconds: z.strictObject({ point_of_order: z.number(), reply: z.number(), contribution: z.number() }),
    graceSeconds: z.number(),
    autoEnd: z.boolean(),
    fairness: z.boolean(),
    observersMayComment: z.boolean(),
  }),
});

const QueueEntrySchema = z.strictObject({
  id: Id,
  agendaItemId: Id.nullable(),
  speaker: PersonSchema,
  kind: EntryKindSchema,
  requestedAt: Time,
  addedBy: Id,
  replyToTurnId: Id.optional(),
});

const TurnViewSchema = z.strictObject({
  id: Id,
  speaker: PersonSchema,
  kind: EntryKindSchema,
  agendaItemId: Id.nullable(),
  startedAt: Time,
  allowedMs: z.number(),
  spokenMs: z.number(),
  remainingMs: z.number(),
  paused: z.boolean(),
  warned: z.boolean(),
  namedSpeaker: z.string().min(1).max(NAME_MAX).optional(),
});

export const QueueViewSchema = z.strictObject({
  version: z.number().int(),
  serverNow: Time,
  mode: FloorModeSchema,
  listClosed: z.boolean(),
  pointsOfOrderBlocked: z.boolean(),
  entries: z.array(QueueEntrySchema),
  current: TurnViewSchema.nullable(),
  interrupted: z.array(TurnViewSchema),
});

export const CommentViewSchema = z.strictObject({
  id: Id,
  agendaItemId: Id.nullable(),
  author: PersonSchema,
  text: z.string(),
  replyTo: Id.optional(),
  stance: StanceSchema.optional(),
  reactions: z.partialRecord(ReactionSchema, z.array(Id)),
  createdAt: Time,
  hidden: z.strictObject({ byName: z.string(), reason: z.string(), at: Time }).optional(),
});

export const MinutesViewSchema = z.strictObject({
  version: z.number().int(),
  minutes: z.strictObject({
    status: z.enum(['draft', 'under_review', 'finalized']),
    version: z.number().int(),
    summaries: z.record(Id, z.strictObject({ text: z.string(), updatedAt: Time, by: Id })),
    notes: z.string(),
    consensus: z.array(z.strictObject({ id: Id, text: z.string() })),
    actions: z.array(
      z.strictObject({
        id: Id,
        title: z.string(),
        ownerUnit: z.string(),
        dueDate: z.string().optional(),
        status: ActionStatusSchema,
        agendaItemId: Id.optional(),
      }),
    ),
    promotedCommentIds: z.array(Id),
    finalized: z.array(z.strictObject({ version: z.number().int(), hash: z.string(), at: Time, by: Id })),
  }),
  turns: z.array(
    TurnViewSchema.omit({ remainingMs: true, paused: true, warned: true }).extend({ endedAt: Time.optional() }),
  ),
  attendance: z.array(
    z.strictObject({ person: PersonSchema, present: z.boolean(), firstJoinedAt: Time, presentMs: z.number() }),
  ),
});

const Counts = z.array(z.number().int().min(0));

export const PollViewSchema = z.strictObject({
  id: Id,
  question: z.string(),
  options: z.array(z.string()),
  anonymous: z.boolean(),
  open: z.boolean(),
  agendaItemId: Id.nullable(),
  openedAt: Time,
  openedBy: z.string(),
  closedAt: Time.optional(),
  counts: Counts,
  members: Counts,
  answered: z.number().int().min(0),
  bySector: z.array(z.strictObject({ sector: z.string().nullable(), counts: Counts })),
  sites: z.array(z.strictObject({ id: Id, name: z.string(), counts: Counts })),
  answers: z
    .array(z.strictObject({ name: z.string(), sector: z.string().optional(), option: z.number().int().min(0) }))
    .optional(),
});

export const PollsViewSchema = z.strictObject({ version: z.number().int(), polls: z.array(PollViewSchema) });

export const SitesViewSchema = z.strictObject({
  version: z.number().int(),
  sites: z.array(
    z.strictObject({
      id: Id,
      name: z.string(),
      operator: z.string().optional(),
      headcount: z.number().int().min(0).nullable(),
      speakers: z.array(z.string()),
    }),
  ),
});

// The schemas and the domain's types describe the same views.
same<Same<z.infer<typeof SessionViewSchema>, SessionView>>(true);
same<Same<z.infer<typeof QueueViewSchema>, QueueView>>(true);
same<Same<z.infer<typeof CommentViewSchema>, CommentView>>(true);
same<Same<z.infer<typeof MinutesViewSchema>, MinutesView>>(true);
same<Same<z.infer<typeof PollsViewSchema>, PollsView>>(true);
same<Same<z.infer<typeof SitesViewSchema>, SitesView>>(true);
