import type { DomainEvent, DomainEventType } from '@yishi/shared';

/**
 * What a client must be told after one event of the session: a view to send again, or news of
 * one comment or one removal. Who hears it is fixed by the notification: the session and queue
 * views go to everyone, the minutes only to chair and secretary, a comment to each audience in
 * its own view, a removal to the person removed.
 */
export type Notification =
  | { name: 'session:state' }
  | { name: 'queue:state' }
  | { name: 'minutes:state' }
  | { name: 'polls:state' }
  | { name: 'sites:state' }
  | { name: 'comments:added'; commentId: string }
  | { name: 'comment:updated'; commentId: string }
  | { name: 'session:removed'; personId: string; reason: string };

type Rules = { [T in DomainEventType]: (event: Extract<DomainEvent, { type: T }>) => Notification[] };

const session = { name: 'session:state' } as const;
const queue = { name: 'queue:state' } as const;
const minutes = { name: 'minutes:state' } as const;
const polls = { name: 'polls:state' } as const;
const sites = { name: 'sites:state' } as const;
// The views an event has sent again.
const theSession = () => [session];
const theSessionAndQueue = () => [session, queue];
const theQueue = () => [queue];
const theQueueAndMinutes = () => [queue, minutes];
const theMinutes = () => [minutes];
const nothing = () => [];
const thePolls = () => [polls];

/**
 * Every event type says what it changes: a new type does not compile until it is listed here.
 * The agenda, the settings and the session's status shape the queue view too (its current item,
 * its limits, whether requests are taken); a turn is part of the minutes.
 */
const RULES: Rules = {
  'topic.created': theSession,
  'topic.updated': theSession,
  'topic.archived': theSession,
  'session.scheduled': theSessionAndQueue,
  'session.opened': theSessionAndQueue,
  'session.started': theSessionAndQueue,
  'session.adjourned': theSessionAndQueue,
  'session.resumed': theSessionAndQueue,
  'session.closed': theSessionAndQueue,
  'settings.changed': theSessionAndQueue,
  'agenda.opened': theSessionAndQueue,
  // Clients learn of arrivals and departures from the room (peer:joined, peer:left); the
  // attendance in the minutes goes out with their next change.
  'participant.joined': ({ data }) => (data.person.role === 'site' ? [sites] : []),
  'participant.left': nothing,
  'participant.removed': ({ data }) => [{ name: 'session:removed', personId: data.personId, reason: data.reason }],
  // Kept for the minutes' record of who invited whom; nothing in the room changes.
  'invitation.issued': nothing,
  'queue.entryAdded': theQueue,
  'queue.entryWithdrawn': theQueue,
  'queue.entryRemoved': theQueue,
  'queue.entryMoved': theQueue,
  'queue.closed': theQueue,
  'queue.opened': theQueue,
  'queue.cleared': theQueue,
  'turn.started': theQueueAndMinutes,
  'turn.paused': theQueueAndMinutes,
  'turn.resumed': theQueueAndMinutes,
  'turn.extended': theQueueAndMinutes,
  'turn.warned': theQueueAndMinutes,
  'turn.ended': theQueueAndMinutes,
  'comment.posted': ({ data }) => [{ name: 'comments:added', commentId: data.comment.id }],
  'comment.reacted': ({ data }) => [{ name: 'comment:updated', commentId: data.commentId }],
  'comment.hidden': ({ data }) => [{ name: 'comment:updated', commentId: data.commentId }],
  'minutes.summarySet': theMinutes,
  'minutes.notesSet': theMinutes,
  'minutes.consensusAdded': theMinutes,
  'minutes.consensusUpdated': theMinutes,
  'minutes.consensusRemoved': theMinutes,
  'minutes.actionAdded': theMinutes,
  'minutes.actionUpdated': theMinutes,
  'minutes.actionRemoved': theMinutes,
  'minutes.commentPromoted': theMinutes,
  'minutes.submitted': theMinutes,
  'minutes.finalized': theMinutes,
  'minutes.reopened': theMinutes,
  'site.headcountReported': () => [sites],
  // The turn's speaker as the minutes name them, and the site's quick list of names.
  'turn.speakerNamed': () => [queue, minutes, sites],
  'poll.opened': thePolls,
  'poll.answered': thePolls,
  'poll.siteCounted': thePolls,
  'poll.closed': thePolls,
};

/** What the clients must be told after `event`. */
export function notificationsFor(event: DomainEvent): Notification[] {
  return (RULES[event.type] as (event: DomainEvent) => Notification[])(event);
}
