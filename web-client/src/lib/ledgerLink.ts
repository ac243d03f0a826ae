import { isRoomId, LEDGER_STATUSES, type LedgerStatus, type Role } from '@yishi/shared';
import { readClaims, readUnitClaims } from './token.js';
import { splitHash, tabToken } from './hashToken.js';

/**
 * The ledger's pages live under `/ledger` and route by the hash, like the organiser pages:
 * `#/` the list (its filters as a query: `#/?status=assigned&overdue=true`), `#/items/<id>` an
 * item, `#/new` the form that registers one. A token given in the fragment (`#token=<jwt>`, or
 * `&token=` after a route) is how a unit's link (or the room's) brings its holder in.
 */
export type LedgerRoute = { page: 'list'; filters: LedgerFilters } | { page: 'item'; id: string } | { page: 'new' };

/** The list's filters, named as `GET /api/ledger` names them. */
export interface LedgerFilters {
  topic?: string;
  status?: LedgerStatus;
  unit?: string;
  /** Items raised by a member of this sector (界别). */
  sector?: string;
  /** Only the overdue items (true) or only the others (false). */
  overdue?: boolean;
}

/** Who reads the ledger, as far as the page needs to know (the server checks every call). */
export type LedgerViewer =
  | { role: 'organiser' }
  | { role: 'unit'; sub: string; name: string; unit: string }
  | { role: Exclude<Role, 'unit'>; sub: string; name: string; room: string };

export function parseLedgerRoute(hash: string): LedgerRoute {
  const { path, params } = splitHash(hash);
  if (path === '/new') return { page: 'new' };
  const item = /^\/items\/([^/]+)$/.exec(path);
  if (item?.[1]) {
    try {
      return { page: 'item', id: decodeURIComponent(item[1]) };
    } catch {
      return { page: 'list', filters: {} };
    }
  }
  return { page: 'list', filters: readFilters(params) };
}

/** Filters from a query; a value the API would refuse is left out rather than sent. */
export function readFilters(params: URLSearchParams): LedgerFilters {
  const topic = params.get('topic')?.trim();
  const status = params.get('status');
  const unit = params.get('unit')?.trim();
  const sector = params.get('sector')?.trim();
  const overdue = params.get('overdue');
  return {
    ...(topic && isRoomId(topic) ? { topic } : {}),
    ...(status && (LEDGER_STATUSES as readonly string[]).includes(status) ? { status: status as LedgerStatus } : {}),
    ...(unit ? { unit } : {}),
    ...(sector ? { sector } : {}),
    ...(overdue === 'true' || overdue === 'false' ? { overdue: overdue === 'true' } : {}),
  };
}

/** The filters as a query string (no leading `?`), in a fixed order: for the hash and for the API. */
export function filtersQuery(filters: LedgerFilters): string {
  const params = new URLSearchParams();
  if (filters.topic !== undefined) params.set('topic', filters.topic);
  if (filters.status !== undefined) params.set('status', filters.status);
  if (filters.unit !== undefined) params.set('unit', filters.unit);
  if (filters.sector !== undefined) params.set('sector', filters.sector);
  if (filters.overdue !== undefined) params.set('overdue', String(filters.overdue));
  return params.toString();
}

export const ledgerHref = {
  list: (filters: LedgerFilters = {}) => {
    const query = filtersQuery(filters);
    return query ? `#/?${query}` : '#/';
  },
  item: (id: string) => `#/items/${encodeURIComponent(id)}`,
  create: () => '#/new',
};

/** The address of the ledger's pages with a token in the fragment: a unit's link, or the room's link to its ledger. */
export function ledgerLink(origin: string, token: string, filters: LedgerFilters = {}): string {
  const query = filtersQuery(filters);
  return `${origin}/ledger#/?${query ? `${query}&` : ''}token=${encodeURIComponent(token)}`;
}

/** The token this tab reads the ledger with (from its link, or kept since); `forget` signs out. */
export const ledgerToken = tabToken('yishi.ledger.token');

/** The viewer a token names (a unit's, or a room's); undefined for what is no token of ours. */
export function tokenViewer(token: string): LedgerViewer | undefined {
  const unit = readUnitClaims(token);
  if (unit) return { role: 'unit', sub: unit.sub, name: unit.name, unit: unit.unit };
  const claims = readClaims(token);
  if (!claims || claims.role === 'unit') return undefined;
  return { role: claims.role, sub: claims.sub, name: claims.name, room: claims.room };
}

/** True on the ledger's pages (`/ledger`, with or without a trailing slash). */
export function isLedgerPath(pathname: string): boolean {
  return /^\/ledger\/?$/.test(pathname);
}
