import { spokenMs } from '../domain/clock.js';
import { DEFAULT_TIME_ZONE } from '../domain/defaults.js';
import type { MinutesDocument } from '../domain/minutes.js';
import { findComment, presentMs } from '../domain/queries.js';
import type { Person, RoomState } from '../domain/types.js';
import type { LedgerItem } from '../ledger/types.js';
import type { SessionFigures } from '../protocol/records.js';
import { zonedParts } from '../zonedTime.js';
import { zeroCounts } from './counts.js';
import { isRankedRole } from './permissions.js';
import type { RecordCounts } from './types.js';

/** One person's part in one session. */
export interface PersonInSession {
  counts: RecordCounts;
  figures: SessionFigures;
}

/** What one session adds to the records: each ranked person's part, and the month it counts in. */
export interface SessionTally {
  sessionId: string;
  title: string;
  /** YYYY-MM in the session's zone; null for a stream with no topic. */
  month: string | null;
  people: Map<string, PersonInSession>;
}

/** What one ledger item adds: each member who raised it, in the month it was registered. */
export interface ItemTally {
  itemId: string;
  title: string;
  month: string;
  solved: boolean;
  people: Map<string, RecordCounts>;
}

/** The month (YYYY-MM) of an instant in a zone. */
export function monthOf(at: number, timeZone: string): string {
  const { year, month } = zonedParts(at, timeZone);
  return `${year}-${month}`;
}

/**
 * Each ranked person's part in a session (chairs, secretaries, members; guests, units and
 * observers are not ranked), from the session's state — the fold of its log, so a speech is its
 * turn, counted once however often its events were delivered. `asOf` (the time of the session's
 * latest event) closes what is still running, so every node computes the same figures from the
 * same log. Hidden comments count for nobody: not their author's, nor as replies or reactions.
 */
export function sessionTally(state: RoomState, asOf: number): SessionTally {
  const sessionId = state.session.id;
  const title = state.topic?.title ?? sessionId;
  const at = state.session.openedAt ?? state.session.scheduledAt ?? state.topic?.createdAt;
  const people = new Map<string, PersonInSession>();
  const tally: SessionTally = {
    sessionId,
    title,
    month: at === undefined || !state.topic ? null : monthOf(at, state.session.timeZone),
    people,
  };
  if (tally.month === null || at === undefined) return tally;
  const date = new Date(at).toISOString();
  const of = (person: Person): PersonInSession | undefined => {
    if (!isRankedRole(person.role)) return undefined;
    let entry = people.get(person.id);
    if (!entry) {
      entry = {
        counts: zeroCounts(),
        figures: {
          sessionId,
          title,
          date,
          invited: false,
          attended: false,
          presentMinutes: 0,
          speeches: 0,
          speakingSeconds: 0,
          comments: 0,
          firstSpeechAt: null,
        },
      };
      people.set(person.id, entry);
    }
    return entry;
  };

  for (const invitation of state.invitations) {
    const entry = of(invitation.invitee);
    if (entry) entry.figures.invited = true;
  }
  for (const record of Object.values(state.attendance)) {
    const entry = record.intervals.length > 0 ? of(record.person) : undefined;
    if (!entry) continue;
    entry.figures.attended = true;
    entry.figures.presentMinutes = Math.round(presentMs(record, asOf) / 60_000);
  }
  for (const turn of state.turns) {
    const entry = of(turn.speaker);
    if (!entry) continue;
    const seconds = Math.round(spokenMs(turn, asOf) / 1000);
    entry.counts.speeches += 1;
    entry.counts.speakingSeconds += seconds;
    entry.counts.speechesByKind[turn.kind].count += 1;
    entry.counts.speechesByKind[turn.kind].seconds += seconds;
    const started = new Date(turn.startedAt).toISOString();
    if (entry.figures.firstSpeechAt === null || started < entry.figures.firstSpeechAt) {
      entry.figures.firstSpeechAt = started;
    }
  }
  for (const comment of state.comments) {
    if (comment.hidden) continue;
    const author = of(comment.author);
    if (author) {
      author.counts.comments += 1;
      for (const who of Object.values(comment.reactions)) {
        author.counts.reactionsReceived += (who ?? []).filter((id) => id !== comment.author.id).length;
      }
    }
    const parent = comment.replyTo === undefined ? undefined : findComment(state, comment.replyTo);
    if (parent && !parent.hidden && parent.author.id !== comment.author.id) {
      const entry = of(parent.author);
      if (entry) entry.counts.repliesReceived += 1;
    }
  }
  for (const id of new Set(state.minutes.promotedCommentIds)) {
    const comment = findComment(state, id);
    const entry = comment && !comment.hidden ? of(comment.author) : undefined;
    if (entry) entry.counts.promoted += 1;
  }
  const finalized = state.minutes.finalized.at(-1);
  if (finalized) attribute(finalized.document as MinutesDocument, of);

  for (const { counts, figures } of people.values()) {
    counts.invited = figures.invited ? 1 : 0;
    counts.attended = figures.attended ? 1 : 0;
    counts.presentMinutes = figures.presentMinutes;
    figures.speeches = counts.speeches;
    figures.speakingSeconds = counts.speakingSeconds;
    figures.comments = counts.comments;
  }
  return tally;
}

/**
 * The outcomes of the latest finalized minutes, to the members they follow from: an action item
 * linked to an agenda item to the members who spoke on it (as the ledger names its raisers); a
 * consensus point to the members who spoke in the session. Points of order are about procedure.
 */
function attribute(document: MinutesDocument, of: (person: Person) => PersonInSession | undefined): void {
  const speakers = new Map<string, { person: Person; agendaItems: Set<string | null> }>();
  for (const speech of document.speeches) {
    if (speech.kind === 'point_of_order' || speech.speaker.role !== 'member') continue;
    const known = speakers.get(speech.speaker.id) ?? { person: speech.speaker, agendaItems: new Set() };
    known.agendaItems.add(speech.agendaItemId);
    speakers.set(speech.speaker.id, known);
  }
  for (const { person, agendaItems } of speakers.values()) {
    const entry = of(person);
    if (!entry) continue;
    entry.counts.consensus += document.consensus.length;
    entry.counts.actions += document.actions.filter(
      (a) => a.agendaItemId !== undefined && agendaItems.has(a.agendaItemId),
    ).length;
  }
}

/**
 * Each member who raised a ledger item: raised once, solved when it is evaluated or closed, and
 * their own ratings of its answers — all in the month it was registered (the committee's zone).
 */
export function itemTally(item: LedgerItem, timeZone: string = DEFAULT_TIME_ZONE): ItemTally {
  const solved = item.status === 'evaluated' || item.status === 'closed';
  const people = new Map<string, RecordCounts>();
  for (const person of item.raisedBy) {
    if (!isRankedRole(person.role) || people.has(person.id)) continue;
    const counts = zeroCounts();
    counts.itemsRaised = 1;
    counts.itemsSolved = solved ? 1 : 0;
    for (const e of item.evaluations) if (e.by === person.id) counts.ratings[e.rating] += 1;
    people.set(person.id, counts);
  }
  return { itemId: item.id, title: item.title, month: monthOf(item.createdAt, timeZone), solved, people };
}
