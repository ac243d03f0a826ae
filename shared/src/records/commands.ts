import type { PersonStatus } from './types.js';

/** A directory person's fields as the organiser writes them (validated at the edge by zod). */
export interface PersonFields {
  name: string;
  sector?: string | null | undefined;
  term?: string | null | undefined;
  unit?: string | null | undefined;
}

/** What may be asked of the member directory. */
export type DirectoryCommand =
  /** The organiser adds one person; the id is their tokens' `sub` (generated when omitted). */
  | { type: 'person.add'; id?: string | undefined; fields: PersonFields }
  /** A roster: each row adds a person, or, for an id already there, updates them. All rows or none. */
  | { type: 'person.import'; rows: Array<PersonFields & { id?: string | undefined }> }
  | {
      type: 'person.update';
      id: string;
      fields: Partial<PersonFields> & { status?: Exclude<PersonStatus, 'merged'> | undefined };
    }
  /** Two entries are one person: `from` is merged into `into`, whose record then carries both. */
  | { type: 'person.merge'; from: string; into: string }
  /** The system saw persons in tokens (member, chair, secretary) join sessions: each entered once. */
  | { type: 'person.see'; people: Array<{ id: string; name: string; sector?: string | undefined }> };

export type DirectoryCommandType = DirectoryCommand['type'];

/** Who changes the directory: the committee office (organiser key) or the server itself. */
export interface DirectoryActor {
  id: string;
  name: string;
  role: 'organiser' | 'system';
}
