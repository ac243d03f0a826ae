import { describe, expect, it } from 'vitest';
import { InvalidRequest, PeriodSchema, parsePeriod } from '@yishi/shared';

/** The REST schemas and the records read periods by one grammar: what one takes, the other takes. */
describe('periods', () => {
  it('reads months, years and terms', () => {
    expect(parsePeriod('2026-12')).toEqual({ kind: 'month', month: '2026-12' });
    expect(parsePeriod('2026')).toEqual({ kind: 'year', year: '2026' });
    expect(parsePeriod('term')).toEqual({ kind: 'term', name: null });
    expect(parsePeriod('term:第十四届')).toEqual({ kind: 'term', name: '第十四届' });
    expect(parsePeriod('term:a b')).toEqual({ kind: 'term', name: 'a b' });
  });

  it.each([
    '2026-13',
    '2026-00',
    '26',
    '2026-1',
    'term:',
    'term: 第十四届',
    'term:第十四届 ',
    'term:a\u0007b',
    `term:${'届'.repeat(33)}`,
    'terms',
    '',
  ])('refuses %j in the schema and in parsePeriod alike', (text) => {
    expect(PeriodSchema.safeParse(text).success).toBe(false);
    expect(() => parsePeriod(text)).toThrow(InvalidRequest);
  });

  it('takes a 32-character term name in both', () => {
    const text = `term:${'届'.repeat(32)}`;
    expect(PeriodSchema.safeParse(text).success).toBe(true);
    expect(parsePeriod(text)).toEqual({ kind: 'term', name: '届'.repeat(32) });
  });
});
