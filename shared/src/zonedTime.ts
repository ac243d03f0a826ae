/** A moment's calendar fields as seen in one time zone (zero-padded, 24-hour). */
export interface ZonedParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

// Building a DateTimeFormat is costly, and a document or a form converts many times in one zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // en-US numeric fields are plain ASCII digits whatever the user's language; h23 avoids the
    // "24:00" some ICU versions print for midnight with hour12: false.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The fields as the formatter gives them, the slow and always-right way. */
function exactParts(at: number | Date, timeZone: string): ZonedParts {
  const parts = formatterFor(timeZone).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

const HOUR = 3_600_000;
/** Hours remembered per zone before the memo starts afresh (an export touches a few thousand). */
const MEMO_HOURS = 50_000;
/** Per zone, per hour since the epoch: the zone's offset from UTC in that hour, or null when it changes within it. */
const offsets = new Map<string, Map<number, number | null>>();

/** The zone's offset from UTC (ms) at a whole second. */
function offsetAt(second: number, timeZone: string): number {
  const p = exactParts(second, timeZone);
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - second;
}

/** The zone's offset throughout the hour holding `at`, or null when it changes within that hour (a DST switch). */
function hourOffset(at: number, timeZone: string): number | null {
  let memo = offsets.get(timeZone);
  if (!memo || memo.size >= MEMO_HOURS) {
    memo = new Map();
    offsets.set(timeZone, memo);
  }
  const hour = Math.floor(at / HOUR);
  let offset = memo.get(hour);
  if (offset === undefined) {
    const first = offsetAt(hour * HOUR, timeZone);
    offset = first === offsetAt((hour + 1) * HOUR - 1000, timeZone) ? first : null;
    memo.set(hour, offset);
  }
  return offset;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The wall-clock fields of an instant in an IANA time zone (the minutes and the organiser's forms
 * show times in the session's zone, whatever the reader's). Throws a RangeError for an unknown
 * zone or an invalid time. An export converts tens of thousands of times, and ICU's formatter is
 * slow, so the zone's offset is asked once per hour of time and the fields are then plain
 * arithmetic; an hour in which the offset changes is converted the slow way.
 */
export function zonedParts(at: number | Date, timeZone: string): ZonedParts {
  const ms = typeof at === 'number' ? at : at.getTime();
  if (!Number.isFinite(ms)) return exactParts(ms, timeZone);
  const offset = hourOffset(ms, timeZone);
  const local = new Date(ms + (offset ?? 0));
  const year = local.getUTCFullYear();
  if (offset === null || year < 1000 || year > 9999) return exactParts(ms, timeZone);
  return {
    year: String(year),
    month: pad(local.getUTCMonth() + 1),
    day: pad(local.getUTCDate()),
    hour: pad(local.getUTCHours()),
    minute: pad(local.getUTCMinutes()),
    second: pad(local.getUTCSeconds()),
  };
}
