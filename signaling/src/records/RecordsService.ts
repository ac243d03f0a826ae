import type { DirectoryPerson, HeatFormula, Leaderboard, PeriodRange, PersonRecord, RecordCounts } from '@yishi/shared';

/**
 * Participation records as the API and the card read them (docs/domain.md, "Participation
 * records"). `LocalRecords` keeps them for one node and, fed by the bus, for each of several.
 * Periods are written as `parsePeriod` reads them (`2026-12`, `2026`, `term`, `term:<name>`); a
 * malformed one is refused with INVALID_REQUEST, an unknown person with NOT_FOUND. A person with
 * no activity has a record of zeros.
 */
export interface RecordsService {
  /** A directory person's record over `period` (a merged entry's figures count for the entry it was merged into). */
  record(personId: string, period: string): Promise<PersonRecord>;
  /**
   * The board of `period`, of one sector (界别) or all, its first `limit` entries (all without it);
   * with `viewer` (a directory person's id) their own entry as `me`, wherever they stand.
   */
  leaderboard(
    period: string,
    options?: { sector?: string | undefined; limit?: number | undefined; viewer?: string | undefined },
  ): Promise<Leaderboard>;
  /**
   * Every directory person but merged entries (whose figures are their survivor's), with their
   * figures over `period`, score and rank (null when not ranked), ranked first, and the formula
   * that scored them: the office's export.
   */
  rows(period: string): Promise<{ range: PeriodRange; rows: RecordRow[]; formula: HeatFormula }>;
}

export interface RecordRow {
  person: DirectoryPerson;
  counts: RecordCounts;
  score: number;
  rank: number | null;
}
