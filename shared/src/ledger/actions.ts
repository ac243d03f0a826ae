import type { Context } from '../domain/commands.js';
import { AppError } from '../errors.js';
import type { LedgerAction } from '../protocol/api.js';
import type { LedgerCommand } from './commands.js';
import { decideLedger } from './decide.js';
import type { LedgerActor, LedgerItem } from './types.js';

/** A valid body for each step, to ask `decideLedger` whether the step is allowed at all. */
const STAND_INS: Record<LedgerAction, Exclude<LedgerCommand, { type: 'ledger.register' }>> = {
  assign: { type: 'ledger.assign', leadUnit: 'unit', coUnits: [] },
  start: { type: 'ledger.start' },
  update: { type: 'ledger.update', text: 'text' },
  answer: { type: 'ledger.answer', text: 'text' },
  return: { type: 'ledger.return', reason: 'reason' },
  evaluate: { type: 'ledger.evaluate', rating: 'satisfied', comment: '' },
  close: { type: 'ledger.close' },
  convert: { type: 'ledger.convert', kind: 'proposal', reference: 'reference' },
};

const CONTEXT: Context = { now: 0, newId: () => 'id' };

/**
 * The steps `actor` may take on `item` now: what the item's page offers. Each is put to
 * `decideLedger` with a valid body, so the answer is the rules' own — the permission and
 * transition tables and the finer rules (only the lead unit answers, a member rates what they
 * raised once per answer, an item is converted once) — and the page never offers what the
 * server would refuse for who or when it is.
 */
export function ledgerActions(item: LedgerItem, actor: LedgerActor): LedgerAction[] {
  return (Object.keys(STAND_INS) as LedgerAction[]).filter((action) => {
    try {
      decideLedger(item, STAND_INS[action], actor, CONTEXT);
      return true;
    } catch (err) {
      if (err instanceof AppError) return false;
      throw err;
    }
  });
}
