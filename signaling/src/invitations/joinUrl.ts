/**
 * Join URLs of the form `<base>/r/<roomId>#token=<jwt>`: what an invitation hands a person. The
 * token is in the fragment, which browsers never send to a server or a proxy's log.
 */
export function joinUrl(base: string, roomId: string, token: string): string {
  return `${base}/r/${encodeURIComponent(roomId)}#token=${encodeURIComponent(token)}`;
}
