import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AppError,
  decideLedger,
  type ErrorCode,
  evolveLedger,
  isOverdue,
  LEDGER_PERMISSIONS,
  LEDGER_STATUSES,
  LEDGER_TRANSITIONS,
  type LedgerAction,
  type LedgerActor,
  type LedgerCommand,
  type LedgerCommandType,
  type LedgerEvent,
  type LedgerItem,
  type LedgerStatus,
  ledgerActions,
  mayView,
  replayLedger,
} from '@yishi/shared';
import { FakeClock, testContext } from '../../support/domain.js';

/**
 * The outcome ledger's rules (shared/src/ledger): the workflow registered → assigned → in progress
 * → answered → evaluated → closed (and returned), who may do what, and that the events are a
 * complete audit trail — every one names its actor, the item is the fold of them, and a closed
 * item never changes.
 */

const office: LedgerActor = { id: 'office', name: '委员会办公室', role: 'secretary' };
const organiser: LedgerActor = { id: 'organiser', name: 'organiser', role: 'organiser' };
const chair: LedgerActor = { id: 'u-chair', name: '王主席', role: 'chair' };
const lead: LedgerActor = { id: 'u-jyj', name: '刘科长', role: 'unit', unit: '县教育局' };
const co: LedgerActor = { id: 'u-jtj', name: '陈科长', role: 'unit', unit: '县交通运输局' };
const otherUnit: LedgerActor = { id: 'u-wjw', name: '周科长', role: 'unit', unit: '县卫健委' };
const zhang: LedgerActor = { id: 'u-zhang', name: '张委员', role: 'member' };
const chen: LedgerActor = { id: 'u-chen', name: '陈委员', role: 'member' };
const stranger: LedgerActor = { id: 'u-li', name: '李委员', role: 'member' };
const system: LedgerActor = { id: 'system', name: 'system', role: 'system' };
const ACTORS = [office, organiser, chair, lead, co, otherUnit, zhang, chen, stranger, system];

const person = (a: LedgerActor) => ({ id: a.id, name: a.name, role: 'member' as const });

const REGISTER: LedgerCommand = {
  type: 'ledger.register',
  title: '乡村学校校车线路不足',
  description: '部分村组学生上学需步行 5 公里以上',
  category: '教育',
  source: { kind: 'action', sessionId: 'topic-1', refId: 'act-1', minutesVersion: 1, agendaItemId: 'ag-2' },
  topicId: 'topic-1',
  dueDate: '2026-03-31',
  raisedBy: [person(zhang), person(chen)],
};

/** One item under test: its state and stream; `run` must succeed, `refuse` must fail and change nothing. */
class Rig {
  readonly clock = new FakeClock();
  readonly ctx = testContext(this.clock);
  item: LedgerItem | null = null;
  readonly log: LedgerEvent[] = [];

  run(command: LedgerCommand, actor: LedgerActor): this {
    const events = decideLedger(this.item, command, actor, this.ctx);
    for (const event of events) this.item = evolveLedger(this.item, event);
    this.log.push(...events);
    this.clock.advance(60_000);
    return this;
  }

  refuse(command: LedgerCommand, actor: LedgerActor, code: ErrorCode): void {
    const before = structuredClone(this.item);
    let caught: unknown;
    try {
      decideLedger(this.item, command, actor, this.ctx);
    } catch (error) {
      caught = error;
    }
    expect(caught, `${command.type} by ${actor.id} should be refused`).toBeInstanceOf(AppError);
    expect((caught as AppError).code, (caught as AppError).message).toBe(code);
    expect(this.item).toEqual(before);
  }

  get status(): LedgerStatus | undefined {
    return this.item?.status;
  }
}

const assign: LedgerCommand = { type: 'ledger.assign', leadUnit: '县教育局', coUnits: ['县交通运输局'] };
const answer: LedgerCommand = { type: 'ledger.answer', text: '已新增两条校车线路，覆盖 6 个村组。' };
const rate = (rating: 'satisfied' | 'basically_satisfied' | 'unsatisfied'): LedgerCommand => ({
  type: 'ledger.evaluate',
  rating,
  comment: rating === 'unsatisfied' ? '线路仍未覆盖高山村' : '',
});

/** An item brought to `status` by the usual path. */
function itemIn(status: LedgerStatus): Rig {
  const rig = new Rig().run(REGISTER, office);
  const path: Array<[LedgerCommand, LedgerActor]> = {
    registered: [],
    assigned: [[assign, office]],
    in_progress: [
      [assign, office],
      [{ type: 'ledger.start' }, lead],
    ],
    answered: [
      [assign, office],
      [{ type: 'ledger.start' }, lead],
      [answer, lead],
    ],
    evaluated: [
      [assign, office],
      [{ type: 'ledger.start' }, lead],
      [answer, lead],
      [rate('satisfied'), zhang],
      [rate('basically_satisfied'), chen],
    ],
    closed: [
      [assign, office],
      [{ type: 'ledger.start' }, lead],
      [answer, lead],
      [rate('satisfied'), zhang],
      [rate('satisfied'), chen],
      [{ type: 'ledger.close' }, office],
    ],
    returned: [
      [assign, office],
      [{ type: 'ledger.return', reason: '校车由交通运输局统筹' }, lead],
    ],
  }[status] as Array<[LedgerCommand, LedgerActor]>;
  for (const [command, actor] of path) rig.run(command, actor);
  expect(rig.status).toBe(status);
  return rig;
}

/** A command of every type, valid in shape, and an actor allowed to issue it on an item of itemIn(). */
const SAMPLES: Record<LedgerCommandType, [LedgerCommand, LedgerActor]> = {
  'ledger.register': [REGISTER, office],
  'ledger.assign': [assign, office],
  'ledger.start': [{ type: 'ledger.start' }, lead],
  'ledger.update': [{ type: 'ledger.update', text: '已完成线路勘察' }, co],
  'ledger.answer': [answer, lead],
  'ledger.return': [{ type: 'ledger.return', reason: '不属本单位职责' }, lead],
  'ledger.evaluate': [rate('satisfied'), zhang],
  'ledger.close': [{ type: 'ledger.close' }, office],
  'ledger.convert': [{ type: 'ledger.convert', kind: 'proposal', reference: '提案第 0137 号' }, office],
};

describe('the ledger workflow', () => {
  it('follows an item from the minutes to closed, every change on the record', () => {
    const rig = itemIn('registered');
    expect(rig.item).toMatchObject({
      title: REGISTER.type === 'ledger.register' && REGISTER.title,
      status: 'registered',
    });
    rig.run(assign, office);
    rig.run({ type: 'ledger.update', text: '已与交通运输局现场勘察' }, co);
    rig.run({ type: 'ledger.start' }, lead);
    rig.run(answer, lead);
    rig.run(rate('unsatisfied'), zhang);
    // 不满意 reopens it for a second answer.
    expect(rig.status).toBe('in_progress');
    rig.run({ type: 'ledger.answer', text: '高山村线路于下学期开通。' }, lead);
    rig.run(rate('satisfied'), zhang);
    expect(rig.status).toBe('answered'); // chen has not rated yet
    rig.run(rate('basically_satisfied'), chen);
    expect(rig.status).toBe('evaluated');
    rig.run({ type: 'ledger.convert', kind: 'proposal', reference: '提案第 0137 号' }, office);
    rig.run({ type: 'ledger.close' }, office);
    expect(rig.item).toMatchObject({
      status: 'closed',
      leadUnit: '县教育局',
      coUnits: ['县交通运输局'],
      conversion: { kind: 'proposal', reference: '提案第 0137 号' },
    });
    expect(rig.item?.answers.map((a) => a.unit)).toEqual(['县教育局', '县教育局']);
    expect(rig.item?.evaluations.map((e) => [e.by, e.rating, e.answer])).toEqual([
      ['u-zhang', 'unsatisfied', 1],
      ['u-zhang', 'satisfied', 2],
      ['u-chen', 'basically_satisfied', 2],
    ]);
    expect(rig.log.map((e) => [e.type, e.data.by])).toEqual([
      ['ledger.registered', 'office'],
      ['ledger.assigned', 'office'],
      ['ledger.updated', 'u-jtj'],
      ['ledger.started', 'u-jyj'],
      ['ledger.answered', 'u-jyj'],
      ['ledger.evaluated', 'u-zhang'],
      ['ledger.answered', 'u-jyj'],
      ['ledger.evaluated', 'u-zhang'],
      ['ledger.evaluated', 'u-chen'],
      ['ledger.converted', 'office'],
      ['ledger.closed', 'office'],
    ]);
    expect(replayLedger(rig.log)).toEqual(rig.item);
  });

  it('lets a unit return an item that is not theirs, with a reason, for the office to reassign', () => {
    const rig = itemIn('returned');
    expect(rig.item?.returnedReason).toBe('校车由交通运输局统筹');
    rig.run({ type: 'ledger.assign', leadUnit: '县交通运输局', coUnits: [] }, office);
    expect(rig.item).toMatchObject({ status: 'assigned', leadUnit: '县交通运输局', returnedReason: null });
  });

  it.each(LEDGER_STATUSES.flatMap((status) => Object.keys(SAMPLES).map((type) => [status, type] as const)))(
    'in status %s, %s is allowed only where the workflow says',
    (status, type) => {
      const rig = itemIn(status);
      const [command, actor] = SAMPLES[type as LedgerCommandType];
      // An answered item that members raised waits for their rating before it is closed.
      const waitsForRating = type === 'ledger.close' && status === 'answered';
      const allowed =
        type !== 'ledger.register' && LEDGER_TRANSITIONS[type as 'ledger.assign'].includes(status) && !waitsForRating;
      if (allowed) rig.run(command, actor);
      else rig.refuse(command, actor, 'CONFLICT');
    },
  );

  it('is refused by every role the permission table leaves out, whatever the status', () => {
    for (const [type, [command]] of Object.entries(SAMPLES)) {
      for (const actor of ACTORS) {
        if (LEDGER_PERMISSIONS[type as LedgerCommandType].includes(actor.role)) continue;
        itemIn('answered').refuse(command, actor, 'NOT_ALLOWED');
      }
    }
  });

  it('lets a unit act only on its own items, and only the lead unit answer', () => {
    const rig = itemIn('in_progress');
    rig.refuse({ type: 'ledger.update', text: '进展' }, otherUnit, 'NOT_ALLOWED');
    rig.refuse(answer, co, 'NOT_ALLOWED');
    rig.refuse({ type: 'ledger.return', reason: '不是我们' }, co, 'NOT_ALLOWED');
    rig.run({ type: 'ledger.update', text: '协助勘察' }, co);
    expect(mayView(rig.item as LedgerItem, lead)).toBe(true);
    expect(mayView(rig.item as LedgerItem, co)).toBe(true);
    expect(mayView(rig.item as LedgerItem, otherUnit)).toBe(false);
  });

  it('lets only the members who raised an item rate its answer, once per answer', () => {
    const rig = itemIn('answered');
    rig.refuse(rate('satisfied'), stranger, 'NOT_ALLOWED');
    rig.run(rate('satisfied'), zhang);
    rig.refuse(rate('unsatisfied'), zhang, 'CONFLICT');
    expect(mayView(rig.item as LedgerItem, zhang)).toBe(true);
    expect(mayView(rig.item as LedgerItem, stranger)).toBe(false);
    // The office closes only once they have rated.
    rig.refuse({ type: 'ledger.close' }, office, 'CONFLICT');
  });

  it('closes an answered item nobody raised (a consensus point), there being nobody to rate it', () => {
    const rig = new Rig().run({ ...REGISTER, raisedBy: [] } as LedgerCommand, system);
    rig.run(assign, office).run(answer, lead).run({ type: 'ledger.close' }, office);
    expect(rig.status).toBe('closed');
  });

  it('takes a member’s own submission, and nothing in another’s name', () => {
    const submission: LedgerCommand = {
      type: 'ledger.register',
      title: '村口路灯损坏',
      description: '',
      category: '城乡建设',
      source: { kind: 'submission' },
      topicId: 'topic-1',
      raisedBy: [person(zhang)],
    };
    new Rig().run(submission, zhang);
    new Rig().refuse(submission, chen, 'NOT_ALLOWED');
    new Rig().refuse(REGISTER, zhang, 'NOT_ALLOWED');
  });

  it('refuses empty texts and malformed dates, and knows an overdue item', () => {
    const rig = itemIn('assigned');
    rig.refuse({ type: 'ledger.update', text: '   ' }, lead, 'INVALID_REQUEST');
    rig.refuse(
      { type: 'ledger.assign', leadUnit: '县教育局', coUnits: [], dueDate: '31/03/2026' },
      office,
      'INVALID_REQUEST',
    );
    const item = rig.item as LedgerItem;
    expect(isOverdue(item, '2026-03-31')).toBe(false);
    expect(isOverdue(item, '2026-04-01')).toBe(true);
    expect(isOverdue(itemIn('answered').item as LedgerItem, '2026-04-01')).toBe(false);
  });
});

describe('the ledger’s audit trail (property)', () => {
  const commandArb = fc.constantFrom(
    ...(Object.values(SAMPLES).map(([c]) => c) as LedgerCommand[]),
    rate('unsatisfied'),
  );
  const actorArb = fc.constantFrom(...ACTORS);

  it('whatever is asked by whoever: every event names its actor, the item is their fold, a closed item never changes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(commandArb, actorArb), { maxLength: 60 }), (steps) => {
        const rig = new Rig();
        for (const [command, actor] of steps) {
          const closed = rig.status === 'closed' ? structuredClone(rig.item) : undefined;
          const before = rig.log.length;
          try {
            rig.run(command, actor);
          } catch (error) {
            expect(error).toBeInstanceOf(AppError);
          }
          if (closed) expect(rig.item).toEqual(closed);
          // Each change names who made it: id, name, role and, for a unit, the unit.
          for (const event of rig.log.slice(before)) {
            expect(event.data).toMatchObject({ by: actor.id, byName: actor.name, byRole: actor.role });
            expect(event.data.byUnit).toBe(actor.unit);
          }
        }
        for (const event of rig.log) expect(event.data.by).toMatch(/\S/);
        expect(replayLedger(rig.log)).toEqual(rig.item);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the steps each viewer is offered (ledgerActions)', () => {
  const offered = (rig: Rig, actors: LedgerActor[]) =>
    Object.fromEntries(actors.map((a) => [a.id, ledgerActions(rig.item as LedgerItem, a)]));
  const none: LedgerAction[] = [];

  it('offers each role the steps of its part at each stage, and nothing that would be refused', () => {
    expect(offered(itemIn('registered'), [office, organiser, chair, lead, zhang, system])).toEqual({
      office: ['assign', 'convert'],
      organiser: ['assign', 'convert'],
      'u-chair': none,
      'u-jyj': none,
      'u-zhang': none,
      system: ['assign'],
    });
    expect(offered(itemIn('assigned'), [office, lead, co, otherUnit, zhang])).toEqual({
      office: ['assign', 'convert'],
      'u-jyj': ['start', 'update', 'answer', 'return'],
      'u-jtj': ['update'],
      'u-wjw': none,
      'u-zhang': none,
    });
    expect(offered(itemIn('in_progress'), [office, lead, co])).toEqual({
      office: ['convert'],
      'u-jyj': ['update', 'answer', 'return'],
      'u-jtj': ['update'],
    });
    // Answered: the members who raised it rate it, once each; it is not closed before they have.
    const answered = itemIn('answered');
    expect(offered(answered, [office, lead, zhang, chen, stranger])).toEqual({
      office: ['convert'],
      'u-jyj': none,
      'u-zhang': ['evaluate'],
      'u-chen': ['evaluate'],
      'u-li': none,
    });
    answered.run(rate('satisfied'), zhang);
    expect(offered(answered, [zhang, chen])).toEqual({ 'u-zhang': none, 'u-chen': ['evaluate'] });
    // Converted once; closed once rated.
    const evaluated = itemIn('evaluated');
    expect(ledgerActions(evaluated.item as LedgerItem, office)).toEqual(['close', 'convert']);
    evaluated.run({ type: 'ledger.convert', kind: 'solved_on_site', reference: '' }, office);
    expect(ledgerActions(evaluated.item as LedgerItem, office)).toEqual(['close']);
    expect(offered(itemIn('returned'), [office, lead])).toEqual({ office: ['assign', 'convert'], 'u-jyj': none });
    expect(offered(itemIn('closed'), ACTORS).office).toEqual(none);
    for (const actor of ACTORS) expect(ledgerActions(itemIn('closed').item as LedgerItem, actor)).toEqual(none);
  });

  it('offers a step exactly when the rules accept it, for every status and viewer', () => {
    const steps: Record<LedgerAction, LedgerCommand> = {
      assign,
      start: { type: 'ledger.start' },
      update: { type: 'ledger.update', text: '进展' },
      answer,
      return: { type: 'ledger.return', reason: '理由' },
      evaluate: rate('basically_satisfied'),
      close: { type: 'ledger.close' },
      convert: { type: 'ledger.convert', kind: 'public_opinion', reference: '第 3 期' },
    };
    for (const status of LEDGER_STATUSES) {
      const rig = itemIn(status);
      for (const actor of ACTORS) {
        const allowed = ledgerActions(rig.item as LedgerItem, actor);
        for (const [step, command] of Object.entries(steps) as Array<[LedgerAction, LedgerCommand]>) {
          let accepted = true;
          try {
            decideLedger(rig.item, command, actor, rig.ctx);
          } catch {
            accepted = false;
          }
          expect(allowed.includes(step), `${step} by ${actor.id} on ${status}`).toBe(accepted);
        }
      }
    }
  });
});
