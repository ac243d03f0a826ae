import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError, type ErrorBody } from '@yishi/shared';

/**
 * The one place a thrown value becomes an error body, for a request's ack and the REST API alike.
 * AppErrors carry their own code and message; anything else is a bug: logged in full, and
 * answered as INTERNAL without details.
 */
export function toErrorBody(err: unknown, log: Logger): ErrorBody {
  if (err instanceof AppError) return err.toBody();
  log.error({ err }, 'unexpected error while handling a request');
  return { code: 'INTERNAL', message: 'internal error' };
}

/** A zod failure as one readable line: `field.path: what is wrong; ...` (bounded). */
export function describeZodError(error: z.ZodError): string {
  const text = error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
  return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}
