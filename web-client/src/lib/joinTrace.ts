/**
 * Marks a step of joining on the page's performance timeline as `yishi:join:<phase>` (time since
 * navigation start), the first time only: `npm run bench -- join` reads them to show where the
 * time to the first remote frame goes. Marking changes nothing else.
 */
export function traceJoin(phase: string): void {
  const name = `yishi:join:${phase}`;
  if (performance.getEntriesByName(name).length === 0) performance.mark(name);
}
