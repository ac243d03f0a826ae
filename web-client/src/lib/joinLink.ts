import { isRoomId } from '@yishi/shared';

export interface JoinLink {
  roomId: string;
  token: string;
  autojoin: boolean;
  /** `&relay=1`: media only through the server's TURN relays (a network that lets nothing else through). */
  relay: boolean;
}

/**
 * A join link: `/r/<roomId>#token=<jwt>[&autojoin=1][&relay=1]`, or an older `?token=` one. The fragment
 * never reaches a server or a proxy's log; either way the token is taken out of the address bar
 * at once (history, bookmarks, a shared screen) and kept for this tab only, so a reload joins again.
 */
export function readJoinLink(
  where: Pick<Location, 'pathname' | 'search' | 'hash'> = location,
  tab: Pick<Storage, 'getItem' | 'setItem'> = sessionStorage,
  replaceUrl: (url: string) => void = (url) => history.replaceState(history.state, '', url),
): JoinLink | { problem: 'noToken' | 'badLink' } {
  const match = /^\/r\/([^/]+)\/?$/.exec(where.pathname);
  const roomId = match?.[1] ? safeDecode(match[1]) : undefined;
  if (!roomId || !isRoomId(roomId)) return { problem: 'badLink' };
  const query = new URLSearchParams(where.search);
  const fragment = new URLSearchParams(where.hash.slice(1));
  const given = fragment.get('token') ?? query.get('token');
  const autojoin = (fragment.get('autojoin') ?? query.get('autojoin')) === '1';
  const relay = (fragment.get('relay') ?? query.get('relay')) === '1';
  const key = `yishi.token.${roomId}`;
  if (given) {
    query.delete('token');
    fragment.delete('token');
    // (toString, not .size: phones with browsers older than 2023 still join.)
    const search = query.toString() ? `?${query}` : '';
    const hash = fragment.toString() ? `#${fragment}` : '';
    replaceUrl(`${where.pathname}${search}${hash}`);
    try {
      tab.setItem(key, given);
    } catch {
      // Storage refused (a private window's quota): this page still joins, a reload asks again.
    }
  }
  const token = given ?? stored(tab, key);
  return token ? { roomId, token, autojoin, relay } : { problem: 'noToken' };
}

function stored(tab: Pick<Storage, 'getItem'>, key: string): string | null {
  try {
    return tab.getItem(key);
  } catch {
    return null;
  }
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
