import {
  DEFAULT_HEAT_WEIGHTS,
  HEAT_TERMS,
  type HeatTerm,
  type HeatWeights,
  isMonth,
  PERIOD,
  type Term,
} from '@yishi/shared';

/** The committee's term unless configured: the 14th (第十四届), 2023 to 2027. */
export const DEFAULT_TERMS: Term[] = [{ name: '第十四届', from: '2023-01', to: '2027-12' }];

/**
 * RECORDS_WEIGHTS: `key=weight` pairs, comma-separated (`attended=10,speeches=5`); keys left out
 * keep their default. Throws naming what is wrong.
 */
export function parseWeights(text: string | undefined): HeatWeights {
  const weights = { ...DEFAULT_HEAT_WEIGHTS };
  for (const pair of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, value, extra] = pair.split('=').map((p) => p.trim());
    const weight = Number(value);
    if (extra !== undefined || !(HEAT_TERMS as readonly string[]).includes(key ?? '')) {
      throw new Error(`"${pair}": a weight is <${HEAT_TERMS.join('|')}>=<number>`);
    }
    if (value === '' || !Number.isFinite(weight) || weight < 0 || weight > 1000) {
      throw new Error(`"${pair}": a weight is a number from 0 to 1000`);
    }
    weights[key as HeatTerm] = weight;
  }
  return weights;
}

/**
 * RECORDS_TERMS: `name=YYYY-MM..YYYY-MM` separated by `;` (`第十四届=2023-01..2027-12`). Terms may
 * not overlap. Throws naming what is wrong.
 */
export function parseTerms(text: string | undefined): Term[] {
  if (text === undefined || text.trim() === '') return DEFAULT_TERMS;
  const terms = text
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^([^=]{1,32})=(\d{4}-\d{2})\.\.(\d{4}-\d{2})$/.exec(part);
      const [, name, from, to] = match ?? [];
      if (!name?.trim() || !from || !to || !isMonth(from) || !isMonth(to) || from > to) {
        throw new Error(`"${part}": a term is <name>=YYYY-MM..YYYY-MM`);
      }
      // A name no `period=term:<name>` could ask for (control characters) would be a board nobody reads.
      if (!PERIOD.test(`term:${name.trim()}`)) throw new Error(`"${part}": a term's name has no control characters`);
      return { name: name.trim(), from, to };
    })
    .sort((a, b) => (a.from < b.from ? -1 : 1));
  for (let i = 1; i < terms.length; i++) {
    const [before, term] = [terms[i - 1] as Term, terms[i] as Term];
    if (term.from <= before.to) throw new Error(`terms "${before.name}" and "${term.name}" overlap`);
    if (term.name === before.name) throw new Error(`term "${term.name}" is named twice`);
  }
  return terms;
}
