import type { Person } from '../domain/types.js';
import type { ConversionKind, LedgerSource, Priority, Rating } from './types.js';

/** What may be asked of one ledger item. Shapes are validated at the edge (zod); `decide` checks the rules. */
export type LedgerCommand =
  | {
      type: 'ledger.register';
      /** Chosen by the caller when the item has a natural key (an action item of some minutes): registering it again changes nothing. */
      id?: string | undefined;
      title: string;
      description: string;
      category: string;
      source: LedgerSource;
      topicId: string;
      dueDate?: string | undefined;
      priority?: Priority | undefined;
      raisedBy: Person[];
    }
  | { type: 'ledger.assign'; leadUnit: string; coUnits: string[]; dueDate?: string | undefined }
  | { type: 'ledger.start' }
  | { type: 'ledger.update'; text: string }
  | { type: 'ledger.answer'; text: string }
  | { type: 'ledger.return'; reason: string }
  | { type: 'ledger.evaluate'; rating: Rating; comment: string }
  | { type: 'ledger.close' }
  | { type: 'ledger.convert'; kind: ConversionKind; reference: string };

export type LedgerCommandType = LedgerCommand['type'];
