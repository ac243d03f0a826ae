import type { LedgerCommandType } from './commands.js';
import type { LedgerActor, LedgerItem, LedgerStatus } from './types.js';

type Role = LedgerActor['role'];

const OFFICE: readonly Role[] = ['organiser', 'secretary'];

/**
 * Which roles may issue each command on an item (docs/domain.md, "Outcome ledger"). Finer rules —
 * a unit acts only on its own items, a member rates only what they raised — are `decide`'s.
 */
export const LEDGER_PERMISSIONS: Record<LedgerCommandType, readonly Role[]> = {
  'ledger.register': ['organiser', 'secretary', 'chair', 'member', 'system'],
  // The system assigns an action item of finalized minutes to the unit the minutes name.
  'ledger.assign': [...OFFICE, 'system'],
  'ledger.start': ['unit'],
  'ledger.update': ['unit'],
  'ledger.answer': ['unit'],
  'ledger.return': ['unit'],
  'ledger.evaluate': ['member'],
  'ledger.close': OFFICE,
  'ledger.convert': OFFICE,
};

/** The statuses each command may be issued in: the workflow. Anything else is refused (CONFLICT). */
export const LEDGER_TRANSITIONS: Record<Exclude<LedgerCommandType, 'ledger.register'>, readonly LedgerStatus[]> = {
  'ledger.assign': ['registered', 'returned', 'assigned'],
  'ledger.start': ['assigned'],
  'ledger.update': ['assigned', 'in_progress'],
  'ledger.answer': ['assigned', 'in_progress'],
  'ledger.return': ['assigned', 'in_progress'],
  'ledger.evaluate': ['answered'],
  // Answered: only an item nobody raised (nobody to rate it), see decide.
  'ledger.close': ['answered', 'evaluated'],
  'ledger.convert': ['registered', 'assigned', 'in_progress', 'answered', 'evaluated', 'returned'],
};

/** Whether `actor` may see `item`: a unit its own (lead or co-unit), a member what they raised, the office all. */
export function mayView(item: LedgerItem, actor: LedgerActor): boolean {
  switch (actor.role) {
    case 'unit':
      return actor.unit !== undefined && (item.leadUnit === actor.unit || item.coUnits.includes(actor.unit));
    case 'member':
      return item.raisedBy.some((p) => p.id === actor.id);
    default:
      return true;
  }
}

/** Past its due date (YYYY-MM-DD, compared with `today` in the same zone) and not answered yet. */
export function isOverdue(item: LedgerItem, today: string): boolean {
  return item.dueDate !== null && item.dueDate < today && !['answered', 'evaluated', 'closed'].includes(item.status);
}
