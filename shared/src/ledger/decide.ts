import type { Context } from '../domain/commands.js';
import { Conflict, Forbidden, InvalidRequest, NotFound } from '../errors.js';
import type { LedgerCommand } from './commands.js';
import type { By, LedgerEvent, LedgerEventBody } from './events.js';
import { LEDGER_PERMISSIONS, LEDGER_TRANSITIONS } from './permissions.js';
import type { LedgerActor, LedgerItem } from './types.js';

type Handler<T extends LedgerCommand['type']> = (
  item: LedgerItem,
  command: Extract<LedgerCommand, { type: T }>,
  actor: LedgerActor,
) => LedgerEventBody[];

/**
 * The ledger's rules: given an item (null before it is registered), who asks and what, the events
 * that follow (each at `ctx.now`, naming the actor) — or a typed error and no events. Pure.
 */
export function decideLedger(
  item: LedgerItem | null,
  command: LedgerCommand,
  actor: LedgerActor,
  ctx: Context,
): LedgerEvent[] {
  if (!LEDGER_PERMISSIONS[command.type].includes(actor.role)) {
    throw new Forbidden(`a ${actor.role} may not ${command.type.replace('ledger.', '')} a ledger item`);
  }
  const stamp = (events: LedgerEventBody[]) => events.map((e) => ({ ...e, at: ctx.now }));
  if (command.type === 'ledger.register') {
    if (item) throw new Conflict(`ledger item ${item.id} already exists`);
    return stamp(register(command, actor, ctx));
  }
  if (!item) throw new NotFound('no such ledger item');
  if (!LEDGER_TRANSITIONS[command.type].includes(item.status)) {
    throw new Conflict(`a ${item.status.replace('_', ' ')} item cannot be ${PAST[command.type]}`);
  }
  const handler = HANDLERS[command.type] as Handler<typeof command.type>;
  return stamp(handler(item, command, actor));
}

const PAST: Record<Exclude<LedgerCommand['type'], 'ledger.register'>, string> = {
  'ledger.assign': 'assigned',
  'ledger.start': 'started',
  'ledger.update': 'updated',
  'ledger.answer': 'answered',
  'ledger.return': 'returned',
  'ledger.evaluate': 'evaluated',
  'ledger.close': 'closed',
  'ledger.convert': 'converted',
};

function register(
  c: Extract<LedgerCommand, { type: 'ledger.register' }>,
  actor: LedgerActor,
  ctx: Context,
): LedgerEventBody[] {
  // A member submits only their own problem, by hand; minutes are the office's.
  if (actor.role === 'member') {
    if (c.source.kind !== 'submission') throw new Forbidden('a member may only submit a problem of their own');
    if (c.raisedBy.length !== 1 || c.raisedBy[0]?.id !== actor.id) {
      throw new Forbidden('a member submits in their own name only');
    }
  }
  if (c.dueDate !== undefined) validDate(c.dueDate);
  return [
    {
      type: 'ledger.registered',
      data: {
        ...by(actor),
        id: c.id ?? ctx.newId(),
        title: text(c.title, 'title'),
        description: c.description.trim(),
        category: text(c.category, 'category'),
        source: c.source,
        topicId: c.topicId,
        dueDate: c.dueDate ?? null,
        priority: c.priority ?? 'normal',
        raisedBy: c.raisedBy,
      },
    },
  ];
}

const HANDLERS: { [T in Exclude<LedgerCommand['type'], 'ledger.register'>]: Handler<T> } = {
  'ledger.assign': (_item, c, actor) => {
    const leadUnit = text(c.leadUnit, 'lead unit');
    const coUnits = [...new Set(c.coUnits.map((u) => text(u, 'co-unit')))].filter((u) => u !== leadUnit);
    if (c.dueDate !== undefined) validDate(c.dueDate);
    return [{ type: 'ledger.assigned', data: { ...by(actor), leadUnit, coUnits, dueDate: c.dueDate ?? null } }];
  },
  'ledger.start': (item, _c, actor) => {
    leadUnitOf(item, actor);
    return [{ type: 'ledger.started', data: { ...by(actor) } }];
  },
  'ledger.update': (item, c, actor) => {
    const unit = unitOf(item, actor);
    return [{ type: 'ledger.updated', data: { ...by(actor), unit, text: text(c.text, 'update') } }];
  },
  'ledger.answer': (item, c, actor) => {
    const unit = leadUnitOf(item, actor);
    return [{ type: 'ledger.answered', data: { ...by(actor), unit, text: text(c.text, 'answer') } }];
  },
  'ledger.return': (item, c, actor) => {
    const unit = leadUnitOf(item, actor);
    return [{ type: 'ledger.returned', data: { ...by(actor), unit, reason: text(c.reason, 'reason') } }];
  },
  'ledger.evaluate': (item, c, actor) => {
    if (!item.raisedBy.some((p) => p.id === actor.id)) {
      throw new Forbidden('only the members who raised this item rate its answer');
    }
    const answer = item.answers.length;
    if (item.evaluations.some((e) => e.by === actor.id && e.answer === answer)) {
      throw new Conflict('you have already rated this answer');
    }
    return [{ type: 'ledger.evaluated', data: { ...by(actor), rating: c.rating, comment: c.comment.trim(), answer } }];
  },
  'ledger.close': (item, _c, actor) => {
    if (item.status === 'answered' && item.raisedBy.length > 0) {
      throw new Conflict('the members who raised it have not rated the answer yet');
    }
    return [{ type: 'ledger.closed', data: { ...by(actor) } }];
  },
  'ledger.convert': (item, c, actor) => {
    if (item.conversion) throw new Conflict(`already converted (${item.conversion.kind})`);
    const reference = c.kind === 'solved_on_site' ? c.reference.trim() : text(c.reference, 'reference number');
    return [{ type: 'ledger.converted', data: { ...by(actor), kind: c.kind, reference } }];
  },
};

/** The unit `actor` speaks for, if it handles `item` (lead or co-unit). */
function unitOf(item: LedgerItem, actor: LedgerActor): string {
  if (actor.unit && (item.leadUnit === actor.unit || item.coUnits.includes(actor.unit))) return actor.unit;
  throw new Forbidden('this item is not handled by your unit');
}

/** Only the lead unit starts, answers or returns an item; co-units post progress. */
function leadUnitOf(item: LedgerItem, actor: LedgerActor): string {
  const unit = unitOf(item, actor);
  if (unit !== item.leadUnit) throw new Forbidden('only the lead unit may do this; co-units post progress');
  return unit;
}

/** Who made a change, as its event records them. */
const by = (actor: LedgerActor): By => ({
  by: actor.id,
  byName: actor.name,
  byRole: actor.role,
  ...(actor.unit === undefined ? {} : { byUnit: actor.unit }),
});

function text(value: string, what: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw new InvalidRequest(`the ${what} cannot be empty`);
  return trimmed;
}

function validDate(value: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InvalidRequest('a due date is YYYY-MM-DD');
  }
}
