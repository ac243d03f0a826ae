import { z } from 'zod';
import { RoleSchema } from '../auth.js';
import { DISPLAY_NAME_MAX, UNIT_MAX } from '../roles.js';
import { MediaIdSchema, MediaKindSchema, MediaSourceSchema } from './media.js';

/** A participant as every other participant sees them. `id` is the token's `sub`. */
export const PeerInfoSchema = z.strictObject({
  id: z.string().min(1).max(128),
  /** A unit's representative: "<unit> · <name>" (`displayName`). */
  name: z.string().min(1).max(DISPLAY_NAME_MAX),
  role: RoleSchema,
  sector: z.string().max(32).optional(),
  /** Only a unit's representative (role `unit`): the unit they answer for. */
  unit: z.string().min(1).max(UNIT_MAX).optional(),
  joinedAt: z.number().int(),
});
export type PeerInfo = z.infer<typeof PeerInfoSchema>;

/** A published track, announced so that others can consume it. */
export const ProducerInfoSchema = z.strictObject({
  producerId: MediaIdSchema,
  peerId: z.string().min(1).max(128),
  kind: MediaKindSchema,
  source: MediaSourceSchema,
  paused: z.boolean(),
});
export type ProducerInfo = z.infer<typeof ProducerInfoSchema>;
