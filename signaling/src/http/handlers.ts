import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { InvalidRequest, Unauthenticated } from '@yishi/shared';
import { describeZodError } from '../errors.js';

/** The request's bearer secret (a token or the organiser key). */
export function bearer(req: Request): string {
  const match = /^Bearer\s+(\S+)$/.exec(req.get('authorization') ?? '');
  if (!match?.[1]) throw new Unauthenticated('send "Authorization: Bearer <token or organiser key>"');
  return match[1];
}

/** An async handler whose errors reach the API's error handler (a typed answer) instead of going unhandled. */
export function route(handler: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch(next);
  };
}

/** A body or query read with its schema; anything else is INVALID_REQUEST naming what is wrong. */
export function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new InvalidRequest(describeZodError(parsed.error));
  return parsed.data;
}
