import type {
  DirectoryPerson,
  ErrorBody,
  Invitation,
  InvitationCreate,
  SessionView,
  TopicCreate,
  TopicSummary,
  TopicUpdate,
  WhoAmI,
} from '@yishi/shared';
import { RequestError } from './signaling.js';

/** Request bodies as the client sends them (schema defaults may be left out). */
export type TopicCreateInput = Partial<TopicCreate> & Pick<TopicCreate, 'title' | 'organiser'>;
export type TopicUpdateInput = TopicUpdate;

/**
 * The organiser REST API (`/api`), with the organiser key (or a chair token) as the bearer secret.
 * Every refusal is a RequestError with the server's code (NETWORK when the server is unreachable).
 */
export class OrganiserApi {
  readonly #secret: string;

  constructor(secret: string) {
    this.#secret = secret;
  }

  whoami(): Promise<WhoAmI> {
    return this.#call('GET', '/whoami');
  }

  listTopics(): Promise<TopicSummary[]> {
    return this.#call('GET', '/topics');
  }

  getTopic(id: string): Promise<SessionView> {
    return this.#call('GET', `/topics/${encodeURIComponent(id)}`);
  }

  createTopic(body: TopicCreateInput): Promise<SessionView> {
    return this.#call('POST', '/topics', body);
  }

  updateTopic(id: string, body: TopicUpdateInput): Promise<SessionView> {
    return this.#call('PATCH', `/topics/${encodeURIComponent(id)}`, body);
  }

  schedule(id: string, scheduledAt: string): Promise<SessionView> {
    return this.#call('POST', `/topics/${encodeURIComponent(id)}/schedule`, { scheduledAt });
  }

  lifecycle(id: string, action: 'open' | 'close' | 'archive'): Promise<SessionView> {
    return this.#call('POST', `/topics/${encodeURIComponent(id)}/${action}`);
  }

  invite(id: string, body: InvitationCreate): Promise<Invitation> {
    return this.#call('POST', `/topics/${encodeURIComponent(id)}/invitations`, body);
  }

  /** The member directory (organiser key only): whom an invitation may be for. */
  async people(): Promise<DirectoryPerson[]> {
    return (await this.#call<{ people: DirectoryPerson[] }>('GET', '/people')).people;
  }

  #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return callApi(this.#secret, method, path, body);
  }
}

/**
 * One call of the REST API (`/api`) with `secret` as the bearer; the answer's JSON. Every refusal
 * is a RequestError with the server's code (NETWORK when the server is unreachable).
 */
export async function callApi<T>(secret: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await send(secret, method, path, body);
  return (await res.json().catch(() => undefined)) as T;
}

/** The response of one call, once it is known to be a success. */
export async function send(secret: string, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${secret}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new RequestError('NETWORK', err instanceof Error ? err.message : String(err));
  }
  if (!res.ok) {
    const json = (await res.json().catch(() => undefined)) as { error?: Partial<ErrorBody> } | undefined;
    throw new RequestError(
      json?.error?.code ?? (res.status >= 500 ? 'UNAVAILABLE' : 'INTERNAL'),
      json?.error?.message ?? res.statusText,
    );
  }
  return res;
}

const KEY_STORAGE = 'yishi.organiserKey';

/** The key lives in sessionStorage only (gone with the tab), never in the URL or localStorage. */
export const organiserKey = {
  load(): string | undefined {
    return sessionStorage.getItem(KEY_STORAGE) ?? undefined;
  },
  save(key: string): void {
    sessionStorage.setItem(KEY_STORAGE, key);
  },
  forget(): void {
    sessionStorage.removeItem(KEY_STORAGE);
  },
};
