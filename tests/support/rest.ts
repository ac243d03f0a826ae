/** A response of the REST API, read once: status, headers, the raw bytes and (when JSON) the value. */
export interface RestResponse {
  status: number;
  headers: Headers;
  bytes: Buffer;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
}

export interface RestOptions {
  /** Bearer secret: a room token or the organiser key. Omitted: no Authorization header. */
  auth?: string | undefined;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is with `content-type: application/json` (malformed-body tests). */
  rawBody?: string;
}

/** The organiser API of one server (`<base>/api`), over fetch. */
export class RestClient {
  readonly base: string;

  constructor(serverUrl: string) {
    this.base = `${serverUrl.replace(/\/$/, '')}/api`;
  }

  async request(method: string, path: string, options: RestOptions = {}): Promise<RestResponse> {
    const headers: Record<string, string> = {};
    if (options.auth !== undefined) headers.authorization = `Bearer ${options.auth}`;
    let body: string | undefined;
    if (options.rawBody !== undefined || options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = options.rawBody ?? JSON.stringify(options.body);
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    const isJson = (res.headers.get('content-type') ?? '').includes('application/json');
    return { status: res.status, headers: res.headers, bytes, text, json: isJson ? JSON.parse(text) : undefined };
  }

  get(path: string, auth?: string): Promise<RestResponse> {
    return this.request('GET', path, { auth });
  }

  post(path: string, auth: string | undefined, body?: unknown): Promise<RestResponse> {
    return this.request('POST', path, { auth, body });
  }

  patch(path: string, auth: string | undefined, body?: unknown): Promise<RestResponse> {
    return this.request('PATCH', path, { auth, body });
  }
}

/** The `{ error: { code } }` of a refused API call. */
export function errorCode(res: RestResponse): string | undefined {
  return (res.json as { error?: { code?: string } } | undefined)?.error?.code;
}
