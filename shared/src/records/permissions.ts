import { Forbidden } from '../errors.js';
import type { DirectoryActor, DirectoryCommandType } from './commands.js';
import { type Directory, survivorOf } from './evolve.js';
import type { DirectoryPerson } from './types.js';
import { RANKED_ROLES } from './types.js';

/** Who may issue each directory command (docs/domain.md, "Participation records"). */
export const DIRECTORY_PERMISSIONS: Record<DirectoryCommandType, readonly DirectoryActor['role'][]> = {
  'person.add': ['organiser'],
  'person.import': ['organiser'],
  'person.update': ['organiser'],
  'person.merge': ['organiser'],
  'person.see': ['system'],
};

/** Whether a room token of `role` speaks for a directory person at all: guests, units, sites and observers are not ranked. */
export const isRankedRole = (role: string): boolean => (RANKED_ROLES as readonly string[]).includes(role);

/**
 * The directory person a room token's holder reads records as: the entry of its `sub` (or the one
 * it was merged into), which must be active. Guests, units, sites and observers, persons not in the
 * directory and removed persons are refused (NOT_ALLOWED), whatever their token's validity.
 */
export function recordsReader(directory: Directory, sub: string, role: string): DirectoryPerson {
  if (!isRankedRole(role)) throw new Forbidden(`a ${role} has no participation record`);
  const person = survivorOf(directory, sub);
  if (!person) throw new Forbidden('you are not in the member directory');
  if (person.status !== 'active') throw new Forbidden('you are no longer in the member directory');
  return person;
}

/** Whose record a reader may read: the office anyone's; a person only their own (a merged entry's, through its survivor). */
export function mayReadRecord(directory: Directory, reader: DirectoryPerson | 'organiser', personId: string): boolean {
  return reader === 'organiser' || survivorOf(directory, personId)?.id === reader.id;
}
