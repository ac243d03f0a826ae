/**
 * Plain constants shared by the schemas and the browser. Kept free of zod so that the web
 * client can use them without bundling the validation library.
 */

/** Room ids appear in URLs (`/r/<roomId>`), so they are kept URL-safe and short. */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isRoomId(value: string): boolean {
  return ROOM_ID_PATTERN.test(value);
}

/** Longest comment, in characters (a Chinese paragraph of about a page). */
export const MAX_COMMENT_LENGTH = 2000;

/** Validity of an invitation link, hours. */
export const INVITATION_TTL_HOURS = { default: 72, max: 30 * 24 } as const;
