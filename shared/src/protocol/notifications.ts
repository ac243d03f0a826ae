import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';
import { MediaIdSchema } from './media.js';
import { PeerInfoSchema, ProducerInfoSchema } from './peers.js';
import {
  CommentViewSchema,
  MinutesViewSchema,
  PollsViewSchema,
  QueueViewSchema,
  SessionViewSchema,
  SitesViewSchema,
} from './views.js';

const PeerRef = z.strictObject({ peerId: z.string().min(1).max(128) });
const ProducerEvent = z.strictObject({ producerId: MediaIdSchema, peerId: z.string().min(1).max(128) });

/** One schema per server→client notification. */
export const NotificationSchemas = {
  'peer:joined': PeerInfoSchema,
  'peer:left': PeerRef,
  'producer:new': ProducerInfoSchema,
  'producer:closed': ProducerEvent,
  'producer:paused': ProducerEvent,
  'producer:resumed': ProducerEvent,
  'consumer:closed': z.strictObject({ consumerId: MediaIdSchema }),
  /** The dominant speaker among the open microphones changed; null when theirs was gated, muted or closed. */
  'speaker:active': z.strictObject({ peerId: z.string().min(1).max(128).nullable() }),
  /**
   * The room's media was lost (e.g. its mediasoup worker died) and has been re-homed: drop
   * transports, producers and consumers, then create them again. Room state is untouched.
   */
  'media:reset': z.strictObject({ reason: z.string().max(256) }),
  /** The session, agenda or settings changed. */
  'session:state': SessionViewSchema,
  /** The queue, the floor or its clock changed. */
  'queue:state': QueueViewSchema,
  /**
   * New comments in the order posted: one at a time, or — in a burst — those posted within the
   * server's batch window (COMMENT_BATCH_MS) together.
   */
  'comments:added': z.strictObject({ comments: z.array(CommentViewSchema).min(1) }),
  /** Reactions changed or the comment was hidden. */
  'comment:updated': CommentViewSchema,
  /** A poll was opened, answered, counted or closed: every poll's live results (counts only for an anonymous one). */
  'polls:state': PollsViewSchema,
  /** A site joined, reported its headcount or named a speaker. */
  'sites:state': SitesViewSchema,
  /** To the chair and the secretary only: the minutes draft changed. */
  'minutes:state': MinutesViewSchema,
  /**
   * To one participant: whether the floor lets them use their microphone now, and whether the
   * chair just muted it.
   */
  'mic:state': z.strictObject({ allowed: z.boolean(), mutedByChair: z.boolean() }),
  /** The same identity joined from elsewhere (another tab or device); this connection is closed. */
  'session:replaced': z.strictObject({}),
  /** The chair removed this participant (with their reason): the connection is closed, the invitation void. */
  'session:removed': z.strictObject({ reason: z.string() }),
  /**
   * This node is shutting down: its connections close next and clients reconnect by themselves
   * (through the proxy, to another node) and join again; nothing of the session is lost.
   */
  'server:draining': z.strictObject({}),
  /** A message that could not be acknowledged (no ack callback, unknown event) was refused. */
  'protocol:error': z.strictObject({
    event: z.string().max(128),
    code: z.enum(ERROR_CODES),
    message: z.string().max(512),
  }),
} as const;

export type NotificationName = keyof typeof NotificationSchemas;
export type NotificationPayload<K extends NotificationName> = z.infer<(typeof NotificationSchemas)[K]>;
