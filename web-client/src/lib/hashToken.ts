/**
 * The pages outside the room (`/ledger`, `/records`) route by the hash and may be opened with a
 * token in it: `#/items/x?a=1`, or `#token=…` (parameters only).
 */
export function splitHash(hash: string): { path: string; params: URLSearchParams } {
  const raw = hash.replace(/^#/, '');
  if (!raw.startsWith('/')) return { path: '/', params: new URLSearchParams(raw) };
  const at = raw.indexOf('?');
  return at < 0
    ? { path: raw, params: new URLSearchParams() }
    : { path: raw.slice(0, at), params: new URLSearchParams(raw.slice(at + 1)) };
}

/**
 * The token a page reads with: one given in the fragment is taken out of the address bar at once
 * (history, bookmarks, a shared screen) and kept under `key` for this tab only, like a join link's;
 * otherwise the one kept earlier. Undefined without either.
 */
function takeHashToken(
  key: string,
  where: Pick<Location, 'pathname' | 'search' | 'hash'> = location,
  tab: Pick<Storage, 'getItem' | 'setItem'> = sessionStorage,
  replaceUrl: (url: string) => void = (url) => history.replaceState(history.state, '', url),
): string | undefined {
  const { path, params } = splitHash(where.hash);
  const given = params.get('token');
  if (given) {
    params.delete('token');
    const query = params.toString();
    replaceUrl(`${where.pathname}${where.search}#${path}${query ? `?${query}` : ''}`);
    try {
      tab.setItem(key, given);
    } catch {
      // Storage refused (a private window's quota): this page still works, a reload asks again.
    }
    return given;
  }
  try {
    return tab.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * A page's token kept for the tab under `key`: `take` reads it (see `takeHashToken`; the location,
 * storage and address-bar writer are there to be replaced in tests), `forget` drops it (signing out).
 */
export function tabToken(key: string) {
  return {
    take: (
      where?: Pick<Location, 'pathname' | 'search' | 'hash'>,
      tab?: Pick<Storage, 'getItem' | 'setItem'>,
      replaceUrl?: (url: string) => void,
    ): string | undefined => takeHashToken(key, where, tab, replaceUrl),
    forget: (tab: Pick<Storage, 'removeItem'> = sessionStorage): void => tab.removeItem(key),
  };
}
