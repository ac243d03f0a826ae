import { z } from 'zod';
import { InvalidRequest } from '@yishi/shared';
import type { LedgerPosition } from './LedgerService.js';

/**
 * A page's cursor: the position of the last item it held (registration time and id), as
 * base64url JSON. It is a place in the listing order, not a permission: every page is filtered
 * and scoped by the caller's credentials again, so an edited cursor can only move where the
 * caller's own listing resumes.
 */
export function encodeCursor(position: LedgerPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

const PositionSchema = z.tuple([z.number().int().nonnegative(), z.string().min(1).max(200)]);

/** The position a cursor names; INVALID_REQUEST for anything `encodeCursor` did not make. */
export function decodeCursor(cursor: string): LedgerPosition {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const parsed = PositionSchema.safeParse(value);
  if (!parsed.success) throw new InvalidRequest('the cursor is not one this API gave; pass nextCursor as it came');
  const [createdAt, id] = parsed.data;
  return { createdAt, id };
}
