import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ErrorBody } from '@yishi/shared';

/**
 * An error Express raised for the request itself (http-errors style, a 4xx `status`): above all a
 * path whose %-escapes decode to no UTF-8 (`/r/%E0`), which the router cannot match. The
 * client's fault, answered without the error's own message or stack.
 */
export function malformedRequest(err: unknown): ErrorBody | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  return {
    code: 'INVALID_REQUEST',
    message: err instanceof URIError ? 'the address is malformed' : 'the request is malformed',
  };
}

/**
 * The app's last error handler, instead of Express's own (an HTML page with the stack trace
 * unless NODE_ENV=production): a typed error, JSON under /api and one line of text elsewhere;
 * logged, without the query (a join link's token).
 */
export function lastErrorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const where = { method: req.method, path: req.path };
    const malformed = malformedRequest(err);
    if (malformed) log.warn(where, malformed.message);
    else log.error({ ...where, err }, 'unexpected error while handling a request');
    const body: ErrorBody = malformed ?? { code: 'INTERNAL', message: 'internal error' };
    res.status(malformed ? 400 : 500);
    if (req.path.startsWith('/api/')) res.json({ error: body });
    else res.type('text/plain').send(`${body.message}\n`);
  };
}
