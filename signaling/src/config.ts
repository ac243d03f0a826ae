import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { MAX_PUBLISH_BITRATE } from '@yishi/shared';
import type { MediaConfig } from '@yishi/sfu';
import type { RecordsSettings } from './records/LocalRecords.js';
import { parseTerms, parseWeights } from './records/settings.js';
import type { SessionCacheLimits } from './sessions/SessionService.js';
import type { TurnConfig } from './turn/turnCredentials.js';

/**
 * Digits only: z.coerce.number would turn an empty value (`PORT=` in an env file) into 0, a random
 * port, and silently accept "1e3" or "0x50".
 */
const wholeNumber = (min: number, max: number, what = 'a whole number') =>
  z
    .string()
    .regex(/^\d{1,9}$/, `expected ${what}`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const port = wholeNumber(0, 65535, 'a port number');

/** A comma-separated list (unset or empty: none), each item checked: every bad one is named. */
const commaList = (valid: (item: string) => boolean, problem: (item: string) => string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const list = (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const item of list) if (!valid(item)) ctx.addIssue({ code: 'custom', message: problem(item) });
      return list;
    });

/**
 * Every setting comes from the environment, is validated here once at start, and has a default
 * that runs a single node on a developer's machine. A bad value stops the process with a message
 * naming the variable.
 */
const EnvSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Base URL printed in join links; defaults to http://localhost:PORT. */
  PUBLIC_URL: z.url().optional(),
  /** Where the embedded store and the generated JWT secret live. */
  DATA_DIR: z.string().min(1).default('data'),
  /** Built web client to serve; defaults to web-client/dist of this checkout. */
  WEB_CLIENT_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HS256 secret, at least 32 characters; generated into DATA_DIR/jwt-secret when unset. */
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  JWT_ISSUER: z.string().min(1).default('yishi'),
  /** Bearer secret for the organiser REST API (all topics); unset: only chair tokens manage topics. */
  ORGANISER_KEY: z.string().min(16, 'ORGANISER_KEY must be at least 16 characters').optional(),
  /** `production` marks a deployment even without ORGANISER_KEY (see Config.deployment). */
  NODE_ENV: z.string().optional(),
  /**
   * Bearer token Prometheus sends for /metrics. Unset: /metrics is open on a developer's machine
   * and refused in a deployment.
   */
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  JWT_AUDIENCE: z.string().min(1).default('yishi'),
  MEDIASOUP_WORKERS: z.coerce.number().int().min(1).max(64).default(os.availableParallelism()),
  MEDIASOUP_LISTEN_IP: z.ipv4().or(z.ipv6()).default('0.0.0.0'),
  /** IP or hostname browsers reach the SFU at; detected from the network interfaces when unset. */
  MEDIASOUP_ANNOUNCED_ADDRESS: z.string().min(1).optional(),
  /** Worker i listens on MEDIASOUP_PORT + i, UDP and TCP; 0 picks free ports. */
  MEDIASOUP_PORT: port.default(40000),
  MEDIASOUP_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
  /** A room spreads to another router (worker) beyond this many peers on one; see MediaRoom. */
  MEDIASOUP_PEERS_PER_ROUTER: wholeNumber(1, 100_000).default(100),
  /**
   * Percent of a core: a worker busier than this takes no new peer (the room spreads to another,
   * or the newcomer's media is refused). 85: the sfu-fanout bench's last step without loss.
   */
  MEDIASOUP_WORKER_MAX_LOAD: wholeNumber(1, 100, 'a percentage of one core').default(85),
  /** Set: this node is one of several sharing this Redis (store, bus, Socket.IO adapter). */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'expected redis://[user:password@]host:port[/db] or rediss://…')
    .optional(),
  /** Prefix of every Redis key of this deployment (see redis/keys.ts). */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/)
    .default('yishi:'),
  /**
   * Comments posted within this many ms of the last one sent reach clients as one message
   * (the first is never delayed); 0 sends each on its own.
   */
  COMMENT_BATCH_MS: wholeNumber(0, 1000, 'a number of milliseconds').default(50),
  /**
   * A participant whose connection dropped (not one who left) keeps their place and media this
   * long: the same page coming back resumes with an ICE restart; later, it joins anew.
   */
  RECONNECT_GRACE_SECONDS: wholeNumber(0, 600, 'a number of seconds').default(30),
  /** Sessions kept in memory: dropped after this long unused, and beyond this many (least recently used first). */
  SESSION_CACHE_IDLE_SECONDS: wholeNumber(1, 86_400, 'a number of seconds').default(600),
  SESSION_CACHE_MAX: wholeNumber(1, 1_000_000, 'a number of sessions').default(1000),
  /** Other sites (comma-separated origins, e.g. https://zx.example.gov.cn) whose pages may connect. */
  ALLOWED_ORIGINS: commaList(
    (item) => URL.canParse(item) && new URL(item).origin === item,
    (item) => `"${item}" is not an origin like https://host[:port]`,
  ),
  /** Requests one connection may make per second on average (bursts of 8× that); beyond: RATE_LIMITED. */
  SOCKET_REQUESTS_PER_SECOND: wholeNumber(1, 1_000_000).default(50),
  /** Connections one person may open per minute, over all nodes; beyond: RATE_LIMITED. */
  CONNECTS_PER_MINUTE: wholeNumber(1, 1_000_000).default(60),
  /** Failed REST authentications one client address may make per minute; beyond: RATE_LIMITED. */
  API_AUTH_FAILURES_PER_MINUTE: wholeNumber(1, 1_000_000).default(30),
  /**
   * Express's `trust proxy` (e.g. `loopback` or `1`), so that behind a reverse proxy each client's
   * own address (X-Forwarded-For) is what failed authentications are counted by. Unset: none trusted.
   */
  TRUST_PROXY: z.string().trim().min(1).max(200).optional(),
  /**
   * TURN servers (comma-separated `turn:`/`turns:` URLs) handed to clients with each join, for
   * networks that block UDP or let only TCP 443 out; needs YISHI_TURN_SECRET.
   */
  YISHI_TURN_URLS: commaList(
    (item) => /^turns?:[^\s?]+(\?transport=(udp|tcp))?$/.test(item),
    (item) => `"${item}" is not a URL like turns:turn.example.org:443?transport=tcp`,
  ),
  /** coturn's `static-auth-secret` (TURN REST credentials); at least 32 characters. */
  YISHI_TURN_SECRET: z.string().min(32, 'YISHI_TURN_SECRET must be at least 32 characters').optional(),
  /** How long the TURN credentials of one join stay valid, in seconds (a rejoin gets new ones). */
  YISHI_TURN_TTL: wholeNumber(60, 7 * 86_400, 'a number of seconds').default(43_200),
  /**
   * Room id of the demo room whose join links (tokens) `npm start` prints. Unset: `demo` on a
   * developer's machine, none in a deployment.
   */
  DEMO_ROOM: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  /** The heat score's weights, `key=weight,…` (docs/domain.md, "Participation records"); unnamed keys keep their default. */
  RECORDS_WEIGHTS: z.string().optional().transform(fromParser(parseWeights)),
  /** The committee's terms (届), `name=YYYY-MM..YYYY-MM;…`; default 第十四届=2023-01..2027-12. */
  RECORDS_TERMS: z.string().optional().transform(fromParser(parseTerms)),
});

/** A zod transform from a parser that throws: its message becomes the variable's issue. */
function fromParser<T>(parse: (text: string | undefined) => T) {
  return (text: string | undefined, ctx: z.RefinementCtx): T => {
    try {
      return parse(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  };
}

/** Who may read /metrics: anyone, the bearers of a token, or nobody. */
export type MetricsAccess = 'open' | { token: string } | 'off';

export interface Config {
  /**
   * A deployment (ORGANISER_KEY set or NODE_ENV=production), not a developer's machine: what is
   * convenient for a local demo but unsafe on a network is off unless asked for.
   */
  deployment: boolean;
  port: number;
  host: string;
  publicUrl: string | undefined;
  dataDir: string;
  webClientDir: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  jwt: { secret: string | undefined; issuer: string; audience: string };
  organiserKey: string | undefined;
  metrics: MetricsAccess;
  media: MediaConfig;
  /** The demo room opened at start, whose join links are printed; none in a deployment unless asked. */
  demoRoom: string | undefined;
  commentBatchMs: number;
  reconnectGraceMs: number;
  sessionCache: SessionCacheLimits;
  requestsPerSecond: number;
  connectsPerMinute: number;
  authFailuresPerMinute: number;
  trustProxy: string | undefined;
  allowedOrigins: string[];
  redis: { url: string; prefix: string } | undefined;
  /** TURN servers and their shared secret; undefined: clients get no iceServers. */
  turn: TurnConfig | undefined;
  records: RecordsSettings;
}

export class ConfigError extends Error {}

/** Reads and validates the configuration from `env`; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.YISHI_TURN_URLS.length > 0 !== (e.YISHI_TURN_SECRET !== undefined)) {
    throw new ConfigError(
      'invalid configuration:\n  YISHI_TURN_URLS and YISHI_TURN_SECRET: set both (TURN for clients) or neither',
    );
  }
  const wildcard = e.MEDIASOUP_LISTEN_IP === '0.0.0.0' || e.MEDIASOUP_LISTEN_IP === '::';
  const deployment = e.ORGANISER_KEY !== undefined || e.NODE_ENV === 'production';
  return {
    deployment,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    dataDir: path.resolve(e.DATA_DIR),
    // fileURLToPath, not URL.pathname: the latter keeps %20 and friends of a checkout path with spaces.
    webClientDir: path.resolve(e.WEB_CLIENT_DIR ?? fileURLToPath(new URL('../../web-client/dist', import.meta.url))),
    logLevel: e.LOG_LEVEL,
    jwt: { secret: e.JWT_SECRET, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE },
    organiserKey: e.ORGANISER_KEY,
    metrics: e.METRICS_TOKEN ? { token: e.METRICS_TOKEN } : deployment ? 'off' : 'open',
    media: {
      numWorkers: e.MEDIASOUP_WORKERS,
      listenIp: e.MEDIASOUP_LISTEN_IP,
      announcedAddress: e.MEDIASOUP_ANNOUNCED_ADDRESS ?? (wildcard ? detectAddress() : undefined),
      basePort: e.MEDIASOUP_PORT,
      workerLogLevel: e.MEDIASOUP_LOG_LEVEL,
      initialOutgoingBitrate: 1_000_000,
      maxIncomingBitrate: MAX_PUBLISH_BITRATE,
      peersPerRouter: e.MEDIASOUP_PEERS_PER_ROUTER,
      maxWorkerLoad: e.MEDIASOUP_WORKER_MAX_LOAD / 100,
    },
    demoRoom: e.DEMO_ROOM ?? (deployment ? undefined : 'demo'),
    commentBatchMs: e.COMMENT_BATCH_MS,
    reconnectGraceMs: e.RECONNECT_GRACE_SECONDS * 1000,
    sessionCache: { idleMs: e.SESSION_CACHE_IDLE_SECONDS * 1000, max: e.SESSION_CACHE_MAX },
    requestsPerSecond: e.SOCKET_REQUESTS_PER_SECOND,
    connectsPerMinute: e.CONNECTS_PER_MINUTE,
    authFailuresPerMinute: e.API_AUTH_FAILURES_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    allowedOrigins: e.ALLOWED_ORIGINS,
    redis: e.REDIS_URL ? { url: e.REDIS_URL, prefix: e.REDIS_PREFIX } : undefined,
    turn: e.YISHI_TURN_SECRET
      ? { urls: e.YISHI_TURN_URLS, secret: e.YISHI_TURN_SECRET, ttlSeconds: e.YISHI_TURN_TTL }
      : undefined,
    records: { weights: e.RECORDS_WEIGHTS, terms: e.RECORDS_TERMS },
  };
}

/** A wildcard listener needs a concrete address in ICE candidates: the first external IPv4, else loopback. */
function detectAddress(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
