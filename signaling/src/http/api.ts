import { randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import {
  type Actor,
  AppError,
  type Command,
  Conflict,
  type ErrorBody,
  type ErrorCode,
  Forbidden,
  type Invitation,
  InvitationCreateSchema,
  InvalidRequest,
  type LedgerAction,
  LedgerActionSchemas,
  type LedgerActor,
  type LedgerCommand,
  type LedgerItemDetail,
  ledgerActions,
  LedgerExportQuerySchema,
  LedgerFilterQuerySchema,
  LedgerQuerySchema,
  LedgerRegisterSchema,
  mayView,
  type MinutesDocument,
  minutesDocument,
  NotFound,
  ParticipantRemoveSchema,
  personOfClaims,
  ScheduleSchema,
  sessionView,
  survivorOf,
  type TokenClaims,
  TopicCreateSchema,
  type TopicSummary,
  TopicUpdateSchema,
  RateLimited,
  type UnitToken,
  UnitTokenCreateSchema,
  Unauthenticated,
  type WhoAmI,
} from '@yishi/shared';
import {
  isUnitLedgerClaims,
  signToken,
  signUnitToken,
  type TokenSettings,
  tokenExpiresAt,
  verifyAnyToken,
  verifyToken,
} from '../auth/tokens.js';
import { minutesDocx } from '../export/docx.js';
import type { Locale } from '../export/format.js';
import { minutesJson } from '../export/json.js';
import { minutesMarkdown } from '../export/markdown.js';
import type { SessionService } from '../sessions/SessionService.js';
import { toErrorBody } from '../errors.js';
import { joinUrl } from '../invitations/joinUrl.js';
import type { LedgerService } from '../ledger/LedgerService.js';
import { decodeCursor, encodeCursor } from '../ledger/cursor.js';
import type { LedgerFilter } from '../ledger/LedgerService.js';
import { historyEntry, ledgerCounts, ledgerListJson, ledgerRow, ledgerToday } from '../ledger/rows.js';
import { ledgerDocx } from '../export/ledgerDocx.js';
import { ledgerFileName } from '../export/ledgerView.js';
import { ledgerXlsx } from '../export/ledgerXlsx.js';
import { malformedRequest } from './requestErrors.js';
import { AuthFailures } from './AuthFailures.js';
import type { UnitTokenRecord } from '../units/UnitTokenRecord.js';
import type { PeopleDirectory } from '../records/PeopleDirectory.js';
import type { RecordsService } from '../records/RecordsService.js';
import { recordsRoutes } from '../records/routes.js';
import { bearer, parse, route } from './handlers.js';

const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_REQUEST: 400,
  UNAUTHENTICATED: 401,
  NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  SESSION_NOT_OPEN: 409,
  RATE_LIMITED: 429,
  UNSUPPORTED_VERSION: 400,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export interface ApiDeps {
  sessions: SessionService;
  tokens: TokenSettings;
  /** ORGANISER_KEY: a bearer secret that may manage every topic. */
  organiserKey: string | undefined;
  /** Failed authentications one client address may make per minute (see AuthFailures). */
  authFailuresPerMinute: number;
  /** PUBLIC_URL, the base of join links; when unset, the request's own origin is used. */
  publicUrl: string | undefined;
  ledger: LedgerService;
  /** The record of units' ledger tokens made over this API. */
  unitTokens: UnitTokenRecord;
  /** Participation records and the member directory (`/api/people`, `/api/leaderboard`). */
  records: RecordsService;
  directory: PeopleDirectory;
  log: Logger;
}

/** Who calls: the organiser (key) or a room token's holder, limited to that room. */
interface Caller {
  actor: Actor;
  room: string | null;
}

/**
 * The organiser REST API: topics and their sessions (create, read, list, update, schedule, open,
 * close, archive) and the minutes exports. Errors are `{ error: { code, message } }` with the
 * matching HTTP status.
 */
export function createApi(deps: ApiDeps): express.Router {
  const api = express.Router();
  api.use(express.json({ limit: '200kb' }));
  const { sessions } = deps;

  const failures = new AuthFailures(deps.authFailuresPerMinute);

  /**
   * The bearer secret's caller. A token whose holder was removed from its room is refused like
   * one that is not valid: the removal is final here too. Failed attempts are counted per client
   * address; past the limit the address is refused before its secret is looked at.
   */
  const authenticate = (req: Request): Promise<Caller> => guarded(req, identify);

  /** Runs `check` unless the client's address is past its failed attempts; counts a failure. */
  const guarded = async <T>(req: Request, check: (req: Request) => Promise<T>): Promise<T> => {
    const address = req.ip ?? 'unknown';
    const wait = failures.retryAfter(address);
    if (wait > 0) {
      throw new RateLimited(`too many failed authentications from this address; try again in ${wait} s`, wait);
    }
    try {
      return await check(req);
    } catch (err) {
      if (err instanceof Unauthenticated) failures.failed(address);
      throw err;
    }
  };

  const identify = async (req: Request): Promise<Caller> => {
    const secret = bearer(req);
    return asOrganiser(secret) ?? roomHolder(verifyToken(deps.tokens, secret));
  };

  /** The organiser (the committee office) when `secret` is the organiser key, compared in constant time. */
  const asOrganiser = (secret: string) =>
    deps.organiserKey && safeEqual(secret, deps.organiserKey)
      ? { actor: { id: 'organiser', name: 'organiser', role: 'organiser' } as const, room: null }
      : undefined;

  /** A room token's holder, unless they were removed from its room. */
  const roomHolder = async (claims: TokenClaims): Promise<Caller & { room: string }> => {
    if ((await sessions.get(claims.room)).state.removed[claims.sub]) {
      throw new Forbidden('you have been removed from this consultation');
    }
    return {
      actor: { id: claims.sub, name: claims.name, role: claims.role, sector: claims.sector },
      room: claims.room,
    };
  };

  /** The organiser may act on any topic; a token holder only on its own room's, and only in `roles`. */
  const authorize = async (req: Request, roles: readonly Actor['role'][], topicId?: string): Promise<Caller> => {
    const caller = await authenticate(req);
    if (caller.actor.role === 'organiser') return caller;
    if (!roles.includes(caller.actor.role)) throw new Forbidden(`a ${caller.actor.role} may not do this`);
    if (topicId !== undefined && caller.room !== topicId) throw new Forbidden('this token is for another room');
    return caller;
  };

  const existing = async (id: string) => {
    const loaded = await sessions.get(id);
    if (!loaded.state.topic) throw new NotFound(`no topic "${id}"`);
    return loaded;
  };

  const run = (id: string, command: Command, caller: Caller) => sessions.execute(id, command, caller.actor);

  api.post(
    '/topics',
    route(async (req, res) => {
      const caller = await authorize(req, ['chair']);
      const body = parse(TopicCreateSchema, req.body);
      // A chair creates the topic of their own room; the organiser picks or gets an id.
      const id = caller.room ?? body.id ?? (await freshId(sessions));
      if (body.id !== undefined && body.id !== id) throw new Forbidden('this token is for another room');
      const { agenda, timeZone, settings, scheduledAt, id: _id, ...fields } = body;
      await run(id, { type: 'topic.create', id, fields, agenda, timeZone, settings }, caller);
      if (scheduledAt) await run(id, { type: 'session.schedule', scheduledAt: Date.parse(scheduledAt) }, caller);
      const { state, version } = await existing(id);
      res.status(201).location(`/api/topics/${id}`).json(sessionView(state, version));
    }),
  );

  api.get(
    '/topics',
    route(async (req, res) => {
      const caller = await authenticate(req);
      const all = await sessions.list();
      const visible = caller.room === null ? all : all.filter((s) => s.state.session.id === caller.room);
      res.json(
        visible.flatMap(({ state }): TopicSummary[] =>
          state.topic
            ? [
                {
                  id: state.session.id,
                  title: state.topic.title,
                  organiser: state.topic.organiser,
                  status: state.topic.status,
                  session: {
                    status: state.session.status,
                    scheduledAt: state.session.scheduledAt ?? null,
                    timeZone: state.session.timeZone,
                  },
                },
              ]
            : [],
        ),
      );
    }),
  );

  api.get(
    '/topics/:id',
    route(async (req, res) => {
      await authorize(req, ['chair', 'secretary', 'member', 'guest', 'unit', 'observer'], param(req, 'id'));
      const { state, version } = await existing(param(req, 'id'));
      res.json(sessionView(state, version));
    }),
  );

  api.patch(
    '/topics/:id',
    route(async (req, res) => {
      const id = param(req, 'id');
      const caller = await authorize(req, ['chair'], id);
      const { agenda, ...fields } = parse(TopicUpdateSchema, req.body);
      await existing(id);
      await run(id, { type: 'topic.update', fields, agenda }, caller);
      const { state, version } = await existing(id);
      res.json(sessionView(state, version));
    }),
  );

  const lifecycle = (path: string, roles: readonly Actor['role'][], command: (req: Request) => Command) =>
    api.post(
      `/topics/:id/${path}`,
      route(async (req, res) => {
        const id = param(req, 'id');
        const caller = await authorize(req, roles, id);
        await existing(id);
        await run(id, command(req), caller);
        const { state, version } = await existing(id);
        res.json(sessionView(state, version));
      }),
    );
  lifecycle('schedule', ['chair'], (req) => ({
    type: 'session.schedule',
    scheduledAt: Date.parse(parse(ScheduleSchema, req.body).scheduledAt),
  }));
  lifecycle('open', ['chair'], () => ({ type: 'session.open' }));
  lifecycle('close', ['chair'], () => ({ type: 'session.close' }));
  lifecycle('archive', [], () => ({ type: 'topic.archive' }));
  // Someone is removed: their invitation no longer admits them and a connection of theirs closes.
  lifecycle('participants/:personId/remove', ['chair'], (req) => ({
    type: 'participant.remove',
    personId: param(req, 'personId'),
    reason: parse(ParticipantRemoveSchema, req.body ?? {}).reason,
  }));

  // A join link for one person: a token for this room with the given role, name and sector (a unit: its unit).
  api.post(
    '/topics/:id/invitations',
    route(async (req, res) => {
      const id = param(req, 'id');
      const caller = await authorize(req, ['chair'], id);
      const body = parse(InvitationCreateSchema, req.body);
      const { role, unit, operator, ttlHours } = body;
      // A chair choosing `sub` could mint a member's identity and speak as them in the minutes.
      if ((body.sub !== undefined || body.personId !== undefined) && caller.actor.role !== 'organiser') {
        throw new Forbidden('only the organiser key may choose whose invitation this is (sub, personId); leave it out');
      }
      await existing(id);
      // For a directory person: their id is the token's sub, their name and sector the directory's unless given.
      const person = body.personId === undefined ? undefined : directoryInvitee(deps.directory, body.personId);
      const name = body.name ?? (person?.name as string);
      const sector = body.sector ?? person?.sector ?? undefined;
      const claims = {
        sub: person?.id ?? body.sub ?? `inv-${randomBytes(9).toString('base64url')}`,
        name,
        role,
        room: id,
        ...(sector ? { sector } : {}),
        ...(unit ? { unit } : {}),
        ...(operator ? { operator } : {}),
      };
      // The invitation names the person as the room will show them (a unit's representative by their unit).
      const invitee = personOfClaims(claims);
      const token = signToken(deps.tokens, claims, ttlHours * 3600);
      // Recorded before the token is handed out: a link nobody can account for is never given.
      const expiresAt = tokenExpiresAt(token);
      await run(id, { type: 'invitation.issue', invitee, expiresAt: expiresAt.getTime() }, caller);
      const invitation: Invitation = {
        token,
        url: joinUrl(deps.publicUrl ?? requestOrigin(req), id, token),
        expiresAt: expiresAt.toISOString(),
      };
      res.status(201).json(invitation);
    }),
  );

  /** Only the organiser key: a unit's ledger token reaches every item of that unit, whatever the topic. */
  const organiserOnly = async (req: Request): Promise<Actor> => {
    const caller = await authenticate(req);
    if (caller.actor.role !== 'organiser') throw new Forbidden('only the organiser key may do this');
    return caller.actor;
  };

  // A handling unit's ledger token (no room), recorded before it is handed out.
  api.post(
    '/units/tokens',
    route(async (req, res) => {
      const issuer = await organiserOnly(req);
      const { unit, name, sub, ttlHours } = parse(UnitTokenCreateSchema, req.body);
      const claims = { sub: sub ?? `unit-${randomBytes(9).toString('base64url')}`, name, role: 'unit' as const, unit };
      const token = signUnitToken(deps.tokens, claims, ttlHours * 3600);
      const expiresAt = tokenExpiresAt(token);
      await deps.unitTokens.record(
        { sub: claims.sub, name, unit, issuer: { id: issuer.id, name: issuer.name }, expiresAt: expiresAt.getTime() },
        Date.now(),
      );
      const made: UnitToken = { token, sub: claims.sub, expiresAt: expiresAt.toISOString() };
      res.status(201).json(made);
    }),
  );

  // The record of units' ledger tokens: who got one, for which unit, from whom, until when.
  api.get(
    '/units/tokens',
    route(async (req, res) => {
      await organiserOnly(req);
      res.json({ tokens: await deps.unitTokens.list() });
    }),
  );

  // What the bearer secret is: lets the organiser page check a key before using it.
  api.get(
    '/whoami',
    route(async (req, res) => {
      const { actor, room } = await authenticate(req);
      // A token's actor has a room role; only the organiser key has no room ('system' never calls).
      const who: WhoAmI =
        room === null || actor.role === 'organiser' || actor.role === 'system'
          ? { role: 'organiser' }
          : { role: actor.role, room, name: actor.name };
      res.json(who);
    }),
  );

  /**
   * Who acts on the ledger: the organiser key (the committee office), a unit's token (its items),
   * or a room token of a chair, secretary or member (their topic's items; a member those they raised).
   */
  const ledgerCaller = (req: Request) =>
    guarded(req, async (): Promise<{ actor: LedgerActor; room: string | null; sector?: string | undefined }> => {
      const secret = bearer(req);
      const organiser = asOrganiser(secret);
      if (organiser) return organiser;
      const claims = verifyAnyToken(deps.tokens, secret);
      if (isUnitLedgerClaims(claims))
        return { actor: { id: claims.sub, name: claims.name, role: 'unit', unit: claims.unit }, room: null };
      const { actor, room } = await roomHolder(claims);
      // A unit's invitation into one session (which a chair may make) is not the unit's ledger token.
      if (actor.role === 'unit') throw new Forbidden('a unit’s session invitation does not open the ledger');
      if (actor.role !== 'chair' && actor.role !== 'secretary' && actor.role !== 'member') {
        throw new Forbidden(`a ${actor.role} has no part in the ledger`);
      }
      return { actor: { id: actor.id, name: actor.name, role: actor.role }, room, sector: actor.sector };
    });

  /** Item `id` as `caller` may act on it: a room token only within its topic. */
  const ledgerItem = async (id: string, caller: { actor: LedgerActor; room: string | null }) => {
    const item = await deps.ledger.get(id);
    if (!item || (caller.room !== null && item.topicId !== caller.room) || !mayView(item, caller.actor)) {
      throw new NotFound(`no ledger item ${id}`);
    }
    return item;
  };

  /** The caller, its query (`schema`: filters and more) and the filter it may list with: a room token's own topic. */
  const ledgerQuery = async <Q extends z.output<typeof LedgerFilterQuerySchema>>(
    req: Request,
    schema: z.ZodType<Q, unknown>,
  ) => {
    const caller = await ledgerCaller(req);
    const query = parse(schema, req.query);
    if (caller.room !== null && query.topic !== undefined && query.topic !== caller.room) {
      throw new Forbidden('this token is for another room');
    }
    const filter: LedgerFilter = {
      topicId: caller.room ?? query.topic,
      status: query.status,
      unit: query.unit,
      sector: query.sector,
      overdue: query.overdue,
    };
    return { caller, query, filter };
  };

  // The outcome ledger: the office sees every item, a unit its own, a room token its topic's.
  // With `limit`, one page in listing order (registered first, then by id) and the next page's cursor.
  api.get(
    '/ledger',
    route(async (req, res) => {
      const { caller, query, filter } = await ledgerQuery(req, LedgerQuerySchema);
      const today = ledgerToday(Date.now());
      res.type('json');
      if (query.limit === undefined) {
        res.send(ledgerListJson(await deps.ledger.list(filter, caller.actor), today));
        return;
      }
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      const { items, more } = await deps.ledger.page(filter, caller.actor, { after, limit: query.limit });
      const last = items.at(-1);
      res.send(ledgerListJson(items, today, { nextCursor: more && last ? encodeCursor(last) : null }));
    }),
  );

  // The office's counters: statuses, overdue, conversions (成果转化), the members' ratings.
  api.get(
    '/ledger/counts',
    route(async (req, res) => {
      const { caller, filter } = await ledgerQuery(req, LedgerFilterQuerySchema);
      res.json(ledgerCounts(await deps.ledger.list(filter, caller.actor), Date.now()));
    }),
  );

  /**
   * The export of the items a list with the same query would show, for those who keep the
   * ledger: the office, a unit (its own), a chair or secretary (its topic) — not a member.
   */
  const ledgerExport = (extension: 'xlsx' | 'docx', type: string, render: typeof ledgerXlsx) =>
    api.get(
      `/ledger.${extension}`,
      route(async (req, res) => {
        const { caller, query, filter } = await ledgerQuery(req, LedgerExportQuerySchema);
        if (caller.actor.role === 'member') throw new Forbidden('a member may not export the ledger');
        // A unit's export is its own items: say so in its title and file name.
        const scope = caller.actor.role === 'unit' ? { ...filter, unit: filter.unit ?? caller.actor.unit } : filter;
        const now = Date.now();
        const items = await deps.ledger.list(filter, caller.actor);
        res
          .type(type)
          .attachment(ledgerFileName(scope, now, extension))
          .send(await render(items, scope, now, query.lang, await deps.ledger.histories(items)));
      }),
    );
  // Registered before /ledger/:itemId, though that could not take them: `ledger.xlsx` is no segment under /ledger.
  ledgerExport('xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ledgerXlsx);
  ledgerExport('docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ledgerDocx);

  api.post(
    '/ledger',
    route(async (req, res) => {
      const caller = await ledgerCaller(req);
      const { source, topicId, ...fields } = parse(LedgerRegisterSchema, req.body);
      if (caller.room !== null && topicId !== caller.room) throw new Forbidden('this token is for another room');
      await existing(topicId);
      const raisedBy =
        caller.actor.role === 'member'
          ? [
              {
                id: caller.actor.id,
                name: caller.actor.name,
                role: 'member' as const,
                ...(caller.sector ? { sector: caller.sector } : {}),
              },
            ]
          : [];
      const item = await deps.ledger.register(
        { type: 'ledger.register', ...fields, source: { kind: source }, topicId, raisedBy },
        caller.actor,
      );
      res.status(201).json(ledgerRow(item, ledgerToday(Date.now())));
    }),
  );

  api.get(
    '/ledger/:itemId',
    route(async (req, res) => {
      const caller = await ledgerCaller(req);
      const item = await ledgerItem(param(req, 'itemId'), caller);
      const detail: LedgerItemDetail = {
        ...ledgerRow(item, ledgerToday(Date.now())),
        updates: item.updates,
        answers: item.answers,
        evaluations: item.evaluations,
        history: ((await deps.ledger.history(item.id)) ?? []).map(historyEntry),
        actions: ledgerActions(item, caller.actor),
      };
      res.json(detail);
    }),
  );

  api.post(
    '/ledger/:itemId/:action',
    route(async (req, res) => {
      const action = param(req, 'action');
      if (!Object.hasOwn(LedgerActionSchemas, action)) throw new NotFound(`no ledger action "${action}"`);
      const caller = await ledgerCaller(req);
      const id = param(req, 'itemId');
      await ledgerItem(id, caller);
      const body = parse(LedgerActionSchemas[action as LedgerAction], req.body ?? {});
      const command = { type: `ledger.${action}`, ...body } as LedgerCommand;
      res.json(ledgerRow(await deps.ledger.execute(id, command, caller.actor), ledgerToday(Date.now())));
    }),
  );

  api.get(
    '/sessions/:id/minutes.:format',
    route(async (req, res) => {
      const id = param(req, 'id');
      await authorize(req, ['chair', 'secretary'], id);
      const format = param(req, 'format');
      if (!['json', 'md', 'docx'].includes(format)) throw new NotFound('minutes come as .json, .md or .docx');
      const locale: Locale = req.query.lang === 'en' ? 'en' : 'zh-CN';
      const { state } = await existing(id);
      const { document, hash } = pickVersion(state.minutes.finalized, req.query.version, () =>
        minutesDocument(state, Date.now()),
      );
      const filename = `minutes-${id}-v${document.version}`;
      if (format === 'json') {
        res.type('application/json').send(minutesJson(document, { hash }));
      } else if (format === 'md') {
        res.type('text/markdown; charset=utf-8').send(minutesMarkdown(document, locale, { hash }));
      } else {
        res
          .type('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
          .attachment(`${filename}.docx`)
          .send(await minutesDocx(document, locale, { hash }));
      }
    }),
  );

  api.use(
    recordsRoutes({
      records: deps.records,
      directory: deps.directory,
      authenticate,
      secret: deps.tokens.secret,
      linkBase: (req) => deps.publicUrl ?? requestOrigin(req),
    }),
  );

  api.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such API' } });
  });
  // Express recognises an error handler by its four parameters.
  api.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const body = bodyParserError(err) ?? malformedRequest(err) ?? toErrorBody(err, deps.log.child({ module: 'api' }));
    if (err instanceof AppError && err.retryAfterSeconds) {
      res.set('Retry-After', String(err.retryAfterSeconds));
    }
    res.status(HTTP_STATUS[body.code]).json({ error: body });
  });
  return api;
}

/** The directory person an invitation is for: they must be in it and active (a merged entry's survivor is invited). */
function directoryInvitee(directory: PeopleDirectory, personId: string) {
  const person = survivorOf(directory.all, personId);
  if (!person) throw new NotFound(`no person ${personId} in the member directory`);
  if (person.status !== 'active') throw new Conflict(`${person.name} is no longer in the member directory`);
  return person;
}

/** A body express.json refused (not JSON, too large, not UTF-8): the client's fault, not a server error. */
function bodyParserError(err: unknown): ErrorBody | undefined {
  if (err instanceof SyntaxError && 'body' in err) {
    return { code: 'INVALID_REQUEST', message: 'the body is not valid JSON' };
  }
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') return { code: 'INVALID_REQUEST', message: 'the body is too large' };
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
    return { code: 'INVALID_REQUEST', message: 'the body must be JSON in UTF-8' };
  }
  return undefined;
}

/** A finalized version (`?version=N`) exactly as frozen, or the current draft. */
function pickVersion(
  finalized: Array<{ version: number; hash: string; document: unknown }>,
  requested: unknown,
  current: () => MinutesDocument,
): { document: MinutesDocument; hash: string | undefined } {
  if (requested === undefined) return { document: current(), hash: undefined };
  const version = Number(requested);
  const found = finalized.find((f) => f.version === version);
  if (!found) throw new NotFound(`no finalized minutes version ${String(requested)}`);
  return { document: found.document as MinutesDocument, hash: found.hash };
}

function param(req: Request, name: string): string {
  const value = req.params[name];
  if (typeof value !== 'string') throw new InvalidRequest(`missing ${name}`);
  return value;
}

/**
 * The origin the client reached us at: X-Forwarded-Proto (behind a TLS proxy) or the socket's
 * protocol, and the Host header — checked, since it ends up in a link handed to other people.
 */
function requestOrigin(req: Request): string {
  const forwarded = req.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  const protocol = forwarded === 'https' || forwarded === 'http' ? forwarded : req.protocol;
  const host = req.get('host') ?? '';
  if (!/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host)) {
    throw new InvalidRequest('the Host header is missing or malformed; set PUBLIC_URL');
  }
  return `${protocol}://${host}`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A short, URL-safe session id that no topic uses yet. */
async function freshId(sessions: SessionService): Promise<string> {
  for (;;) {
    const id = randomBytes(6).toString('base64url');
    if (!(await sessions.get(id)).state.topic) return id;
  }
}
