/**
 * `url` as a link target when it is an absolute http(s) URL, else undefined. The server takes
 * nothing else now, but a topic stored before that may still hold a `javascript:` or `data:` link.
 */
export function webLink(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
}
