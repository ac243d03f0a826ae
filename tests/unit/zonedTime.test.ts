import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { zonedParts } from '@yishi/shared';

/** What ICU says, field by field: the reference zonedParts must agree with. */
function reference(at: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value;
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

// Fixed offsets, whole-hour DST, a half-hour DST (Lord Howe), a quarter-hour offset, southern DST.
const ZONES = [
  'Asia/Shanghai',
  'UTC',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/Santiago',
];

describe('zonedParts', () => {
  it('agrees with ICU at any instant from 1970 to 2100, in zones with and without daylight saving', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom(...ZONES), (at, zone) => {
        expect(zonedParts(at, zone)).toEqual(reference(at, zone));
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with ICU on every minute around daylight-saving switches', () => {
    const switches: Array<[string, string]> = [
      ['America/New_York', '2026-03-08T06:00:00Z'],
      ['America/New_York', '2026-11-01T05:00:00Z'],
      ['Europe/London', '2026-03-29T01:00:00Z'],
      ['Europe/London', '2026-10-25T01:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
      ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
    ];
    for (const [zone, iso] of switches) {
      const at = Date.parse(iso);
      for (let m = -120; m <= 120; m++) {
        const t = at + m * 60_000 + 59_999;
        expect(zonedParts(t, zone), `${zone} ${new Date(t).toISOString()}`).toEqual(reference(t, zone));
      }
    }
  });

  it('takes a Date as well as a number, and refuses an unknown zone or an invalid time', () => {
    const at = Date.parse('2026-12-04T09:30:15Z');
    expect(zonedParts(new Date(at), 'Asia/Shanghai')).toEqual({
      year: '2026',
      month: '12',
      day: '04',
      hour: '17',
      minute: '30',
      second: '15',
    });
    expect(() => zonedParts(at, 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => zonedParts(Number.NaN, 'Asia/Shanghai')).toThrow(RangeError);
  });
});
