import type { FloorSettings, Turn } from './types.js';

/**
 * The turn clock is a pure function of stored timestamps and `now`: the server never counts
 * seconds itself, it only schedules a wake-up for the next deadline.
 */

export function pausedMs(turn: Turn, now: number): number {
  const end = turn.endedAt ?? now;
  return turn.pauses.reduce((sum, p) => sum + Math.max(0, (p.until ?? end) - p.at), 0);
}

/** Milliseconds actually spoken (pauses excluded). */
export function spokenMs(turn: Turn, now: number): number {
  return Math.max(0, (turn.endedAt ?? now) - turn.startedAt - pausedMs(turn, now));
}

export function remainingMs(turn: Turn, now: number): number {
  return turn.allowedMs - spokenMs(turn, now);
}

export function isPaused(turn: Turn): boolean {
  const last = turn.pauses.at(-1);
  return last !== undefined && last.until === undefined;
}

/** When a running turn's time is up (its pauses so far pushed this later); undefined while paused. */
export function expiresAt(turn: Turn): number | undefined {
  if (turn.endedAt !== undefined || isPaused(turn)) return undefined;
  const closedPauses = turn.pauses.reduce((sum, p) => sum + ((p.until ?? p.at) - p.at), 0);
  return turn.startedAt + turn.allowedMs + closedPauses;
}

/** The clock's next deadline for this turn: the warning at expiry, then (if autoEnd) the end. */
export function turnDeadline(turn: Turn, settings: FloorSettings): { at: number; action: 'warn' | 'end' } | undefined {
  const expiry = expiresAt(turn);
  if (expiry === undefined) return undefined;
  if (turn.warnedAt === undefined) return { at: expiry, action: 'warn' };
  if (!settings.autoEnd) return undefined;
  return { at: expiry + settings.graceSeconds * 1000, action: 'end' };
}
