import type {
  LedgerAction,
  LedgerCounts,
  LedgerItemDetail,
  LedgerRegister,
  LedgerRow,
  Locale,
  TopicSummary,
} from '@yishi/shared';
import { callApi, send } from './api.js';
import { type LedgerFilters, filtersQuery } from './ledgerLink.js';

export interface LedgerPage {
  items: LedgerRow[];
  nextCursor: string | null;
}

const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);

/**
 * The ledger's REST API (`/api/ledger`) with the organiser key, a unit's token or a room token as
 * the bearer; the server scopes every answer to it. Refusals are RequestErrors.
 */
export class LedgerApi {
  readonly #secret: string;

  constructor(secret: string) {
    this.#secret = secret;
  }

  /** One page of the items matching `filters`, in listing order; `cursor` is the last page's `nextCursor`. */
  page(filters: LedgerFilters, limit: number, cursor?: string | null): Promise<LedgerPage> {
    const params = new URLSearchParams(filtersQuery(filters));
    params.set('limit', String(limit));
    if (cursor) params.set('cursor', cursor);
    return callApi(this.#secret, 'GET', `/ledger?${params}`);
  }

  counts(filters: LedgerFilters = {}): Promise<LedgerCounts> {
    return callApi(this.#secret, 'GET', withQuery('/ledger/counts', filtersQuery(filters)));
  }

  item(id: string): Promise<LedgerItemDetail> {
    return callApi(this.#secret, 'GET', `/ledger/${encodeURIComponent(id)}`);
  }

  register(body: LedgerRegister): Promise<LedgerRow> {
    return callApi(this.#secret, 'POST', '/ledger', body);
  }

  /** One step of an item's workflow (`POST /api/ledger/:id/<action>`). */
  act(id: string, action: LedgerAction, body: object = {}): Promise<LedgerRow> {
    return callApi(this.#secret, 'POST', `/ledger/${encodeURIComponent(id)}/${action}`, body);
  }

  /** The topics the office may pick from (the organiser key sees every one). */
  topics(): Promise<TopicSummary[]> {
    return callApi(this.#secret, 'GET', '/topics');
  }

  /** Downloads the export of the items `filters` lists, named as the server names it. */
  async download(format: 'xlsx' | 'docx', filters: LedgerFilters, lang: Locale): Promise<void> {
    const params = new URLSearchParams(filtersQuery(filters));
    params.set('lang', lang);
    const res = await send(this.#secret, 'GET', `/ledger.${format}?${params}`);
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName(res.headers.get('content-disposition')) ?? `ledger.${format}`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

/** The file name a Content-Disposition gives: its UTF-8 form (Chinese unit names) when it has one. */
export function fileName(disposition: string | null): string | undefined {
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? '')?.[1];
  if (utf8) {
    try {
      return decodeURIComponent(utf8);
    } catch {
      // A malformed escape: fall back to the plain name.
    }
  }
  return /filename="?([^";]+)"?/i.exec(disposition ?? '')?.[1];
}
