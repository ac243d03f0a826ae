import {
  type Actor,
  AppError,
  applyCommand,
  type Command,
  type Context,
  type DomainEvent,
  type ErrorCode,
  emptyState,
  type Person,
  type RoomState,
  type SettingsPatch,
  type Turn,
} from '@yishi/shared';
import fc from 'fast-check';
import { expect } from 'vitest';

/**
 * Fixtures for the domain reducer: a deterministic context (a fake clock that only moves when a
 * test advances it, ids from a counter), one actor per role, and a `Room` that runs commands,
 * keeps the event log and checks that refused commands change nothing.
 */

/** 2025-03-05 09:00 in Asia/Shanghai: a plausible session start. */
export const T0 = Date.UTC(2025, 2, 5, 1, 0, 0);
export const ROOM_ID = 'topic-1';

export class FakeClock {
  constructor(public now: number = T0) {}
  advance(ms: number): number {
    this.now += ms;
    return this.now;
  }
}

/** A Context whose `now` reads the fake clock and whose ids count up: id-1, id-2, … */
export function testContext(
  clock: FakeClock = new FakeClock(),
  prefix = 'id',
): Context & { readonly clock: FakeClock } {
  let n = 0;
  return {
    clock,
    get now() {
      return clock.now;
    },
    newId: () => `${prefix}-${++n}`,
  };
}

export const chair: Actor = { id: 'u-chair', name: '王主席', role: 'chair', sector: '中共' };
export const secretary: Actor = { id: 'u-sec', name: '李秘书', role: 'secretary' };
export const member1: Actor = { id: 'u-m1', name: '张委员', role: 'member', sector: '经济界' };
export const member2: Actor = { id: 'u-m2', name: '陈委员', role: 'member', sector: '教育界' };
export const member3: Actor = { id: 'u-m3', name: '赵委员', role: 'member', sector: '农业界' };
export const guest: Actor = { id: 'u-guest', name: '刘处长', role: 'guest', sector: '承办单位' };
export const observer: Actor = { id: 'u-obs', name: '孙旁听', role: 'observer' };
/** A handling unit's representative invited into the session: named by their unit first, as a room shows them. */
export const unitRep: Actor = {
  id: 'u-unit',
  name: '发展和改革委员会 · 张处长',
  role: 'unit',
  unit: '发展和改革委员会',
};
/** A site (坝坝会): one device in a village square, named by its place, run by an operator. */
export const site: Actor = { id: 'u-site', name: '威远县向义镇水口村', role: 'site' };
export const organiser: Actor = { id: 'u-org', name: '政协办公厅', role: 'organiser' };
export const system: Actor = { id: 'system', name: 'server', role: 'system' };

/** The participants of the standard room (everyone with a role from a token). */
export const PARTICIPANTS: readonly Actor[] = [chair, secretary, member1, member2, member3, guest, observer];
/** One actor for every role an Actor can have. */
export const ACTORS_BY_ROLE: Record<Actor['role'], Actor> = {
  chair,
  secretary,
  member: member1,
  guest,
  unit: unitRep,
  site,
  observer,
  organiser,
  system,
};
export const ALL_ROLES = Object.keys(ACTORS_BY_ROLE) as Actor['role'][];

export function personOf(actor: Actor): Person {
  if (actor.role === 'organiser' || actor.role === 'system') throw new Error(`${actor.role} is not a person`);
  return {
    id: actor.id,
    name: actor.name,
    role: actor.role,
    ...(actor.sector ? { sector: actor.sector } : {}),
    ...(actor.unit ? { unit: actor.unit } : {}),
  };
}

export type CreateTopic = Extract<Command, { type: 'topic.create' }>;

/** The reconnect grace the tests' rooms have (the server's default). */
export const GRACE_MS = 30_000;

/** `actor` joins, as the server records it. */
export function joinCommand(actor: Actor): Extract<Command, { type: 'participant.join' }> {
  return { type: 'participant.join', person: personOf(actor), resumeWithinMs: GRACE_MS };
}

export function createTopicCommand(options: { settings?: SettingsPatch; agenda?: string[] } = {}): CreateTopic {
  return {
    type: 'topic.create',
    id: ROOM_ID,
    fields: {
      title: '关于加快发展乡村养老服务的建议',
      background: '农村老龄化程度高于城镇。',
      materials: [{ title: '调研报告', url: 'https://example.org/report.pdf' }],
      sectors: ['农业界', '社会福利界'],
      proposalNumber: '2025-0123',
      organiser: '提案委员会',
    },
    agenda: (options.agenda ?? ['通报情况', '委员发言', '承办单位回应']).map((title) => ({ title })),
    ...(options.settings ? { settings: options.settings } : {}),
  };
}

/**
 * A room under test: its state, its event log and its clock. `run` applies a command that must
 * succeed; `refuse` one that must fail with a given code (and checks nothing changed).
 */
export class Room {
  readonly clock: FakeClock;
  readonly ctx: Context & { readonly clock: FakeClock };
  readonly state: RoomState;
  readonly log: DomainEvent[] = [];

  constructor(state: RoomState = emptyState(ROOM_ID), clock: FakeClock = new FakeClock()) {
    this.clock = clock;
    this.ctx = testContext(clock);
    this.state = state;
  }

  advance(ms: number): this {
    this.clock.advance(ms);
    return this;
  }

  get now(): number {
    return this.clock.now;
  }

  /** Applies `command` to the state (in place); returns its events. Throws (failing the test) on a refusal. */
  run(command: Command, actor: Actor): DomainEvent[] {
    const events = applyCommand(this.state, command, actor, this.ctx);
    this.log.push(...events);
    return events;
  }

  /** Tries `command`; on success applies it like `run`, on an AppError leaves the room as it was. */
  attempt(command: Command, actor: Actor): { ok: true; events: DomainEvent[] } | { ok: false; error: AppError } {
    try {
      return { ok: true, events: this.run(command, actor) };
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error };
      throw error;
    }
  }

  /** Expects `command` to be refused with `code`, leaving state and log untouched. */
  refuse(command: Command, actor: Actor, code: ErrorCode): AppError {
    const before = structuredClone(this.state);
    const logLength = this.log.length;
    let caught: unknown;
    try {
      applyCommand(this.state, command, actor, this.ctx);
    } catch (error) {
      caught = error;
    }
    expect(caught, `${command.type} by ${actor.role} should be refused with ${code}`).toBeInstanceOf(AppError);
    expect((caught as AppError).code, (caught as AppError).message).toBe(code);
    expect(this.state).toEqual(before);
    expect(this.log.length).toBe(logLength);
    return caught as AppError;
  }

  // ——— conveniences ———

  join(...actors: Actor[]): this {
    for (const actor of actors) this.run(joinCommand(actor), system);
    return this;
  }

  /** `actor` asks for the floor; returns the new entry's id. */
  request(actor: Actor, kind: 'point_of_order' | 'reply' | 'contribution' = 'contribution'): string {
    const [event] = this.run({ type: 'queue.request', kind }, actor);
    if (event?.type !== 'queue.entryAdded') throw new Error(`expected queue.entryAdded, got ${event?.type}`);
    return event.data.entry.id;
  }

  /** The chair grants the floor (to `entryId`, else the head of the queue); returns the new turn. */
  grant(entryId?: string): Turn {
    const events = this.run({ type: 'floor.grant', ...(entryId ? { entryId } : {}) }, chair);
    const started = events.find((e) => e.type === 'turn.started');
    if (started?.type !== 'turn.started') throw new Error('no turn started');
    return this.turn(started.data.turn.id);
  }

  turn(id: string): Turn {
    const turn = this.state.turns.find((t) => t.id === id);
    if (!turn) throw new Error(`no turn ${id}`);
    return turn;
  }

  get current(): Turn | undefined {
    return this.state.turns.find((t) => t.id === this.state.currentTurnId);
  }

  /** Speaker ids of the waiting queue, in order, with their kinds. */
  queueOrder(): string[] {
    return this.state.queue.map((e) => `${e.speaker.id}:${e.kind}`);
  }
}

export interface RoomOptions {
  settings?: SettingsPatch;
  agenda?: string[];
  /** Who joins (default: every participant). */
  join?: readonly Actor[];
  /** 'created' (topic only), 'open' (lobby, default), 'in_progress' (started), 'agenda' (first agenda item open). */
  stage?: 'created' | 'open' | 'in_progress' | 'agenda';
}

/** A room with its topic created and, by default, its session open and everyone joined. */
export function openRoom(options: RoomOptions = {}): Room {
  const room = new Room();
  room.run(createTopicCommand(options), organiser);
  const stage = options.stage ?? 'open';
  if (stage === 'created') return room;
  room.advance(1000);
  room.run({ type: 'session.open' }, organiser);
  room.join(...(options.join ?? PARTICIPANTS));
  if (stage === 'in_progress') room.run({ type: 'session.start' }, chair);
  if (stage === 'agenda') room.run({ type: 'agenda.open', itemId: room.state.agenda[1]!.id }, chair);
  return room;
}

/** A command of every type, valid in shape, for tables that iterate all command types. */
export function sampleCommand(type: Command['type'], state: RoomState): Command {
  const anyEntry = state.queue[0]?.id ?? 'no-entry';
  const anyComment = state.comments[0]?.id ?? 'no-comment';
  const commands: { [T in Command['type']]: Extract<Command, { type: T }> } = {
    'topic.create': createTopicCommand(),
    'topic.update': { type: 'topic.update', fields: { title: '新标题' } },
    'topic.archive': { type: 'topic.archive' },
    'session.schedule': { type: 'session.schedule', scheduledAt: T0 + 86_400_000 },
    'session.open': { type: 'session.open' },
    'session.start': { type: 'session.start' },
    'session.adjourn': { type: 'session.adjourn' },
    'session.resume': { type: 'session.resume' },
    'session.close': { type: 'session.close' },
    'settings.update': { type: 'settings.update', settings: { graceSeconds: 5 } },
    'agenda.open': { type: 'agenda.open', itemId: state.agenda[0]?.id ?? 'no-item' },
    'participant.join': joinCommand(member1),
    'participant.leave': { type: 'participant.leave', personId: member1.id },
    'participant.remove': { type: 'participant.remove', personId: member3.id, reason: '扰乱会场秩序' },
    'invitation.issue': { type: 'invitation.issue', invitee: personOf(member1), expiresAt: T0 + 86_400_000 },
    'queue.request': { type: 'queue.request', kind: 'contribution' },
    'queue.withdraw': { type: 'queue.withdraw', entryId: anyEntry },
    'queue.add': { type: 'queue.add', speakerId: member2.id, kind: 'contribution' },
    'queue.move': { type: 'queue.move', entryId: anyEntry, toIndex: 0 },
    'queue.remove': { type: 'queue.remove', entryId: anyEntry },
    'queue.setClosed': { type: 'queue.setClosed', closed: true },
    'queue.clear': { type: 'queue.clear' },
    'floor.grant': { type: 'floor.grant' },
    'floor.end': { type: 'floor.end' },
    'floor.yield': { type: 'floor.yield' },
    'floor.pause': { type: 'floor.pause' },
    'floor.resume': { type: 'floor.resume' },
    'floor.extend': { type: 'floor.extend', seconds: 30 },
    'clock.tick': { type: 'clock.tick' },
    'comment.post': { type: 'comment.post', text: '同意' },
    'comment.react': { type: 'comment.react', commentId: anyComment, reaction: 'agree', on: true },
    'comment.hide': { type: 'comment.hide', commentId: anyComment, reason: '离题' },
    'minutes.setSummary': { type: 'minutes.setSummary', turnId: state.turns[0]?.id ?? 'no-turn', text: '摘要' },
    'minutes.setNotes': { type: 'minutes.setNotes', text: '备注' },
    'minutes.addConsensus': { type: 'minutes.addConsensus', text: '共识' },
    'minutes.updateConsensus': { type: 'minutes.updateConsensus', id: 'no-point', text: '共识' },
    'minutes.removeConsensus': { type: 'minutes.removeConsensus', id: 'no-point' },
    'minutes.addAction': { type: 'minutes.addAction', title: '调研', ownerUnit: '民政局' },
    'minutes.updateAction': { type: 'minutes.updateAction', id: 'no-action', status: 'done' },
    'minutes.removeAction': { type: 'minutes.removeAction', id: 'no-action' },
    'minutes.promoteComment': { type: 'minutes.promoteComment', commentId: anyComment },
    'minutes.submit': { type: 'minutes.submit' },
    'minutes.finalize': { type: 'minutes.finalize', hash: 'a'.repeat(64), document: {} },
    'minutes.reopen': { type: 'minutes.reopen' },
    'site.reportHeadcount': { type: 'site.reportHeadcount', count: 30 },
    'site.nameSpeaker': { type: 'site.nameSpeaker', name: '村民代表 王某' },
    'poll.open': { type: 'poll.open', question: '是否同意试点？', anonymous: false },
    'poll.answer': { type: 'poll.answer', pollId: state.polls[0]?.id ?? 'no-poll', option: 0 },
    'poll.enterSiteCounts': {
      type: 'poll.enterSiteCounts',
      pollId: state.polls[0]?.id ?? 'no-poll',
      counts: [1, 0, 0],
    },
    'poll.close': { type: 'poll.close', pollId: state.polls[0]?.id ?? 'no-poll' },
  };
  return commands[type];
}

/** The pauses of a turn never overlap and at most the last one is open. */
export function pausesAreWellFormed(turn: Turn): boolean {
  return turn.pauses.every((p, i) => {
    const next = turn.pauses[i + 1];
    if (p.at < turn.startedAt) return false;
    if (p.until !== undefined && p.until < p.at) return false;
    if (next === undefined) return turn.endedAt === undefined || p.until !== undefined;
    return p.until !== undefined && next.at >= p.until;
  });
}

// ——— random command sequences (property tests, replay) ———

/** Operations a random step may perform; resolved against the room's state when it runs. */
export const QUEUE_FLOOR_OPS = [
  'request',
  'withdraw',
  'add',
  'remove',
  'clear',
  'grant',
  'grantPick',
  'end',
  'yield',
  'pause',
  'resume',
  'extend',
  'tick',
  'setClosed',
  'agenda',
  'adjourn',
  'resumeSession',
] as const;
export const OTHER_OPS = [
  'move',
  'fairness',
  'settings',
  'join',
  'leave',
  'comment',
  'react',
  'hide',
  'summary',
  'notes',
  'consensus',
  'action',
  'promote',
  'submit',
  'finalize',
  'reopen',
] as const;
export type Op = (typeof QUEUE_FLOOR_OPS)[number] | (typeof OTHER_OPS)[number];

/** How often each op comes up: enough requests and grants that turns, replies and pauses pile up. */
const OP_WEIGHTS: Partial<Record<Op, number>> = {
  request: 8,
  grant: 5,
  yield: 2,
  pause: 2,
  resume: 2,
  tick: 3,
  add: 2,
  withdraw: 2,
  clear: 0.5,
  agenda: 0.5,
  adjourn: 0.5,
  resumeSession: 1.5,
};

export interface Step {
  /** Milliseconds the clock moves before the command. */
  advance: number;
  op: Op;
  /** Picks an actor, an entry, a comment, a turn…: taken modulo what exists. */
  n: number;
  m: number;
  kind: 'point_of_order' | 'reply' | 'contribution';
  flag: boolean;
}

/** Who acts in random sequences: every participant (the observer's requests are refused). */
export const SPEAKERS: readonly Actor[] = PARTICIPANTS;

const pick = <T>(items: readonly T[], n: number): T | undefined => (items.length ? items[n % items.length] : undefined);

/** The command (and actor) a step stands for in `state`. */
export function stepCommand(step: Step, state: RoomState): { command: Command; actor: Actor } {
  const who = pick(SPEAKERS, step.n) as Actor;
  const entry = pick(state.queue, step.m)?.id ?? 'no-entry';
  const comment = pick(state.comments, step.m)?.id ?? 'no-comment';
  const turn = pick(state.turns, step.m)?.id ?? 'no-turn';
  const current = state.turns.find((t) => t.id === state.currentTurnId);
  switch (step.op) {
    case 'request':
      return { command: { type: 'queue.request', kind: step.kind }, actor: who };
    case 'withdraw': {
      // Mostly one's own entry; sometimes someone else's (refused).
      const own = state.queue.find((e) => e.speaker.id === who.id);
      return { command: { type: 'queue.withdraw', entryId: step.flag && own ? own.id : entry }, actor: who };
    }
    case 'add':
      return { command: { type: 'queue.add', speakerId: who.id, kind: step.kind }, actor: chair };
    case 'remove':
      return { command: { type: 'queue.remove', entryId: entry }, actor: chair };
    case 'clear':
      return { command: { type: 'queue.clear' }, actor: chair };
    case 'grant':
      return { command: { type: 'floor.grant' }, actor: chair };
    case 'grantPick':
      return { command: { type: 'floor.grant', entryId: entry }, actor: chair };
    case 'end':
      return { command: { type: 'floor.end' }, actor: chair };
    case 'yield': {
      const speaker = SPEAKERS.find((a) => a.id === current?.speaker.id);
      return { command: { type: 'floor.yield' }, actor: step.flag && speaker ? speaker : who };
    }
    case 'pause':
      return { command: { type: 'floor.pause' }, actor: chair };
    case 'resume':
      return { command: { type: 'floor.resume' }, actor: chair };
    case 'extend':
      return { command: { type: 'floor.extend', seconds: 10 + (step.m % 120) }, actor: chair };
    case 'tick':
      return { command: { type: 'clock.tick' }, actor: system };
    case 'setClosed':
      return {
        command: { type: 'queue.setClosed', closed: step.flag, pointsOfOrderBlocked: step.m % 3 === 0 },
        actor: chair,
      };
    case 'agenda':
      return { command: { type: 'agenda.open', itemId: pick(state.agenda, step.m)?.id ?? 'no-item' }, actor: chair };
    case 'adjourn':
      return { command: { type: 'session.adjourn' }, actor: chair };
    case 'resumeSession':
      return { command: { type: 'session.resume' }, actor: chair };
    case 'move':
      return {
        command: { type: 'queue.move', entryId: entry, toIndex: step.n % Math.max(1, state.queue.length) },
        actor: chair,
      };
    case 'fairness':
      return { command: { type: 'settings.update', settings: { fairness: step.flag } }, actor: chair };
    case 'settings':
      return {
        command: {
          type: 'settings.update',
          settings: {
            autoEnd: step.flag,
            graceSeconds: step.m % 30,
            mode: step.n % 2 ? 'open' : 'moderated',
            observersMayComment: step.m % 2 === 0,
            turnSeconds: { [step.kind]: 5 + (step.m % 200) },
          },
        },
        actor: chair,
      };
    case 'join':
      return { command: joinCommand(who), actor: system };
    case 'leave':
      return { command: { type: 'participant.leave', personId: who.id }, actor: system };
    case 'comment':
      return {
        command: {
          type: 'comment.post',
          text: step.flag ? `意见 ${step.m}` : '  ',
          ...(step.m % 3 === 0 && state.comments.length ? { replyTo: comment } : {}),
          ...(step.m % 4 === 1 ? { stance: 'oppose' as const } : {}),
        },
        actor: who,
      };
    case 'react':
      return {
        command: {
          type: 'comment.react',
          commentId: comment,
          reaction: step.n % 2 ? 'agree' : 'question',
          on: step.flag,
        },
        actor: who,
      };
    case 'hide':
      return {
        command: { type: 'comment.hide', commentId: comment, reason: '离题' },
        actor: step.flag ? chair : secretary,
      };
    case 'summary':
      return { command: { type: 'minutes.setSummary', turnId: turn, text: `摘要 ${step.n % 3}` }, actor: secretary };
    case 'notes':
      return { command: { type: 'minutes.setNotes', text: `备注 ${step.n % 3}` }, actor: secretary };
    case 'consensus': {
      const point = pick(state.minutes.consensus, step.m)?.id ?? 'no-point';
      const command: Command =
        step.n % 3 === 0
          ? { type: 'minutes.addConsensus', text: `共识 ${step.m}` }
          : step.n % 3 === 1
            ? { type: 'minutes.updateConsensus', id: point, text: `修改 ${step.m}` }
            : { type: 'minutes.removeConsensus', id: point };
      return { command, actor: secretary };
    }
    case 'action': {
      const action = pick(state.minutes.actions, step.m)?.id ?? 'no-action';
      const command: Command =
        step.n % 3 === 0
          ? {
              type: 'minutes.addAction',
              title: `事项 ${step.m}`,
              ownerUnit: '民政局',
              ...(step.flag ? { dueDate: '2025-12-31' } : {}),
            }
          : step.n % 3 === 1
            ? {
                type: 'minutes.updateAction',
                id: action,
                status: 'in_progress',
                dueDate: step.flag ? null : '2026-01-31',
              }
            : { type: 'minutes.removeAction', id: action };
      return { command, actor: secretary };
    }
    case 'promote':
      return { command: { type: 'minutes.promoteComment', commentId: comment }, actor: secretary };
    case 'submit':
      return { command: { type: 'minutes.submit' }, actor: secretary };
    case 'finalize':
      return {
        command: { type: 'minutes.finalize', hash: (step.m % 16).toString(16).repeat(64), document: { n: step.n } },
        actor: chair,
      };
    case 'reopen':
      return { command: { type: 'minutes.reopen' }, actor: step.flag ? chair : secretary };
  }
}

/** Random steps over `ops`: mostly small clock moves, sometimes a jump past any deadline. */
export function stepArbitrary(ops: readonly Op[]): fc.Arbitrary<Step> {
  return fc.record({
    advance: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0, max: 5_000 }) },
      { weight: 3, arbitrary: fc.integer({ min: 0, max: 120_000 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 600_000 }) },
    ),
    op: fc.oneof(...ops.map((op) => ({ weight: Math.round((OP_WEIGHTS[op] ?? 1) * 2), arbitrary: fc.constant(op) }))),
    n: fc.nat(1000),
    m: fc.nat(1000),
    kind: fc.constantFrom('point_of_order', 'reply', 'contribution'),
    flag: fc.boolean(),
  });
}

/** Sequences of `minLength`..`maxLength` random steps, lengths spread over the whole range. */
export function stepsArbitrary(ops: readonly Op[], minLength: number, maxLength: number): fc.Arbitrary<Step[]> {
  return fc.array(stepArbitrary(ops), { minLength, maxLength, size: 'max' });
}
