/** Join URLs of the form `<base>/r/<roomId>?token=<jwt>`: what an invitation hands a person. */
export function joinUrl(base: string, roomId: string, token: string): string {
  return `${base}/r/${encodeURIComponent(roomId)}?token=${encodeURIComponent(token)}`;
}
