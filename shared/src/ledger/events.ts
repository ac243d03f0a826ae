import type { ConversionKind, LedgerActor, LedgerItem, Rating } from './types.js';

/**
 * Every change names who made it — their id (`by`), and their name and role as they were then —
 * so the item's events are its audit trail, readable without looking anyone up.
 */
export interface By {
  by: string;
  byName: string;
  byRole: LedgerActor['role'];
  /** A unit's token speaks for its unit (承办单位). */
  byUnit?: string;
}

/** What happened to a ledger item, as stored in its stream; facts, applied without rules. */
export type LedgerEventBody =
  | {
      type: 'ledger.registered';
      data: By &
        Pick<
          LedgerItem,
          'id' | 'title' | 'description' | 'category' | 'source' | 'topicId' | 'dueDate' | 'priority' | 'raisedBy'
        >;
    }
  | { type: 'ledger.assigned'; data: By & { leadUnit: string; coUnits: string[]; dueDate: string | null } }
  | { type: 'ledger.started'; data: By }
  | { type: 'ledger.updated'; data: By & { unit: string; text: string } }
  | { type: 'ledger.answered'; data: By & { unit: string; text: string } }
  | { type: 'ledger.returned'; data: By & { unit: string; reason: string } }
  | { type: 'ledger.evaluated'; data: By & { rating: Rating; comment: string; answer: number } }
  | { type: 'ledger.closed'; data: By }
  | { type: 'ledger.converted'; data: By & { kind: ConversionKind; reference: string } };

export type LedgerEvent = LedgerEventBody & { at: number };
export type LedgerEventType = LedgerEvent['type'];
