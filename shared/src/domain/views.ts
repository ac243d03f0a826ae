import { isPaused, remainingMs, spokenMs } from './clock.js';
import { findTurn, isPresent, presentMs } from './queries.js';
import type {
  AgendaItem,
  Comment,
  FloorSettings,
  Minutes,
  Person,
  QueueEntry,
  RoomState,
  Session,
  Topic,
  Turn,
} from './types.js';

/**
 * What clients are sent: slices of the room state, each stamped with the log version it
 * reflects so a client can ignore an older one arriving late.
 */

export interface SessionView {
  version: number;
  topic: Omit<Topic, 'createdAt' | 'updatedAt'>;
  session: Session;
  agenda: AgendaItem[];
  settings: FloorSettings;
}

export interface TurnView {
  id: string;
  speaker: Person;
  kind: Turn['kind'];
  agendaItemId: string | null;
  startedAt: number;
  allowedMs: number;
  spokenMs: number;
  remainingMs: number;
  paused: boolean;
  warned: boolean;
  /** A site's turn: who is speaking there, as its operator named them. */
  namedSpeaker?: string | undefined;
}

export interface QueueView {
  version: number;
  /** The server's clock when this view was made: clients count down from here. */
  serverNow: number;
  mode: FloorSettings['mode'];
  listClosed: boolean;
  pointsOfOrderBlocked: boolean;
  entries: QueueEntry[];
  current: TurnView | null;
  /** Turns paused by an interposed question, resumed when it ends. */
  interrupted: TurnView[];
}

/** A comment as a participant sees it; a hidden one keeps who hid it and why, but not its text. */
export type CommentView = Omit<Comment, 'text' | 'hidden'> & {
  text: string;
  hidden?: { byName: string; reason: string; at: number } | undefined;
};

export interface MinutesView {
  version: number;
  minutes: Omit<Minutes, 'finalized'> & {
    finalized: Array<{ version: number; hash: string; at: number; by: string }>;
  };
  /** Every turn so far, oldest first: what summaries are written against. */
  turns: Array<Omit<TurnView, 'remainingMs' | 'paused' | 'warned'> & { endedAt?: number | undefined }>;
  /** Everyone who has joined, in order of first arrival: here now or not, and for how long in all. */
  attendance: Array<{ person: Person; present: boolean; firstJoinedAt: number; presentMs: number }>;
}

export function sessionView(state: RoomState, version: number): SessionView {
  if (!state.topic) throw new Error('sessionView of a room without topic');
  const { createdAt: _c, updatedAt: _u, ...topic } = state.topic;
  return { version, topic, session: state.session, agenda: state.agenda, settings: state.settings };
}

export function turnView(turn: Turn, now: number): TurnView {
  return {
    id: turn.id,
    speaker: turn.speaker,
    kind: turn.kind,
    agendaItemId: turn.agendaItemId,
    startedAt: turn.startedAt,
    allowedMs: turn.allowedMs,
    spokenMs: spokenMs(turn, now),
    remainingMs: remainingMs(turn, now),
    paused: isPaused(turn),
    warned: turn.warnedAt !== undefined,
    ...(turn.namedSpeaker ? { namedSpeaker: turn.namedSpeaker } : {}),
  };
}

export function queueView(state: RoomState, version: number, now: number): QueueView {
  const current = findTurn(state, state.currentTurnId);
  return {
    version,
    serverNow: now,
    mode: state.settings.mode,
    listClosed: state.listClosed,
    pointsOfOrderBlocked: state.pointsOfOrderBlocked,
    entries: state.queue,
    current: current ? turnView(current, now) : null,
    interrupted: state.interruptedTurnIds.flatMap((id) => {
      const turn = findTurn(state, id);
      return turn ? [turnView(turn, now)] : [];
    }),
  };
}

/** `moderator`: chair and secretary see a hidden comment's text (to review it); others do not. */
export function commentView(comment: Comment, moderator: boolean): CommentView {
  const { hidden, text, ...rest } = comment;
  if (!hidden) return { ...rest, text };
  return {
    ...rest,
    text: moderator ? text : '',
    hidden: { byName: hidden.byName, reason: hidden.reason, at: hidden.at },
  };
}

/** The newest `limit` comments before `before` (a comment id), oldest first. */
export function commentPage(state: RoomState, options: { before?: string | undefined; limit: number }): Comment[] {
  const end = options.before === undefined ? state.comments.length : (state.commentIndex[options.before] ?? 0);
  return state.comments.slice(Math.max(0, end - options.limit), end);
}

export function minutesView(state: RoomState, version: number, now: number): MinutesView {
  const { finalized, ...minutes } = state.minutes;
  return {
    version,
    minutes: { ...minutes, finalized: finalized.map(({ version, hash, at, by }) => ({ version, hash, at, by })) },
    turns: state.turns.map((t) => {
      const { remainingMs: _r, paused: _p, warned: _w, ...view } = turnView(t, now);
      return { ...view, ...(t.endedAt !== undefined ? { endedAt: t.endedAt } : {}) };
    }),
    attendance: Object.values(state.attendance).map((record) => ({
      person: record.person,
      present: isPresent(record),
      firstJoinedAt: record.intervals[0]?.joinedAt ?? 0,
      presentMs: presentMs(record, now),
    })),
  };
}

/**
 * Whether `person` may have an unpaused microphone now. Open mode: everyone who may publish.
 * Moderated: the chair, and whoever holds the floor (unless the chair paused the turn).
 */
export function mayUseMicrophone(state: RoomState, person: { id: string; role: Person['role'] }): boolean {
  if (person.role === 'observer') return false;
  if (state.settings.mode === 'open' || person.role === 'chair') return true;
  const current = findTurn(state, state.currentTurnId);
  return current !== undefined && current.speaker.id === person.id && !isPaused(current);
}
