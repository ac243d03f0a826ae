import { z } from 'zod';
import { ROOM_ID_PATTERN } from './limits.js';
import type { Person } from './domain/types.js';
import { displayName, NAME_MAX, ROLES, UNIT_MAX } from './roles.js';

export const RoleSchema = z.enum(ROLES);

export const RoomIdSchema = z.string().regex(ROOM_ID_PATTERN, 'room id: 1–64 characters of A–Z, a–z, 0–9, "_" or "-"');

/** Display names and sectors: trimmed, non-empty, bounded (Chinese text counts per character). */
const label = (max: number) => z.string().trim().min(1).max(max);

/**
 * The identity claims Yishi puts in (and requires of) a room token, besides iss/aud/exp/iat. A
 * handling unit invited into a session (role `unit`) names its unit; no other role has one.
 */
export const TokenClaimsSchema = z
  .object({
    sub: z.string().min(1).max(128),
    name: label(NAME_MAX),
    room: RoomIdSchema,
    role: RoleSchema,
    sector: label(32).optional(),
    unit: label(UNIT_MAX).optional(),
    /** Only a site (role `site`, whose `name` is its place): who operates its device. */
    operator: label(NAME_MAX).optional(),
  })
  .refine((c) => (c.role === 'unit') === (c.unit !== undefined), {
    path: ['unit'],
    message: 'a unit (and only a unit) names its unit',
  })
  .refine((c) => c.operator === undefined || c.role === 'site', {
    path: ['operator'],
    message: 'only a site names its operator',
  });
export type TokenClaims = z.infer<typeof TokenClaimsSchema>;

/** The person a room token admits, as the room shows them: a unit's representative by their unit first. */
export function personOfClaims(claims: TokenClaims): Person {
  return {
    id: claims.sub,
    name: displayName(claims.name, claims.unit),
    role: claims.role,
    ...(claims.sector ? { sector: claims.sector } : {}),
    ...(claims.unit ? { unit: claims.unit } : {}),
    ...(claims.operator ? { operator: claims.operator } : {}),
  };
}

/**
 * A handling unit's token (承办单位): no room, so it opens no consultation; it reads and answers the
 * unit's own ledger items over REST (docs/domain.md, "Outcome ledger").
 */
export const UnitTokenClaimsSchema = z.object({
  sub: z.string().min(1).max(128),
  name: label(NAME_MAX),
  role: z.literal('unit'),
  unit: label(UNIT_MAX),
});
export type UnitTokenClaims = z.infer<typeof UnitTokenClaimsSchema>;

/** What the client sends in the Socket.IO handshake (`io(url, { auth })`). */
export const HandshakeAuthSchema = z.strictObject({
  token: z.string().min(1).max(4096),
  roomId: RoomIdSchema,
  protocolVersion: z.number().int(),
  /** Added by Socket.IO's client when it reconnects, to recover its session (connection-state recovery). */
  pid: z.string().max(64).optional(),
  offset: z.string().max(64).optional(),
});
export type HandshakeAuth = z.infer<typeof HandshakeAuthSchema>;
