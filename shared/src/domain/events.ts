import type {
  ActionItem,
  AgendaItem,
  Comment,
  EntryKind,
  FinalizedMinutes,
  FloorSettings,
  IssuedInvitation,
  Person,
  Poll,
  QueueEntry,
  Reaction,
  SettingsPatch,
  TopicFields,
  Turn,
  TurnEndReason,
} from './types.js';

/** Whoever the event is the doing of: a person's id, or 'system'. */
interface By {
  by: string;
}

/**
 * Everything that can happen to a room, as stored in its event log. Events are facts: they carry
 * every value needed to apply them (ids, positions, times), so replaying a log never consults
 * rules that may have changed since.
 */
export type DomainEventBody =
  | {
      type: 'topic.created';
      data: TopicFields & {
        id: string;
        agenda: AgendaItem[];
        timeZone: string;
        place: string;
        settings: FloorSettings;
      };
    }
  | { type: 'topic.updated'; data: Partial<TopicFields> & { agenda?: AgendaItem[] } }
  | { type: 'topic.archived'; data: Record<string, never> }
  | { type: 'session.scheduled'; data: { scheduledAt: number } }
  | { type: 'session.opened'; data: By }
  | { type: 'session.started'; data: By }
  | { type: 'session.adjourned'; data: By }
  | { type: 'session.resumed'; data: By }
  | { type: 'session.closed'; data: By }
  | { type: 'settings.changed'; data: { by: string; settings: SettingsPatch } }
  | { type: 'agenda.opened'; data: { by: string; itemId: string } }
  /** `resumed`: back soon after leaving, their last attendance interval goes on. */
  | { type: 'participant.joined'; data: { person: Person; resumed?: true | undefined } }
  | { type: 'participant.left'; data: { personId: string } }
  | { type: 'participant.removed'; data: { personId: string; name: string; by: string; reason: string } }
  | { type: 'invitation.issued'; data: Omit<IssuedInvitation, 'at'> }
  | { type: 'queue.entryAdded'; data: { entry: QueueEntry; index: number } }
  | { type: 'queue.entryWithdrawn'; data: { entryId: string } }
  | { type: 'queue.entryRemoved'; data: { entryId: string; by: string } }
  | { type: 'queue.entryMoved'; data: { entryId: string; toIndex: number; by: string } }
  | { type: 'queue.closed'; data: { by: string; pointsOfOrderBlocked: boolean } }
  | { type: 'queue.opened'; data: By }
  | { type: 'queue.cleared'; data: By }
  | { type: 'turn.started'; data: { turn: Turn } }
  | { type: 'turn.paused'; data: { turnId: string; reason: 'interposed' | 'chair' } }
  | { type: 'turn.resumed'; data: { turnId: string } }
  | { type: 'turn.extended'; data: { turnId: string; addMs: number; by: string } }
  | { type: 'turn.warned'; data: { turnId: string } }
  | { type: 'turn.ended'; data: { turnId: string; reason: TurnEndReason } }
  | { type: 'comment.posted'; data: { comment: Comment } }
  | { type: 'comment.reacted'; data: { commentId: string; personId: string; reaction: Reaction; on: boolean } }
  | { type: 'comment.hidden'; data: { commentId: string; by: string; byName: string; reason: string } }
  | { type: 'minutes.summarySet'; data: { turnId: string; text: string; by: string } }
  | { type: 'minutes.notesSet'; data: { text: string; by: string } }
  | { type: 'minutes.consensusAdded'; data: { id: string; text: string } }
  | { type: 'minutes.consensusUpdated'; data: { id: string; text: string } }
  | { type: 'minutes.consensusRemoved'; data: { id: string } }
  | { type: 'minutes.actionAdded'; data: { action: ActionItem } }
  | { type: 'minutes.actionUpdated'; data: { action: ActionItem } }
  | { type: 'minutes.actionRemoved'; data: { id: string } }
  | { type: 'minutes.commentPromoted'; data: { commentId: string } }
  | { type: 'minutes.submitted'; data: By }
  | { type: 'minutes.finalized'; data: FinalizedMinutes }
  | { type: 'minutes.reopened'; data: By }
  | { type: 'site.headcountReported'; data: { siteId: string; count: number } }
  | { type: 'turn.speakerNamed'; data: { turnId: string; name: string } }
  | { type: 'poll.opened'; data: { poll: Omit<Poll, 'openedAt' | 'closedAt' | 'answers' | 'siteCounts'> } }
  /** A member's answer, or its change: kept to count each member once, never shown for an anonymous poll. */
  | {
      type: 'poll.answered';
      data: { pollId: string; personId: string; name: string; sector?: string | undefined; option: number };
    }
  | { type: 'poll.siteCounted'; data: { pollId: string; siteId: string; counts: number[] } }
  | { type: 'poll.closed'; data: { pollId: string; by: string } };

/** An event with the time it happened. */
export type DomainEvent = DomainEventBody & { at: number };
export type DomainEventType = DomainEvent['type'];

export type { EntryKind, TopicFields };
