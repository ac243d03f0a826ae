import type { LedgerEvent } from './events.js';
import type { LedgerItem, UnitText } from './types.js';

/**
 * An item after `event` (null before its registration). Events are facts: nothing here refuses
 * one. An answer rated unsatisfactory by any member who raised the item reopens it for another
 * answer; once every one of them is (basically) satisfied it is evaluated.
 */
export function evolveLedger(item: LedgerItem | null, event: LedgerEvent): LedgerItem | null {
  if (event.type === 'ledger.registered') {
    const { by: _by, byName: _name, byRole: _role, byUnit: _unit, ...fields } = event.data;
    return {
      ...fields,
      leadUnit: null,
      coUnits: [],
      status: 'registered',
      returnedReason: null,
      updates: [],
      answers: [],
      evaluations: [],
      conversion: null,
      createdAt: event.at,
      updatedAt: event.at,
    };
  }
  if (!item) return null;
  const next: LedgerItem = { ...item, updatedAt: event.at };
  switch (event.type) {
    case 'ledger.assigned':
      return {
        ...next,
        leadUnit: event.data.leadUnit,
        coUnits: event.data.coUnits,
        dueDate: event.data.dueDate ?? item.dueDate,
        status: 'assigned',
        returnedReason: null,
      };
    case 'ledger.started':
      return { ...next, status: 'in_progress' };
    case 'ledger.updated':
      return { ...next, updates: [...item.updates, unitText(event.at, event.data)] };
    case 'ledger.answered':
      return { ...next, status: 'answered', answers: [...item.answers, unitText(event.at, event.data)] };
    case 'ledger.returned':
      return { ...next, status: 'returned', returnedReason: event.data.reason };
    case 'ledger.evaluated': {
      const { by, rating, comment, answer } = event.data;
      const evaluations = [...item.evaluations, { at: event.at, by, rating, comment, answer }];
      const ofThisAnswer = evaluations.filter((e) => e.answer === event.data.answer);
      const everyone = item.raisedBy.every((p) => ofThisAnswer.some((e) => e.by === p.id));
      const status = event.data.rating === 'unsatisfied' ? 'in_progress' : everyone ? 'evaluated' : 'answered';
      return { ...next, status, evaluations };
    }
    case 'ledger.closed':
      return { ...next, status: 'closed' };
    case 'ledger.converted':
      return {
        ...next,
        conversion: { kind: event.data.kind, reference: event.data.reference, at: event.at, by: event.data.by },
      };
  }
}

const unitText = (at: number, { by, unit, text }: Omit<UnitText, 'at'>): UnitText => ({ at, by, unit, text });

/** An item from its whole stream. */
export function replayLedger(events: Iterable<LedgerEvent>): LedgerItem | null {
  let item: LedgerItem | null = null;
  for (const event of events) item = evolveLedger(item, event);
  return item;
}
