import type { Role } from '../roles.js';
import type { Activity } from './quotas.js';

/** Who acts: a participant from their token, an organiser over REST, or the server itself (clock, presence). */
export interface Actor {
  id: string;
  name: string;
  role: Role | 'organiser' | 'system';
  sector?: string | undefined;
  /** A handling unit's representative (role `unit`): the unit they answer for. */
  unit?: string | undefined;
}

/**
 * A person as the minutes name them. A unit's representative is named by their unit first
 * (`displayName`: "发展和改革委员会 · 张处长"), and `unit` is the unit alone.
 */
export interface Person {
  id: string;
  name: string;
  role: Role;
  sector?: string | undefined;
  unit?: string | undefined;
  /** Only a site (role `site`, named by its place): who operates its device. */
  operator?: string | undefined;
}

export type TopicStatus = 'draft' | 'scheduled' | 'in_session' | 'concluded' | 'archived';
export type SessionStatus = 'scheduled' | 'open' | 'in_progress' | 'adjourned' | 'closed';

export interface Material {
  title: string;
  url: string;
}

/** What an organiser writes about a topic. */
export interface TopicFields {
  title: string;
  background: string;
  materials: Material[];
  sectors: string[];
  proposalNumber?: string | undefined;
  organiser: string;
}

/** 协商议题: what is consulted on. Its id is also the id of its session and room. */
export interface Topic extends TopicFields {
  id: string;
  status: TopicStatus;
  createdAt: number;
  updatedAt: number;
}

export type AgendaStatus = 'pending' | 'current' | 'done';

/** 议程: one item of the session's ordered agenda. */
export interface AgendaItem {
  id: string;
  title: string;
  description?: string | undefined;
  status: AgendaStatus;
}

export interface Session {
  id: string;
  status: SessionStatus;
  place: string;
  /** IANA zone in which minutes and exports show times. */
  timeZone: string;
  scheduledAt?: number | undefined;
  openedAt?: number | undefined;
  startedAt?: number | undefined;
  closedAt?: number | undefined;
}

/** Queue entry kinds in priority order: point of order > reply (interposed question) > contribution. */
export const ENTRY_KINDS = ['point_of_order', 'reply', 'contribution'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export type FloorMode = 'moderated' | 'open';

export interface FloorSettings {
  /** moderated: the server gates microphones to the floor; open: the queue is advisory. */
  mode: FloorMode;
  /** Allowed speaking time per kind, seconds. */
  turnSeconds: Record<EntryKind, number>;
  /** After the time is up: warn, then end the turn this many seconds later (if autoEnd). */
  graceSeconds: number;
  autoEnd: boolean;
  /** Put members who have not spoken in this session before those who have. */
  fairness: boolean;
  observersMayComment: boolean;
}

/** A change of settings: any field, and any per-kind speaking time. */
export type SettingsPatch = Partial<Omit<FloorSettings, 'turnSeconds'>> & {
  turnSeconds?: Partial<Record<EntryKind, number>> | undefined;
};

/** A request for the floor, waiting in the queue. */
export interface QueueEntry {
  id: string;
  agendaItemId: string | null;
  speaker: Person;
  kind: EntryKind;
  requestedAt: number;
  /** Who put it there: the speaker, or the chair on their behalf. */
  addedBy: string;
  /** A reply answers this turn; it is dropped when that turn ends. */
  replyToTurnId?: string | undefined;
}

export type TurnEndReason = 'chair' | 'yielded' | 'expired' | 'superseded' | 'agenda' | 'adjourned' | 'closed';

export interface Pause {
  at: number;
  until?: number | undefined;
  reason: 'interposed' | 'chair';
}

/** One speaking turn: the raw material of the minutes. */
export interface Turn {
  id: string;
  entryId: string | null;
  agendaItemId: string | null;
  speaker: Person;
  kind: EntryKind;
  requestedAt: number;
  startedAt: number;
  allowedMs: number;
  pauses: Pause[];
  warnedAt?: number | undefined;
  endedAt?: number | undefined;
  endReason?: TurnEndReason | undefined;
  /**
   * A site's turn: who is speaking there, as its operator named them ("村民代表 王某"); the
   * minutes record them at the site, not the device.
   */
  namedSpeaker?: string | undefined;
}

export const STANCES = ['support', 'neutral', 'oppose'] as const;
export type Stance = (typeof STANCES)[number];
export const REACTIONS = ['agree', 'applause', 'question'] as const;
export type Reaction = (typeof REACTIONS)[number];

export interface Comment {
  id: string;
  agendaItemId: string | null;
  author: Person;
  text: string;
  replyTo?: string | undefined;
  stance?: Stance | undefined;
  /** Who reacted, per reaction. */
  reactions: Partial<Record<Reaction, string[]>>;
  createdAt: number;
  /** Kept, never deleted: who hid it, when and why. */
  hidden?: { by: string; byName: string; reason: string; at: number } | undefined;
}

/** A decision of the chair, recorded for the minutes. */
export interface Decision {
  at: number;
  by: string;
  kind:
    | 'session_opened'
    | 'session_started'
    | 'session_adjourned'
    | 'session_resumed'
    | 'session_closed'
    | 'agenda_opened'
    | 'list_closed'
    | 'list_opened'
    | 'mode_changed'
    | 'participant_removed';
  detail: string;
}

export type ActionStatus = 'open' | 'in_progress' | 'done' | 'dropped';

/** 承办事项: follow-up owned by a unit, tracked after the meeting. */
export interface ActionItem {
  id: string;
  title: string;
  ownerUnit: string;
  dueDate?: string | undefined;
  status: ActionStatus;
  /** The agenda item it follows from, when the secretary says so: the ledger names its speakers as raisers. */
  agendaItemId?: string | undefined;
}

export type MinutesStatus = 'draft' | 'under_review' | 'finalized';

export interface FinalizedMinutes {
  version: number;
  hash: string;
  at: number;
  by: string;
  /** The document exactly as finalized (the JSON export). */
  document: unknown;
  /**
   * The ids of the document's consensus points, in its order (the document keeps their texts
   * only): the ledger links an item to its point by them. Absent on finalizations stored before.
   */
  consensusIds?: string[];
}

/** 会议纪要 as the secretary writes them (the captured parts come from the rest of the state). */
export interface Minutes {
  status: MinutesStatus;
  /** Version number the current draft will get when finalized. */
  version: number;
  summaries: Record<string, { text: string; updatedAt: number; by: string }>;
  notes: string;
  consensus: Array<{ id: string; text: string }>;
  actions: ActionItem[];
  promotedCommentIds: string[];
  finalized: FinalizedMinutes[];
}

/** Attendance of one person: every join/leave. */
export interface Attendance {
  person: Person;
  intervals: Array<{ joinedAt: number; leftAt?: number | undefined }>;
}

/** A join link given out: who it admits, who gave it and until when (the token itself is not kept). */
export interface IssuedInvitation {
  invitee: Person;
  issuer: { id: string; name: string; role: 'organiser' | 'chair' };
  at: number;
  expiresAt: number;
}

/** A site (坝坝会 mode): how many people it reported present, oldest report first. */
export interface SiteRecord {
  headcounts: Array<{ at: number; count: number }>;
}

/** The default options of a quick poll (举手表决). */
export const DEFAULT_POLL_OPTIONS = ['同意', '不同意', '弃权'] as const;

/**
 * A quick poll (举手表决 / 意见征询): consultative, not binding. Members answer one option each
 * (and may change it until it closes); a site enters its show of hands, bounded by its headcount.
 */
export interface Poll {
  id: string;
  question: string;
  options: string[];
  /** Anonymous: no view, notification or export ever says who answered what. */
  anonymous: boolean;
  agendaItemId: string | null;
  openedAt: number;
  openedBy: { id: string; name: string };
  closedAt?: number | undefined;
  /** Each member's answer (by person id), with their name and sector as they answered. */
  answers: Record<string, { option: number; name: string; sector?: string | undefined }>;
  /** Each site's counts per option (by the site's person id), as last entered. */
  siteCounts: Record<string, { counts: number[]; at: number }>;
}

/** A room's whole state: the fold of its event log. */
export interface RoomState {
  topic: Topic | null;
  session: Session;
  agenda: AgendaItem[];
  settings: FloorSettings;
  listClosed: boolean;
  pointsOfOrderBlocked: boolean;
  /** Waiting entries, in speaking order. */
  queue: QueueEntry[];
  /** Every turn ever started, in start order. */
  turns: Turn[];
  currentTurnId: string | null;
  /** Turns paused by an interposed question, innermost last; resumed when it ends. */
  interruptedTurnIds: string[];
  attendance: Record<string, Attendance>;
  /** People removed by the chair or organiser: their invitations no longer admit them. */
  removed: Record<string, { at: number; by: string; reason: string }>;
  /** Every invitation issued, oldest first: the minutes list who invited whom. */
  invitations: IssuedInvitation[];
  /** What each person did lately that counts against their quotas (quotas.ts). */
  activity: Activity;
  comments: Comment[];
  /** Index into `comments` by id (kept in step by the reducer). */
  commentIndex: Record<string, number>;
  decisions: Decision[];
  minutes: Minutes;
  /** Sites (role `site`) by person id: their headcounts over time. */
  sites: Record<string, SiteRecord>;
  /** Every quick poll, in the order opened; at most one is open. */
  polls: Poll[];
}
