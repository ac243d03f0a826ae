/** Puts `name` on the page's performance timeline (time since navigation start), the first time only. */
export function markOnce(name: string): void {
  if (performance.getEntriesByName(name).length === 0) performance.mark(name);
}

/**
 * Marks a step of joining as `yishi:join:<phase>`: `npm run bench -- join` reads them to show
 * where the time to the first remote frame goes. Marking changes nothing else.
 */
export function traceJoin(phase: string): void {
  markOnce(`yishi:join:${phase}`);
}
