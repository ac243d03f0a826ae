import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ErrorBody } from '@yishi/shared';
import type { MetricsAccess } from '../config.js';

/**
 * Guards /metrics (room and peer counts, process internals): open on a developer's machine, the
 * bearers of METRICS_TOKEN only when one is set, refused in a deployment without one.
 */
export function metricsAccess(access: MetricsAccess): RequestHandler {
  return (req, res, next) => {
    if (access === 'open') return next();
    if (access === 'off') {
      const error: ErrorBody = {
        code: 'NOT_ALLOWED',
        message: '/metrics is off in a deployment until METRICS_TOKEN is set',
      };
      res.status(403).json({ error });
      return;
    }
    const token = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (token !== undefined && sameToken(token, access.token)) return next();
    const error: ErrorBody = { code: 'UNAUTHENTICATED', message: 'send Authorization: Bearer <METRICS_TOKEN>' };
    res.status(401).set('WWW-Authenticate', 'Bearer').json({ error });
  };
}

/** Compared as digests: the time taken tells nothing of the token, not even its length. */
function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
