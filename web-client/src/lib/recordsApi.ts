import type {
  CardVerification,
  DirectoryPerson,
  ErrorBody,
  Leaderboard,
  PersonCreate,
  PersonRecord,
  PersonUpdate,
  RosterImportResult,
} from '@yishi/shared';
import { callApi, send } from './api.js';
import { fileName } from './ledgerApi.js';
import { RequestError } from './signaling.js';

const q = (params: Record<string, string | undefined>) => {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) search.set(k, v);
  return search.toString();
};

/**
 * The records' REST API (`/api/people`, `/api/leaderboard`, `/api/records.*`) with the organiser
 * key or a member's room token as the bearer; the server decides what each may read. Refusals are
 * RequestErrors.
 */
export class RecordsApi {
  readonly #secret: string;

  constructor(secret: string) {
    this.#secret = secret;
  }

  record(personId: string, period: string): Promise<PersonRecord> {
    return callApi(this.#secret, 'GET', `/people/${encodeURIComponent(personId)}/record?${q({ period })}`);
  }

  /** The first `limit` of a period's board (of one sector or all), with the caller's own place as `me`. */
  leaderboard(period: string, sector: string | undefined, limit: number): Promise<Leaderboard> {
    return callApi(this.#secret, 'GET', `/leaderboard?${q({ period, sector, limit: String(limit) })}`);
  }

  async people(): Promise<DirectoryPerson[]> {
    return (await callApi<{ people: DirectoryPerson[] }>(this.#secret, 'GET', '/people')).people;
  }

  add(body: PersonCreate): Promise<DirectoryPerson> {
    return callApi(this.#secret, 'POST', '/people', body);
  }

  update(id: string, body: PersonUpdate): Promise<DirectoryPerson> {
    return callApi(this.#secret, 'PATCH', `/people/${encodeURIComponent(id)}`, body);
  }

  merge(from: string, into: string): Promise<DirectoryPerson> {
    return callApi(this.#secret, 'POST', '/people/merge', { from, into });
  }

  /** A roster as CSV text (`POST /api/people/import`). */
  importRoster(csv: string): Promise<RosterImportResult> {
    return answer(
      fetch('/api/people/import', {
        method: 'POST',
        headers: { Authorization: `Bearer ${this.#secret}`, 'Content-Type': 'text/csv; charset=utf-8' },
        body: csv,
      }),
    );
  }

  /** The card as a blob (for the page's preview, download and share) and the file name the server gives it. */
  async card(
    personId: string,
    period: string,
    format: 'png' | 'pdf',
    lang: string,
  ): Promise<{ blob: Blob; name: string }> {
    const res = await send(
      this.#secret,
      'GET',
      `/people/${encodeURIComponent(personId)}/card.${format}?${q({ period, lang })}`,
    );
    return { blob: await res.blob(), name: fileName(res.headers.get('content-disposition')) ?? `card.${format}` };
  }

  /** Downloads the office's export of a period's records. */
  async exportRecords(format: 'csv' | 'xlsx', period: string, lang: string): Promise<void> {
    const res = await send(this.#secret, 'GET', `/records.${format}?${q({ period, lang })}`);
    saveBlob(await res.blob(), fileName(res.headers.get('content-disposition')) ?? `records.${format}`);
  }
}

/** The public check of a card's link: the query of `/records/verify` as it came. */
export function verifyCard(search: string): Promise<CardVerification> {
  return answer(fetch(`/api/records/verify${search}`));
}

/** A request's JSON answer; a refusal as a RequestError with the server's code. */
async function answer<T>(request: Promise<Response>): Promise<T> {
  let res: Response;
  try {
    res = await request;
  } catch (err) {
    throw new RequestError('NETWORK', err instanceof Error ? err.message : String(err));
  }
  const json = (await res.json().catch(() => undefined)) as { error?: Partial<ErrorBody> } | undefined;
  if (!res.ok) {
    throw new RequestError(
      json?.error?.code ?? (res.status >= 500 ? 'UNAVAILABLE' : 'INTERNAL'),
      json?.error?.message ?? res.statusText,
    );
  }
  return json as T;
}

/** Hands a blob to the browser as a download named `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
