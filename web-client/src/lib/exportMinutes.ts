import { RequestError } from './signaling.js';

export type MinutesFormat = 'docx' | 'md' | 'json';

/** Downloads the minutes through the REST API with the room token (chair and secretary only). */
export async function downloadMinutes(
  sessionId: string,
  token: string,
  format: MinutesFormat,
  lang: string,
): Promise<void> {
  const res = await fetch(
    `/api/sessions/${encodeURIComponent(sessionId)}/minutes.${format}?lang=${lang === 'en' ? 'en' : 'zh-CN'}`,
    {
      headers: { Authorization: `Bearer ${token}` },
    },
  );
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as
      | { error?: { code: RequestError['code']; message: string } }
      | undefined;
    throw new RequestError(body?.error?.code ?? 'INTERNAL', body?.error?.message ?? res.statusText);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `minutes-${sessionId}.${format}`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
