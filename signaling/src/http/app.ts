import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { MetricsAccess } from '../config.js';
import { metricsAccess } from './metricsAccess.js';
import { lastErrorHandler } from './requestErrors.js';

export interface AppDeps {
  webClientDir: string;
  registry: Registry;
  /** Who may read /metrics (METRICS_TOKEN, see Config.metrics). */
  metrics: MetricsAccess;
  /** True when the server can take joins (media up, not shutting down). */
  isReady(): boolean;
  /** The REST API, mounted at /api. */
  api: express.Router;
  log: Logger;
  /** Express's `trust proxy` (TRUST_PROXY): which proxies' X-Forwarded-For name the client. */
  trustProxy?: string | undefined;
}

/** Health, readiness, metrics and the web client (with `/r/<roomId>`, `/organiser`, `/ledger` and `/records` served by the client's router). */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.trustProxy !== undefined) app.set('trust proxy', trustProxyValue(deps.trustProxy));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          connectSrc: ["'self'", 'ws:', 'wss:'],
          imgSrc: ["'self'", 'data:', 'blob:'],
          mediaSrc: ["'self'", 'blob:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
        },
      },
      // Set per page below: the room page goes without it.
      crossOriginOpenerPolicy: false,
      // The join link carries the token in its query; never leak it to other sites.
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const ready = deps.isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready' });
  });
  app.get('/metrics', metricsAccess(deps.metrics), async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });

  app.use('/api', deps.api);

  const index = path.join(deps.webClientDir, 'index.html');
  app.use(express.static(deps.webClientDir, { index: false, maxAge: '1h' }));
  const sendIndex = (res: express.Response) => {
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain').send('The web client is not built: run `npm run build`.\n');
      return;
    }
    res.set('Cache-Control', 'no-store').sendFile(index);
  };
  // A page sent with COOP makes the browser start a new renderer process once its headers arrive,
  // after the network request: ~100 ms more before a member's first frame (`npm run bench -- join`).
  // The room page opens no windows, and links open without an opener by default, so it goes
  // without; the staff pages keep it.
  app.get(['/', '/r/:roomId'], (_req, res) => sendIndex(res));
  app.get(['/organiser', '/ledger', '/records', '/records/verify'], (_req, res) => {
    res.set('Cross-Origin-Opener-Policy', 'same-origin');
    sendIndex(res);
  });
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such page' } });
  });
  app.use(lastErrorHandler(deps.log.child({ module: 'http' })));
  return app;
}

/** A hop count (`1`) is a number to Express; anything else (`loopback`, addresses) is a list. */
function trustProxyValue(value: string): number | string {
  return /^\d+$/.test(value) ? Number(value) : value;
}
