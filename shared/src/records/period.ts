import { InvalidRequest } from '../errors.js';
import type { Period, PeriodRange, Term } from './types.js';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const YEAR = /^\d{4}$/;
/** A term's name: no spaces at its ends, no control characters, at most 32 characters. */
const TERM_NAME = /^[^\s\p{Cc}](?:[^\p{Cc}]{0,30}[^\s\p{Cc}])?$/u;

/**
 * `YYYY-MM` a month, `YYYY` a year, `term` the current term, `term:<name>` a named one. Anything
 * else is refused (INVALID_REQUEST) before anything is looked up.
 */
export function parsePeriod(text: string): Period {
  if (MONTH.test(text)) return { kind: 'month', month: text };
  if (YEAR.test(text)) return { kind: 'year', year: text };
  if (text === 'term') return { kind: 'term', name: null };
  if (text.startsWith('term:') && TERM_NAME.test(text.slice(5))) return { kind: 'term', name: text.slice(5) };
  throw new InvalidRequest('a period is YYYY-MM, YYYY, term or term:<name>');
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
