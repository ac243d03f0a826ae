import { zonedParts } from '@yishi/shared';
import { getLocale } from '../../i18n/index.js';

/**
 * Times are shown and entered in the session's time zone (Asia/Shanghai unless the topic says
 * otherwise), whatever the browser's, so the organiser and the minutes agree on "09:30".
 */

/** A point in time for people: date and time in the user's language, in `timeZone`. */
export function formatTime(ms: number, timeZone?: string): string {
  return new Intl.DateTimeFormat(getLocale(), {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(ms);
}

/** How far `timeZone`'s wall clock is ahead of UTC at `ms`, in milliseconds. */
function zoneOffset(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  const n = (field: keyof typeof p) => Number(p[field]);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(ms / 1000) * 1000;
}

/** `<input type="datetime-local">` value showing `ms` on `timeZone`'s wall clock. */
export function toZoneInput(ms: number, timeZone: string): string {
  return new Date(ms + zoneOffset(ms, timeZone)).toISOString().slice(0, 16);
}

/** ISO 8601 (UTC) of a datetime-local value read on `timeZone`'s wall clock; undefined when empty or invalid. */
export function fromZoneInput(value: string, timeZone: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return undefined;
  const wall = Date.parse(`${value}:00Z`);
  if (Number.isNaN(wall)) return undefined;
  // Twice, so a wall time next to a daylight-saving change lands on the right side of it.
  let ms = wall - zoneOffset(wall, timeZone);
  ms = wall - zoneOffset(ms, timeZone);
  return new Date(ms).toISOString();
}

/** Sectors typed as one line: separated by commas (also Chinese ones), 顿号 or spaces. */
export function splitList(text: string): string[] {
  return text
    .split(/[,，、;；\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
