import type { TopicFields } from './events.js';
import type { ActionStatus, EntryKind, Person, Reaction, SettingsPatch, Stance } from './types.js';

/** Agenda items as an organiser writes them; on update, an id of an existing item keeps that item's identity. */
export interface AgendaInput {
  id?: string | undefined;
  title: string;
  description?: string | undefined;
}

/**
 * What actors ask of a room. Validation of shape happens at the edge (zod); the reducer checks
 * permissions and rules, and answers with events or a typed error.
 */
export type Command =
  | {
      type: 'topic.create';
      id: string;
      fields: TopicFields;
      agenda: AgendaInput[];
      timeZone?: string | undefined;
      settings?: SettingsPatch | undefined;
    }
  | { type: 'topic.update'; fields: Partial<TopicFields>; agenda?: AgendaInput[] | undefined }
  | { type: 'topic.archive' }
  | { type: 'session.schedule'; scheduledAt: number }
  | { type: 'session.open' }
  | { type: 'session.start' }
  | { type: 'session.adjourn' }
  | { type: 'session.resume' }
  | { type: 'session.close' }
  | { type: 'settings.update'; settings: SettingsPatch }
  | { type: 'agenda.open'; itemId: string }
  /**
   * `person` is here. Back within `resumeWithinMs` (the reconnect grace) of leaving, they resume
   * their last attendance interval instead of starting a new one.
   */
  | { type: 'participant.join'; person: Person; resumeWithinMs: number }
  | { type: 'participant.leave'; personId: string }
  /** The chair (or organiser) removes someone: their invitation no longer admits them. */
  | { type: 'participant.remove'; personId: string; reason: string }
  /** A join link was made for `invitee` (the REST API signs the token once this is recorded). */
  | { type: 'invitation.issue'; invitee: Person; expiresAt: number }
  | { type: 'queue.request'; kind: EntryKind }
  | { type: 'queue.withdraw'; entryId: string }
  | { type: 'queue.add'; speakerId: string; kind: EntryKind }
  | { type: 'queue.move'; entryId: string; toIndex: number }
  | { type: 'queue.remove'; entryId: string }
  | { type: 'queue.setClosed'; closed: boolean; pointsOfOrderBlocked?: boolean | undefined }
  | { type: 'queue.clear' }
  | { type: 'floor.grant'; entryId?: string | undefined }
  | { type: 'floor.end' }
  | { type: 'floor.yield' }
  | { type: 'floor.pause' }
  | { type: 'floor.resume' }
  | { type: 'floor.extend'; seconds: number }
  | { type: 'clock.tick' }
  | {
      type: 'comment.post';
      /** Chosen by the client so that a retried post is stored once (see ClientId in the protocol). */
      id?: string | undefined;
      text: string;
      replyTo?: string | undefined;
      stance?: Stance | undefined;
    }
  | { type: 'comment.react'; commentId: string; reaction: Reaction; on: boolean }
  | { type: 'comment.hide'; commentId: string; reason: string }
  | { type: 'minutes.setSummary'; turnId: string; text: string }
  | { type: 'minutes.setNotes'; text: string }
  | { type: 'minutes.addConsensus'; id?: string | undefined; text: string }
  | { type: 'minutes.updateConsensus'; id: string; text: string }
  | { type: 'minutes.removeConsensus'; id: string }
  | {
      type: 'minutes.addAction';
      id?: string | undefined;
      title: string;
      ownerUnit: string;
      dueDate?: string | undefined;
      status?: ActionStatus | undefined;
      /** The agenda item it follows from (see ActionItem). */
      agendaItemId?: string | undefined;
    }
  | {
      type: 'minutes.updateAction';
      id: string;
      title?: string | undefined;
      ownerUnit?: string | undefined;
      dueDate?: string | null | undefined;
      status?: ActionStatus | undefined;
      /** null: no longer linked to an agenda item. */
      agendaItemId?: string | null | undefined;
    }
  | { type: 'minutes.removeAction'; id: string }
  | { type: 'minutes.promoteComment'; commentId: string }
  | { type: 'minutes.submit' }
  | { type: 'minutes.finalize'; hash: string; document: unknown }
  | { type: 'minutes.reopen' }
  /** A site reports how many people are present there. */
  | { type: 'site.reportHeadcount'; count: number }
  /** A site holding the floor names who is speaking there. */
  | { type: 'site.nameSpeaker'; name: string }
  | {
      type: 'poll.open';
      /** Chosen by the client, so that a retry opens one poll. */
      id?: string | undefined;
      question: string;
      /** 同意 / 不同意 / 弃权 when left out. */
      options?: string[] | undefined;
      anonymous: boolean;
    }
  | { type: 'poll.answer'; pollId: string; option: number }
  | { type: 'poll.enterSiteCounts'; pollId: string; counts: number[] }
  | { type: 'poll.close'; pollId: string };

export type CommandType = Command['type'];

/** What the reducer gets from outside: time and fresh ids, so tests are deterministic. */
export interface Context {
  now: number;
  newId: () => string;
}
