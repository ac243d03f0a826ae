import { RateLimited } from '../errors.js';
import type { DomainEventBody } from './events.js';
import type { RoomState } from './types.js';

/**
 * What one person may do often, in classes, each with its own limits: at most `max` counted
 * events in any `windowMs` (docs/domain.md, "Quotas"). Every event kept is stored, broadcast and
 * replayed at each start forever, so a loop (join/leave, react on/off, request/withdraw) must not
 * be able to add them without bound. The chair's and secretary's other acts are not counted: each
 * is deliberate and recorded under their name.
 */
export const QUOTAS = {
  comment: [
    { max: 5, windowMs: 10_000 },
    { max: 20, windowMs: 60_000 },
  ],
  reaction: [
    { max: 10, windowMs: 10_000 },
    { max: 60, windowMs: 60_000 },
  ],
  /** Asking for the floor and withdrawing. */
  queue: [{ max: 10, windowMs: 60_000 }],
  /** Joining the room (a page coming back within the reconnect grace is not a join). */
  presence: [
    { max: 10, windowMs: 60_000 },
    { max: 120, windowMs: 3_600_000 },
  ],
  /** The secretary's autosaved texts: turn summaries and notes. */
  minutes: [{ max: 60, windowMs: 60_000 }],
  /** A member's answers to polls and their changes; a site's counts, headcounts and speakers' names. */
  poll: [
    { max: 10, windowMs: 10_000 },
    { max: 30, windowMs: 60_000 },
  ],
} as const satisfies Record<string, ReadonlyArray<{ max: number; windowMs: number }>>;

export type QuotaClass = keyof typeof QUOTAS;

/** Each person's counted events per class: their times, oldest first, within the class's longest window. */
export type Activity = Record<string, Partial<Record<QuotaClass, number[]>>>;

const WHAT: Record<QuotaClass, string> = {
  comment: 'comments',
  reaction: 'reactions',
  queue: 'requests for the floor',
  presence: 'joins',
  minutes: 'saves of the minutes',
  poll: 'answers, counts and reports',
};

/**
 * Whose quota an event counts against, and in which class; null for events not counted. Read by
 * `decide` before the event exists and by `evolve` before it is applied (a withdrawn entry is
 * still in the queue then).
 */
export function countedAs(state: RoomState, event: DomainEventBody): [personId: string, quota: QuotaClass] | null {
  switch (event.type) {
    case 'comment.posted':
      return [event.data.comment.author.id, 'comment'];
    case 'comment.reacted':
      return [event.data.personId, 'reaction'];
    case 'queue.entryAdded': {
      const { addedBy, speaker } = event.data.entry;
      // The chair putting someone else on the list runs the floor; that is not counted.
      return addedBy === speaker.id ? [addedBy, 'queue'] : null;
    }
    case 'queue.entryWithdrawn': {
      const entry = state.queue.find((e) => e.id === event.data.entryId);
      return entry ? [entry.speaker.id, 'queue'] : null;
    }
    case 'participant.joined':
      return [event.data.person.id, 'presence'];
    case 'minutes.summarySet':
    case 'minutes.notesSet':
      return [event.data.by, 'minutes'];
    case 'poll.answered':
      return [event.data.personId, 'poll'];
    case 'poll.siteCounted':
    case 'site.headcountReported':
      return [event.data.siteId, 'poll'];
    case 'turn.speakerNamed': {
      const turn = state.turns.find((t) => t.id === event.data.turnId);
      return turn ? [turn.speaker.id, 'poll'] : null;
    }
    default:
      return null;
  }
}

/** Refuses (RATE_LIMITED) when `events` would take someone past a limit of their class at `now`. */
export function checkQuotas(state: RoomState, events: DomainEventBody[], now: number): void {
  const added = new Map<string, number>();
  for (const event of events) {
    const counted = countedAs(state, event);
    if (!counted) continue;
    const [personId, quota] = counted;
    const key = `${quota}\u0000${personId}`;
    const extra = (added.get(key) ?? 0) + 1;
    added.set(key, extra);
    const times = state.activity[personId]?.[quota] ?? [];
    for (const { max, windowMs } of QUOTAS[quota]) {
      const recent = times.filter((t) => now - t < windowMs).length;
      if (recent + extra > max) {
        throw new RateLimited(`at most ${max} ${WHAT[quota]} per ${windowMs / 1000} s; wait a moment`);
      }
    }
  }
}

/** Counts `event` (at `at`) against its person's quota, forgetting times older than the class's longest window. */
export function recordActivity(state: RoomState, event: DomainEventBody, at: number): void {
  const counted = countedAs(state, event);
  if (!counted) return;
  const [personId, quota] = counted;
  const longest = Math.max(...QUOTAS[quota].map((l) => l.windowMs));
  const person = state.activity[personId] ?? {};
  const times = person[quota] ?? [];
  person[quota] = times;
  state.activity[personId] = person;
  times.push(at);
  const keep = times.findIndex((t) => at - t < longest);
  if (keep > 0) times.splice(0, keep);
}
