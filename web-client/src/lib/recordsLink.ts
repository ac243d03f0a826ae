import { readClaims } from './token.js';
import { splitHash, tabToken } from './hashToken.js';

/**
 * The records' pages live under `/records` and route by the hash, like the ledger's: `#/` my
 * record (a member) or the directory (the office), `#/board` the leaderboard, `#/people/<id>` one
 * person's record; each takes `?period=` (and the board `&sector=`). A room token given in the
 * fragment (`#token=<jwt>`, or `&token=` after a route) brings its holder in. `/records/verify`
 * is the public page a card's QR code opens.
 */
export type RecordsRoute =
  | { page: 'home'; period: string | undefined }
  | { page: 'board'; period: string | undefined; sector: string | undefined }
  | { page: 'person'; id: string; period: string | undefined };

/** A period as the API reads it (YYYY-MM, YYYY, term, term:<name>); anything else is left out. */
export function readPeriod(value: string | null | undefined): string | undefined {
  return value && /^(?:\d{4}(?:-(?:0[1-9]|1[0-2]))?|term(?::.{1,32})?)$/u.test(value) ? value : undefined;
}

export function parseRecordsRoute(hash: string): RecordsRoute {
  const { path, params } = splitHash(hash);
  const period = readPeriod(params.get('period'));
  if (path === '/board') return { page: 'board', period, sector: params.get('sector')?.trim() || undefined };
  const person = /^\/people\/([^/]+)$/.exec(path);
  if (person?.[1]) {
    try {
      return { page: 'person', id: decodeURIComponent(person[1]), period };
    } catch {
      // A malformed %-escape: the home page.
    }
  }
  return { page: 'home', period };
}

const query = (entries: Record<string, string | undefined>) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(entries)) if (v) params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : '';
};

export const recordsHref = {
  home: (period?: string) => `#/${query({ period })}`,
  board: (period?: string, sector?: string) => `#/board${query({ period, sector })}`,
  person: (id: string, period?: string) => `#/people/${encodeURIComponent(id)}${query({ period })}`,
};

/** The records' pages with a room token in the fragment: the room's link to "我的履职". */
export function recordsLink(origin: string, token: string): string {
  return `${origin}/records#/?token=${encodeURIComponent(token)}`;
}

/** The token this tab reads the records with (from its link, or kept since); `forget` signs out. */
export const recordsToken = tabToken('yishi.records.token');

/** Who a room token names, if it is one whose holder has a record (a chair, secretary or member). */
export function recordsViewer(token: string): { sub: string; name: string; role: string } | undefined {
  const claims = readClaims(token);
  if (!claims || !['chair', 'secretary', 'member'].includes(claims.role)) return undefined;
  return { sub: claims.sub, name: claims.name, role: claims.role };
}

/** `/records` (with or without a trailing slash) and `/records/verify`. */
export const isRecordsPath = (pathname: string): boolean => /^\/records(?:\/|\/verify\/?)?$/.test(pathname);
export const isVerifyPath = (pathname: string): boolean => /^\/records\/verify\/?$/.test(pathname);
