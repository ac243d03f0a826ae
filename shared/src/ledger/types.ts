import type { Person } from '../domain/types.js';

/**
 * The outcome ledger (问题台账, docs/domain.md "Outcome ledger"): what a consultation decided,
 * followed with the handling units until it is done and the members who raised it have rated
 * the answer. Each item is its own event stream; its state is the fold of that stream.
 */

/**
 * registered → assigned → in progress → answered → evaluated → closed; a unit may return an item
 * that is not theirs (with a reason), and an answer rated unsatisfactory goes back to in progress.
 * Overdue is not a status: an item past its due date and not yet answered is overdue (`isOverdue`).
 */
export const LEDGER_STATUSES = [
  'registered',
  'assigned',
  'in_progress',
  'answered',
  'evaluated',
  'closed',
  'returned',
] as const;
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

export const PRIORITIES = ['normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** 满意 / 基本满意 / 不满意: the members' rating of a unit's answer. */
export const RATINGS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const;
export type Rating = (typeof RATINGS)[number];

/** 成果转化: what an item became besides its answer. */
export const CONVERSIONS = ['proposal', 'public_opinion', 'solved_on_site'] as const;
export type ConversionKind = (typeof CONVERSIONS)[number];

/** Where an item came from: finalized minutes (linked back), or entered by hand. */
export type LedgerSource =
  | {
      kind: 'action' | 'consensus';
      sessionId: string;
      /** The action item's or consensus point's id in those minutes. */
      refId: string;
      minutesVersion: number;
      agendaItemId: string | null;
    }
  | { kind: 'site_visit' | 'research' | 'submission' };

/** Who acts on the ledger: the committee office, a session's officers, a handling unit, a member. */
export interface LedgerActor {
  id: string;
  name: string;
  role: 'organiser' | 'secretary' | 'chair' | 'member' | 'unit' | 'system';
  /** For a unit: the unit it speaks for (承办单位). */
  unit?: string | undefined;
}

/** One note of a unit's progress or its formal answer (答复). */
export interface UnitText {
  at: number;
  by: string;
  unit: string;
  text: string;
}

export interface Evaluation {
  at: number;
  by: string;
  rating: Rating;
  comment: string;
  /** Which answer it rates (1 for the first). */
  answer: number;
}

export interface LedgerItem {
  id: string;
  title: string;
  description: string;
  category: string;
  source: LedgerSource;
  topicId: string;
  leadUnit: string | null;
  coUnits: string[];
  /** YYYY-MM-DD, in the topic's time zone. */
  dueDate: string | null;
  priority: Priority;
  /** The members who raised it: they, and only they, rate the answer. */
  raisedBy: Person[];
  status: LedgerStatus;
  /** Why the unit returned it, while it is returned. */
  returnedReason: string | null;
  updates: UnitText[];
  answers: UnitText[];
  evaluations: Evaluation[];
  conversion: { kind: ConversionKind; reference: string; at: number; by: string } | null;
  createdAt: number;
  updatedAt: number;
}
