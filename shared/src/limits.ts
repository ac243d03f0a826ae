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

/** Most each of a camera's three simulcast layers (¼, ½ and full resolution) sends, bps. */
export const CAMERA_LAYER_BITRATES = [150_000, 500_000, 1_200_000] as const;

/** Most a screen share (one layer) sends, bps. */
export const SCREEN_BITRATE = 1_500_000;

/**
 * What one participant may send the SFU at most, bps: every camera layer, a screen share, and
 * room for the microphone and the streams' RTP overhead. A lower cap starves the camera's top
 * layer: the browser turns it off, and nobody receives the full resolution.
 */
export const MAX_PUBLISH_BITRATE = CAMERA_LAYER_BITRATES.reduce((sum, bps) => sum + bps, 0) + SCREEN_BITRATE + 200_000;
