import type { EntryKind } from '../domain/types.js';
import type { Rating } from '../ledger/types.js';

/**
 * Participation records (履职记录, docs/domain.md "Participation records"): the member directory,
 * each person's figures per period, the heat score and its leaderboard (热力榜). The answers built
 * from them (a person's record, the board and its formula) are typed by their schemas in
 * protocol/records.ts.
 */

/** Roles whose holders are entered in the directory when first seen, and ranked. Guests, units, sites and observers are not. */
export const RANKED_ROLES = ['chair', 'secretary', 'member'] as const;

/**
 * active: ranked; removed: kept with their record, not ranked, their tokens refused here;
 * merged: another entry is the same person (`mergedInto`), which carries this one's record.
 */
export const PERSON_STATUSES = ['active', 'removed', 'merged'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

/** One person of the member directory. `id` is their tokens' `sub`. */
export interface DirectoryPerson {
  id: string;
  name: string;
  /** 界别 */
  sector: string | null;
  /** 届, e.g. 第十四届: the term they serve in (a term's name, see `Term`). */
  term: string | null;
  /** 工作单位 */
  unit: string | null;
  status: PersonStatus;
  /** For a merged entry: the entry that is the same person. */
  mergedInto: string | null;
  /** How the entry came: first seen in a token, added by the organiser, or a roster import. */
  origin: 'token' | 'organiser' | 'import';
  createdAt: number;
  updatedAt: number;
}

/** A term (届) of the committee: its name and its months, inclusive (YYYY-MM). */
export interface Term {
  name: string;
  from: string;
  to: string;
}

/**
 * What a record covers: a month, a year, or a term. Written `YYYY-MM`, `YYYY`, `term` (the
 * current term) or `term:<name>` (parsePeriod).
 */
export type Period =
  | { kind: 'month'; month: string }
  | { kind: 'year'; year: string }
  | { kind: 'term'; name: string | null };

/** A period made concrete: its canonical name and first and last months (YYYY-MM, inclusive). */
export interface PeriodRange {
  /** `2026-12`, `2026` or `term:第十四届`. */
  period: string;
  from: string;
  to: string;
  /** For a term: its name; persons of another term are not on its board. */
  term: string | null;
}

/** Speeches of one kind: how many and how long (pauses excluded). */
export interface SpeechFigures {
  count: number;
  seconds: number;
}

/** A person's figures over a period: zeros when they did nothing. */
export interface RecordCounts {
  /** Sessions they were invited to (an invitation issued for them). */
  invited: number;
  /** Sessions they attended (joined while it was open or in progress). */
  attended: number;
  /** Minutes present in all those sessions. */
  presentMinutes: number;
  speeches: number;
  speakingSeconds: number;
  speechesByKind: Record<EntryKind, SpeechFigures>;
  /** Comments they posted and nobody hid. */
  comments: number;
  /** Replies by others to their (visible) comments, and reactions by others to them. */
  repliesReceived: number;
  reactionsReceived: number;
  /** Their comments the secretary promoted into the minutes. */
  promoted: number;
  /** Consensus points and action items of finalized minutes attributed to them (see docs/domain.md). */
  consensus: number;
  actions: number;
  /** Ledger items they raised, those solved (evaluated or closed), and their ratings of answers. */
  itemsRaised: number;
  itemsSolved: number;
  ratings: Record<Rating, number>;
}

/** The figures a member's card (履职纪念卡) prints; its verification link pins their digest. */
export type CardFigures = Pick<
  RecordCounts,
  'invited' | 'attended' | 'speeches' | 'speakingSeconds' | 'comments' | 'itemsRaised' | 'itemsSolved'
>;

/** `GET /api/records/verify?…` (public): what a card's signed link shows. */
export interface CardVerification {
  person: Pick<DirectoryPerson, 'id' | 'name' | 'sector' | 'term' | 'unit'>;
  period: string;
  from: string;
  to: string;
  figures: CardFigures;
  score: number;
  rank: number | null;
  ranked: number;
  /** False once a period still running has grown since the card was made. */
  current: boolean;
  expiresAt: string;
}

/** The figures a heat score weighs. */
export const HEAT_TERMS = [
  'attended',
  'speeches',
  'speakingMinutes',
  'comments',
  'repliesReceived',
  'reactionsReceived',
  'promoted',
  'consensus',
  'actions',
  'itemsRaised',
  'itemsSolved',
] as const;
export type HeatTerm = (typeof HEAT_TERMS)[number];
export type HeatWeights = Record<HeatTerm, number>;
