import { useEffect, useState } from 'preact/hooks';

/** The current time, refreshed every `intervalMs` while `active` (turn clocks). */
export function useNow(intervalMs: number, active = true): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}

/** m:ss of a millisecond count (negative shown without sign; the caller says "over"). */
export function clock(ms: number): string {
  const total = Math.round(Math.abs(ms) / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}
