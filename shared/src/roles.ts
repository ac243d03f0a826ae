/** Roles of docs/domain.md ("People and roles"); they come only from a signed token, never from the client's say-so. */
export const ROLES = ['chair', 'secretary', 'member', 'guest', 'observer'] as const;
export type Role = (typeof ROLES)[number];

/** Observers receive media and comments only; every other role may publish a camera and microphone. */
export function canPublish(role: Role): boolean {
  return role !== 'observer';
}
