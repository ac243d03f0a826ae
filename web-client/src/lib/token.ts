import { isRoomId, ROLES, type Role, type TokenClaims, type UnitTokenClaims } from '@yishi/shared';

/**
 * Reads the claims of an invitation token for display before joining. Not a verification: the
 * server checks the signature and refuses a bad token when we connect. (Plain checks rather than
 * the zod schema keep the validation library out of the phone's download.)
 */
export function readClaims(token: string): (TokenClaims & { exp?: number }) | undefined {
  const payload = readPayload(token);
  if (!payload) return undefined;
  const { sub, name, room, role, sector, exp } = payload;
  if (typeof sub !== 'string' || !sub || typeof name !== 'string' || !name.trim()) return undefined;
  if (typeof room !== 'string' || !isRoomId(room) || !ROLES.includes(role as Role)) return undefined;
  if (sector !== undefined && typeof sector !== 'string') return undefined;
  return {
    sub,
    name: name.trim(),
    room,
    role: role as Role,
    ...(sector ? { sector } : {}),
    ...(typeof exp === 'number' ? { exp } : {}),
  };
}

/** A handling unit's token claims (no room), read the same way: for display; the server verifies. */
export function readUnitClaims(token: string): UnitTokenClaims | undefined {
  const payload = readPayload(token);
  if (!payload) return undefined;
  const { sub, name, role, unit, room } = payload;
  // A unit's invitation into a session (it has a room) opens no ledger: the server refuses it there.
  if (room !== undefined) return undefined;
  if (role !== 'unit' || typeof sub !== 'string' || !sub || typeof name !== 'string' || !name.trim()) return undefined;
  if (typeof unit !== 'string' || !unit.trim()) return undefined;
  return { sub, name: name.trim(), role, unit: unit.trim() };
}

function readPayload(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
    );
    const payload = JSON.parse(json) as unknown;
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
