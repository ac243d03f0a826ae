import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  type Command,
  type CommandType,
  type ConsultationRequestName,
  ConsultationRequestSchemas,
  type EntryKind,
  mayIssue,
  type RequestInput,
  type RequestPayload,
  ROLES,
  type Role,
} from '@yishi/shared';
import type { SessionChange } from '@yishi/signaling';
import { TestClient } from '../support/client.js';
import { FakeMediaGateway, type FakeMediaRoom } from '../support/fakeGateway.js';
import { rtpCapabilities } from '../support/mediaFixtures.js';
import { openTopic, startTestServer, type TestServer } from '../support/server.js';

/**
 * The permission matrix over Socket.IO: every consultation request, sent by every role a token can
 * carry, with the preconditions that let it succeed (an entry to withdraw, a turn to end, a comment
 * to hide…). A role the rules permit gets it done; any other role is refused with NOT_ALLOWED and
 * nothing changes — not the session, not the media. The expected outcome comes from the domain's
 * permission table (shared/src/domain/permissions.ts), mapped from request to command as the
 * signaling handlers map it, so the two cannot drift apart unnoticed.
 */

let gateway: FakeMediaGateway;
let server: TestServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  gateway = new FakeMediaGateway();
  server = await startTestServer({ gateway, rooms: [] });
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

afterAll(async () => {
  await server.close();
});

/**
 * The domain command each request becomes (see signaling/src/socket/consultationHandlers.ts).
 * `null`: no command — reads open to everyone joined, and the chair's mute (a media action).
 * `session:setStatus` is sent with `action: 'start'` below, hence session.start.
 */
const COMMAND_OF: { [K in ConsultationRequestName]: CommandType | null } = {
  'session:snapshot': null,
  'session:configure': 'settings.update',
  'session:setStatus': 'session.start',
  'agenda:open': 'agenda.open',
  'queue:request': 'queue.request',
  'queue:withdraw': 'queue.withdraw',
  'queue:add': 'queue.add',
  'queue:move': 'queue.move',
  'queue:remove': 'queue.remove',
  'queue:setClosed': 'queue.setClosed',
  'queue:clear': 'queue.clear',
  'floor:grant': 'floor.grant',
  'floor:end': 'floor.end',
  'floor:yield': 'floor.yield',
  'floor:pause': 'floor.pause',
  'floor:resume': 'floor.resume',
  'floor:extend': 'floor.extend',
  'participant:mute': null,
  'participant:remove': 'participant.remove',
  'comment:post': 'comment.post',
  'comment:react': 'comment.react',
  'comment:hide': 'comment.hide',
  'comments:page': null,
  'minutes:setSummary': 'minutes.setSummary',
  'minutes:setNotes': 'minutes.setNotes',
  'minutes:addConsensus': 'minutes.addConsensus',
  'minutes:updateConsensus': 'minutes.updateConsensus',
  'minutes:removeConsensus': 'minutes.removeConsensus',
  'minutes:addAction': 'minutes.addAction',
  'minutes:updateAction': 'minutes.updateAction',
  'minutes:removeAction': 'minutes.removeAction',
  'minutes:promoteComment': 'minutes.promoteComment',
  'minutes:submit': 'minutes.submit',
  'minutes:finalize': 'minutes.finalize',
  'minutes:reopen': 'minutes.reopen',
  'site:headcount': 'site.reportHeadcount',
  'site:speaker': 'site.nameSpeaker',
  'poll:open': 'poll.open',
  'poll:answer': 'poll.answer',
  'poll:siteCounts': 'poll.enterSiteCounts',
  'poll:close': 'poll.close',
};

/** Roles that may send `name`: the permission table's, the chair alone for a mute, everyone for reads. */
function allowedRoles(name: ConsultationRequestName): Role[] {
  if (name === 'participant:mute') return ['chair'];
  const command = COMMAND_OF[name];
  return command === null ? [...ROLES] : ROLES.filter((role) => mayIssue(role, command));
}

/** People of the stage, acting directly on the session (as if through their own connections). */
const CHAIR: Actor = { id: 'setup-chair', name: '王主席', role: 'chair' };
const SECRETARY: Actor = { id: 'setup-secretary', name: '李秘书', role: 'secretary' };
/** A member joined over Socket.IO next to the acting client: speaks, comments, gets muted. */
const OTHER: Actor = { id: 'other', name: '陈委员', role: 'member', sector: '教育界' };

const NAMES: Record<Role, string> = {
  chair: '赵主持',
  secretary: '钱秘书',
  member: '孙委员',
  guest: '周处长',
  unit: '郑处长',
  site: '水口村',
  observer: '吴旁听',
};
/** A unit's representative names the unit they answer for (the token requires it). */
const UNIT = '发展和改革委员会';

/** One run of the matrix: a fresh open session with OTHER and the acting role joined. */
interface Stage {
  roomId: string;
  role: Role;
  client: TestClient;
  media: FakeMediaRoom;
  /** The acting client's identity, as the domain sees it. */
  self: Actor;
  /** Whether the acting role may hold the floor (so it can withdraw its own entry, yield its own turn). */
  speaks: boolean;
  run(command: Command, actor: Actor): Promise<SessionChange>;
  /** A waiting entry of `speaker`; returns its id. */
  entry(speaker: Actor, kind?: EntryKind): Promise<string>;
  /** `speaker` holds the floor; returns the turn id. */
  floor(speaker: Actor): Promise<string>;
  /** A comment of `author`; returns its id. */
  comment(author: Actor): Promise<string>;
  /** A poll the chair opened; returns its id. */
  poll(): Promise<string>;
}

let rooms = 0;

async function joinAs(roomId: string, who: { sub: string; name: string; role: Role; sector?: string; unit?: string }) {
  const client = await TestClient.connect(server.url, { token: server.token({ ...who, room: roomId }), roomId });
  clients.push(client);
  await client.call('room:join', { rtpCapabilities: rtpCapabilities() });
  return client;
}

/** The id of what a change created (entry, turn, comment, consensus point, action item). */
function createdId(change: SessionChange): string {
  for (const e of change.events) {
    if (e.type === 'queue.entryAdded') return e.data.entry.id;
    if (e.type === 'turn.started') return e.data.turn.id;
    if (e.type === 'comment.posted') return e.data.comment.id;
    if (e.type === 'minutes.consensusAdded') return e.data.id;
    if (e.type === 'minutes.actionAdded') return e.data.action.id;
    if (e.type === 'poll.opened') return e.data.poll.id;
  }
  throw new Error(`nothing created by ${change.events.map((e) => e.type).join(', ')}`);
}

async function arrange(role: Role): Promise<Stage> {
  rooms += 1;
  const roomId = `perm-${rooms}`;
  // Observers may comment here, so the matrix tests the table, not that finer rule (tested below).
  await openTopic(server.sessions, roomId, { observersMayComment: true });
  await joinAs(roomId, { sub: OTHER.id, name: OTHER.name, role: 'member', sector: '教育界' });
  const unit = role === 'unit' ? { unit: UNIT } : {};
  const self: Actor = { id: `as-${role}`, name: NAMES[role], role, ...unit };
  const client = await joinAs(roomId, { sub: self.id, name: self.name, role, ...unit });
  const run = (command: Command, actor: Actor) => server.sessions.execute(roomId, command, actor);
  return {
    roomId,
    role,
    client,
    media: gateway.room(roomId),
    self,
    speaks: mayIssue(role, 'queue.request'),
    run,
    entry: async (speaker, kind = 'contribution') => createdId(await run({ type: 'queue.request', kind }, speaker)),
    floor: async (speaker) => {
      const entryId = createdId(await run({ type: 'queue.add', speakerId: speaker.id, kind: 'contribution' }, CHAIR));
      return createdId(await run({ type: 'floor.grant', entryId }, CHAIR));
    },
    comment: async (author) => createdId(await run({ type: 'comment.post', text: '建议增加农村教师编制。' }, author)),
    poll: async () => createdId(await run({ type: 'poll.open', question: '是否同意试点？', anonymous: false }, CHAIR)),
  };
}

/** For each request: the preconditions that let a permitted role succeed, and the payload to send. */
const SCENARIOS: { [K in ConsultationRequestName]: (s: Stage) => Promise<RequestInput<K>> } = {
  'session:snapshot': async () => ({}),
  'session:configure': async () => ({ settings: { mode: 'open', turnSeconds: { contribution: 240 } } }),
  'session:setStatus': async () => ({ action: 'start' }),
  'agenda:open': async (s) => ({ itemId: server.sessions.current(s.roomId).state.agenda[0]!.id }),
  'queue:request': async () => ({ kind: 'contribution' }),
  // One's own entry when one may speak at all; otherwise someone else's (refused either way).
  'queue:withdraw': async (s) => ({ entryId: await s.entry(s.speaks ? s.self : OTHER) }),
  'queue:add': async () => ({ speakerId: OTHER.id, kind: 'contribution' }),
  'queue:move': async (s) => {
    await s.entry(OTHER, 'point_of_order');
    return { entryId: await s.entry(OTHER), toIndex: 0 };
  },
  'queue:remove': async (s) => ({ entryId: await s.entry(OTHER) }),
  'queue:setClosed': async () => ({ closed: true, pointsOfOrderBlocked: false }),
  'queue:clear': async (s) => {
    await s.entry(OTHER);
    return {};
  },
  'floor:grant': async (s) => ({ entryId: await s.entry(OTHER) }),
  'floor:end': async (s) => {
    await s.floor(OTHER);
    return {};
  },
  'floor:yield': async (s) => {
    await s.floor(s.speaks ? s.self : OTHER);
    return {};
  },
  'floor:pause': async (s) => {
    await s.floor(OTHER);
    return {};
  },
  'floor:resume': async (s) => {
    await s.floor(OTHER);
    await s.run({ type: 'floor.pause' }, CHAIR);
    return {};
  },
  'floor:extend': async (s) => {
    await s.floor(OTHER);
    return { seconds: 60 };
  },
  'participant:mute': async () => ({ peerId: OTHER.id }),
  'participant:remove': async () => ({ peerId: OTHER.id, reason: '请离场' }),
  'comment:post': async () => ({ text: '赞成，建议尽快试点。', stance: 'support' }),
  'comment:react': async (s) => ({ commentId: await s.comment(OTHER), reaction: 'agree', on: true }),
  'comment:hide': async (s) => ({ commentId: await s.comment(OTHER), reason: '与本议题无关' }),
  'comments:page': async (s) => {
    await s.comment(OTHER);
    return { limit: 10 };
  },
  'minutes:setSummary': async (s) => ({ turnId: await s.floor(OTHER), text: '陈委员建议增加编制。' }),
  'minutes:setNotes': async () => ({ text: '会议由王主席主持。' }),
  'minutes:addConsensus': async () => ({ text: '同意试点教师轮岗。' }),
  'minutes:updateConsensus': async (s) => ({
    id: createdId(await s.run({ type: 'minutes.addConsensus', text: '初稿' }, SECRETARY)),
    text: '修订稿',
  }),
  'minutes:removeConsensus': async (s) => ({
    id: createdId(await s.run({ type: 'minutes.addConsensus', text: '初稿' }, SECRETARY)),
  }),
  'minutes:addAction': async () => ({ title: '制定补充方案', ownerUnit: '市教育局', dueDate: '2025-06-30' }),
  'minutes:updateAction': async (s) => ({
    id: createdId(await s.run({ type: 'minutes.addAction', title: '制定补充方案', ownerUnit: '市教育局' }, SECRETARY)),
    status: 'in_progress',
  }),
  'minutes:removeAction': async (s) => ({
    id: createdId(await s.run({ type: 'minutes.addAction', title: '制定补充方案', ownerUnit: '市教育局' }, SECRETARY)),
  }),
  'minutes:promoteComment': async (s) => ({ commentId: await s.comment(OTHER) }),
  'minutes:submit': async () => ({}),
  'minutes:finalize': async (s) => {
    await s.run({ type: 'minutes.submit' }, SECRETARY);
    return {};
  },
  'minutes:reopen': async (s) => {
    await s.run({ type: 'minutes.submit' }, SECRETARY);
    return {};
  },
  'site:headcount': async () => ({ count: 30 }),
  // The acting site holds the floor when it may name a speaker at all; otherwise someone else does.
  'site:speaker': async (s) => {
    await s.floor(s.role === 'site' ? s.self : OTHER);
    return { name: '村民代表 王某' };
  },
  'poll:open': async () => ({ question: '是否同意在水口村试点？', anonymous: false }),
  'poll:answer': async (s) => ({ pollId: await s.poll(), option: 0 }),
  'poll:siteCounts': async (s) => {
    const pollId = await s.poll();
    if (s.role === 'site') await s.run({ type: 'site.reportHeadcount', count: 30 }, s.self);
    return { pollId, counts: [20, 5, 5] };
  },
  'poll:close': async (s) => ({ pollId: await s.poll() }),
};

const REQUESTS = Object.keys(ConsultationRequestSchemas) as ConsultationRequestName[];

/** Sends a request whose payload type is only known at run time. */
function send(client: TestClient, name: ConsultationRequestName, payload: unknown) {
  return client.request(name, payload as RequestPayload<typeof name>);
}

async function sessionVersion(client: TestClient): Promise<number> {
  return (await client.call('session:snapshot', {})).session.version;
}

describe('the permission matrix', () => {
  it('has a scenario and a command for every consultation request', () => {
    for (const name of REQUESTS) {
      expect(SCENARIOS[name], name).toBeTypeOf('function');
      expect(COMMAND_OF, name).toHaveProperty([name]);
    }
    // Sanity of the table itself: everyone reads, nobody but the chair runs the floor.
    expect(allowedRoles('session:snapshot')).toEqual([...ROLES]);
    expect(allowedRoles('floor:grant')).toEqual(['chair']);
    expect(allowedRoles('participant:mute')).toEqual(['chair']);
  });

  it('agrees with docs/domain.md, "Who may issue what"', () => {
    const spec = permissionsInDomainDoc();
    expect(Object.keys(spec).sort()).toEqual([...REQUESTS].sort());
    for (const name of REQUESTS) expect([...allowedRoles(name)].sort(), name).toEqual([...(spec[name] ?? [])].sort());
  });

  const cases = REQUESTS.flatMap((name) =>
    ROLES.map((role) => ({ name, role, allowed: allowedRoles(name).includes(role) })),
  );

  it.each(cases)('$name by $role: allowed=$allowed', async ({ name, role, allowed }) => {
    const s = await arrange(role);
    const payload = await SCENARIOS[name](s);
    const version = await sessionVersion(s.client);
    expect(version).toBe(server.sessions.current(s.roomId).version);
    const state = structuredClone(server.sessions.current(s.roomId).state);
    const mediaCalls = s.media.calls.length;

    const ack = await send(s.client, name, payload);

    if (!allowed) {
      expect(ack).toEqual({ ok: false, error: { code: 'NOT_ALLOWED', message: expect.any(String) } });
      expect(await sessionVersion(s.client)).toBe(version);
      expect(server.sessions.current(s.roomId).state).toEqual(state);
      expect(s.media.calls.slice(mediaCalls)).toEqual([]);
      return;
    }
    if (!ack.ok) throw new Error(`${name} by ${role} was refused: ${ack.error.code} ${ack.error.message}`);
    const command = COMMAND_OF[name];
    if (command !== null) {
      // It really ran: the session moved on, and the ack says to which version.
      expect(ack.data).toMatchObject({ version: expect.any(Number) });
      const after = server.sessions.current(s.roomId).version;
      expect(after).toBeGreaterThan(version);
      expect((ack.data as { version: number }).version).toBe(after);
    } else if (name === 'participant:mute') {
      expect(ack.data).toEqual({ version });
      expect(s.media.calls.slice(mediaCalls)).toContainEqual({ method: 'muteMic', args: [OTHER.id] });
    } else if (name === 'comments:page') {
      expect(ack.data).toEqual({
        comments: [expect.objectContaining({ author: expect.objectContaining({ id: OTHER.id }) })],
        hasMore: false,
      });
    } else {
      expect(ack.data).toMatchObject({ session: { version } });
    }
  });
});

describe('finer rules that also answer NOT_ALLOWED', () => {
  /** Sends `name` and expects NOT_ALLOWED with the session exactly as it was. */
  async function refused<K extends ConsultationRequestName>(s: Stage, name: K, payload: RequestInput<K>) {
    const version = await sessionVersion(s.client);
    const state = structuredClone(server.sessions.current(s.roomId).state);
    const ack = await send(s.client, name, payload);
    expect(ack).toEqual({ ok: false, error: { code: 'NOT_ALLOWED', message: expect.any(String) } });
    expect(await sessionVersion(s.client)).toBe(version);
    expect(server.sessions.current(s.roomId).state).toEqual(state);
    return ack;
  }

  it('observers may not comment or react unless the chair allows it', async () => {
    const s = await arrange('observer');
    await s.run({ type: 'settings.update', settings: { observersMayComment: false } }, CHAIR);
    const commentId = await s.comment(OTHER);
    await refused(s, 'comment:post', { text: '旁听意见' });
    await refused(s, 'comment:react', { commentId, reaction: 'applause', on: true });
    await s.run({ type: 'settings.update', settings: { observersMayComment: true } }, CHAIR);
    expect((await s.client.request('comment:post', { text: '旁听意见' })).ok).toBe(true);
  });

  it('a member may withdraw only their own request', async () => {
    const s = await arrange('member');
    const entryId = await s.entry(OTHER);
    const ack = await refused(s, 'queue:withdraw', { entryId });
    expect(ack).toMatchObject({ error: { message: 'you can only withdraw your own request' } });
  });

  it('a member who does not hold the floor cannot yield it (a rule, not a permission)', async () => {
    const s = await arrange('member');
    await s.floor(OTHER);
    const ack = await s.client.request('floor:yield', {});
    expect(ack).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});

/** The table between the permissions markers of docs/domain.md: request → roles marked ✓. */
function permissionsInDomainDoc(): Record<string, Role[]> {
  const doc = readFileSync(new URL('../../docs/domain.md', import.meta.url), 'utf8');
  const table = doc.split('<!-- permissions:start -->')[1]?.split('<!-- permissions:end -->')[0] ?? '';
  const [header, , ...rows] = table.trim().split('\n');
  const roles = (header ?? '')
    .split('|')
    .slice(2, -1)
    .map((cell) => cell.trim() as Role);
  return Object.fromEntries(
    rows.map((row) => {
      const [name = '', ...marks] = row
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      return [name.replaceAll('`', ''), roles.filter((_, i) => marks[i] === '✓')];
    }),
  );
}
