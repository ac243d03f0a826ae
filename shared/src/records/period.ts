import { InvalidRequest } from '../errors.js';
import type { Period, PeriodRange, Term } from './types.js';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * Every period, the one grammar both the REST schemas (PeriodSchema) and parsePeriod read:
 * `YYYY-MM` a month, `YYYY` a year, `term` the current term, `term:<name>` a named one, whose name
 * has no spaces at its ends, no control characters, and at most 32 characters.
 */
export const PERIOD_PROBLEM = 'a period is YYYY-MM, YYYY, term or term:<name>';
export const PERIOD = /^(?:\d{4}(-(?:0[1-9]|1[0-2]))?|term(?::([^\s\p{Cc}](?:[^\p{Cc}]{0,30}[^\s\p{Cc}])?))?)$/u;

/** Anything not a period is refused (INVALID_REQUEST) before anything is looked up. */
export function parsePeriod(text: string): Period {
  const match = PERIOD.exec(text);
  if (!match) throw new InvalidRequest(PERIOD_PROBLEM);
  const [, month, term] = match;
  if (text.startsWith('term')) return { kind: 'term', name: term ?? null };
  return month ? { kind: 'month', month: text } : { kind: 'year', year: text };
}

/** Whether `text` is a month YYYY-MM. */
export const isMonth = (text: string): boolean => MONTH.test(text);

/**
 * The months a period covers. `term` is the term whose months hold `today` (YYYY-MM), else the
 * latest that began before it; a term nobody configured is NOT_FOUND-worthy, refused here as
 * INVALID_REQUEST since the caller named it.
 */
export function periodRange(period: Period, terms: readonly Term[], today: string): PeriodRange {
  switch (period.kind) {
    case 'month':
      return { period: period.month, from: period.month, to: period.month, term: null };
    case 'year':
      return { period: period.year, from: `${period.year}-01`, to: `${period.year}-12`, term: null };
    case 'term': {
      const term = period.name === null ? currentTerm(terms, today) : terms.find((t) => t.name === period.name);
      if (!term) {
        throw new InvalidRequest(
          period.name === null ? 'no term is configured (RECORDS_TERMS)' : `no term "${period.name}"`,
        );
      }
      return { period: `term:${term.name}`, from: term.from, to: term.to, term: term.name };
    }
  }
}

function currentTerm(terms: readonly Term[], today: string): Term | undefined {
  return (
    terms.find((t) => t.from <= today && today <= t.to) ??
    [...terms].filter((t) => t.from <= today).sort((a, b) => (a.from < b.from ? 1 : -1))[0]
  );
}

/** Whether month `month` (YYYY-MM) lies in `range`. */
export const inRange = (month: string, range: Pick<PeriodRange, 'from' | 'to'>): boolean =>
  range.from <= month && month <= range.to;
