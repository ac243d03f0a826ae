import type { Page } from 'playwright-core';

let watches = 0;

/**
 * Starts a watcher in `page` and resolves once it is watching; the returned function waits for its
 * result. `source` is a script (a string, not a function: tsx's name helpers do not exist in the
 * page) evaluating to a promise of a function, which is called to run the watch: whatever the
 * source awaits before returning the function (a baseline, a subscription) is done before the
 * caller acts.
 */
export async function watchInPage<T>(page: Page, source: string): Promise<() => Promise<T>> {
  watches += 1;
  const key = `__benchWatch${watches}`;
  await page.evaluate(`(async () => {
    const run = await (${source});
    window.${key} = run();
    window.${key}.catch(() => undefined); // read (and thrown) by the waiter
  })()`);
  return () => page.evaluate(`window.${key}`) as Promise<T>;
}

/**
 * Watches the page's received media (`window.yishi.session.inboundStats()`, i.e. getStats, polled
 * every `pollMs`): for each peer of `from` and each of `kinds`, the Date.now() when its counter —
 * audio packets received, video frames decoded, summed over that peer's consumers except
 * `notConsumers` — first rises above its value when the watch started. Keys: `peerId/kind`.
 */
export function watchFirstMedia(
  page: Page,
  options: {
    from: string[];
    kinds: Array<'audio' | 'video'>;
    notConsumers?: string[];
    pollMs?: number;
    timeoutMs?: number;
  },
): Promise<() => Promise<Record<string, number>>> {
  const params = JSON.stringify({
    from: options.from,
    kinds: options.kinds,
    notConsumers: options.notConsumers ?? [],
    pollMs: options.pollMs ?? 20,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
  return watchInPage(
    page,
    `(async () => {
      const { from, kinds, notConsumers, pollMs, timeoutMs } = ${params};
      const counters = async () => {
        const sums = {};
        for (const r of (await window.yishi?.session?.inboundStats()) ?? []) {
          if (!from.includes(r.peerId) || !kinds.includes(r.kind) || notConsumers.includes(r.consumerId)) continue;
          const key = r.peerId + '/' + r.kind;
          sums[key] = (sums[key] ?? 0) + (r.kind === 'video' ? r.framesDecoded : r.packetsReceived);
        }
        return sums;
      };
      const start = await counters();
      const keys = from.flatMap((peer) => kinds.map((kind) => peer + '/' + kind));
      return async () => {
        const seen = {};
        const deadline = Date.now() + timeoutMs;
        while (keys.some((k) => seen[k] === undefined)) {
          if (Date.now() > deadline) throw new Error('no new media after ' + timeoutMs + ' ms: ' + JSON.stringify(seen));
          await new Promise((resolve) => setTimeout(resolve, pollMs));
          const now = await counters();
          const at = Date.now();
          for (const k of keys) if (seen[k] === undefined && (now[k] ?? 0) > (start[k] ?? 0)) seen[k] = at;
        }
        return seen;
      };
    })()`,
  );
}
