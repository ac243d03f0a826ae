import { RequestError } from './signaling.js';

export type MinutesFormat = 'docx' | 'md' | 'json';

/** Fetches the minutes through the REST API with the room token (chair and secretary only). */
async function fetchMinutes(sessionId: string, token: string, format: MinutesFormat, lang: string): Promise<Response> {
  const res = await fetch(
    `/api/sessions/${encodeURIComponent(sessionId)}/minutes.${format}?lang=${lang === 'en' ? 'en' : 'zh-CN'}`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as
      | { error?: { code: RequestError['code']; message: string } }
      | undefined;
    throw new RequestError(body?.error?.code ?? 'INTERNAL', body?.error?.message ?? res.statusText);
  }
  return res;
}

/** The minutes as the Markdown export renders them: what the secretary previews before handing on. */
export async function previewMinutes(sessionId: string, token: string, lang: string): Promise<string> {
  return (await fetchMinutes(sessionId, token, 'md', lang)).text();
}

/** Downloads the minutes in `format` as a file. */
export async function downloadMinutes(
  sessionId: string,
  token: string,
  format: MinutesFormat,
  lang: string,
): Promise<void> {
  const res = await fetchMinutes(sessionId, token, format, lang);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `minutes-${sessionId}.${format}`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
