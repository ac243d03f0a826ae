/** Roles of docs/domain.md ("People and roles"); they come only from a signed token, never from the client's say-so. */
export const ROLES = ['chair', 'secretary', 'member', 'guest', 'unit', 'site', 'observer'] as const;
export type Role = (typeof ROLES)[number];

/** Observers receive media and comments only; every other role may publish a camera and microphone. */
export function canPublish(role: Role): boolean {
  return role !== 'observer';
}

/** Longest name a token or invitation may carry, and longest unit name (承办单位). */
export const NAME_MAX = 64;
export const UNIT_MAX = 64;

/**
 * A site (坝坝会: one device in a village hall or square, many people) reports how many are
 * present; more than this is a typing error, not a meeting.
 */
export const SITE_HEADCOUNT_MAX = 5000;

/** Polls one session may hold: every poll goes out again with each answer, so their number is bounded. */
export const POLLS_MAX = 100;

/** Longest name a room shows: a unit's representative is "<unit> · <name>". */
export const DISPLAY_NAME_MAX = UNIT_MAX + 3 + NAME_MAX;

/**
 * The name a room shows for a person: a handling unit's representative by their unit first
 * ("发展和改革委员会 · 张处长"), so presence, the queue and the minutes say whom they answer for.
 */
export function displayName(name: string, unit?: string | undefined): string {
  return unit ? `${unit} · ${name}` : name;
}
