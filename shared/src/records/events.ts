import type { DirectoryPerson } from './types.js';

/** What the organiser may write of a person. */
export type DirectoryFields = Pick<DirectoryPerson, 'name' | 'sector' | 'term' | 'unit'>;

/** What happened to the directory, as stored in its stream (`by`: who did it). Facts, applied without rules. */
export type DirectoryEventBody =
  | { type: 'person.added'; data: DirectoryFields & { by: string; id: string; origin: DirectoryPerson['origin'] } }
  | {
      type: 'person.updated';
      data: { by: string; id: string; changes: Partial<DirectoryFields & { status: 'active' | 'removed' }> };
    }
  | { type: 'person.merged'; data: { by: string; from: string; into: string } };

export type DirectoryEvent = DirectoryEventBody & { at: number };
