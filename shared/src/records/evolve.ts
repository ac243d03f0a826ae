import type { DirectoryEvent } from './events.js';
import type { DirectoryPerson } from './types.js';

/** The directory: every entry by id, merged ones included (they point at their survivor). */
export type Directory = Map<string, DirectoryPerson>;

/** Applies one event to the directory, in place. */
export function evolveDirectory(directory: Directory, event: DirectoryEvent): void {
  switch (event.type) {
    case 'person.added': {
      const { by: _by, ...fields } = event.data;
      directory.set(fields.id, {
        ...fields,
        status: 'active',
        mergedInto: null,
        createdAt: event.at,
        updatedAt: event.at,
      });
      return;
    }
    case 'person.updated': {
      const person = directory.get(event.data.id);
      if (person) directory.set(person.id, { ...person, ...event.data.changes, updatedAt: event.at });
      return;
    }
    case 'person.merged': {
      const person = directory.get(event.data.from);
      if (person) {
        directory.set(person.id, { ...person, status: 'merged', mergedInto: event.data.into, updatedAt: event.at });
      }
      return;
    }
  }
}

export function replayDirectory(events: Iterable<DirectoryEvent>): Directory {
  const directory: Directory = new Map();
  for (const event of events) evolveDirectory(directory, event);
  return directory;
}

/** The entry that carries `id`'s record: itself, or the one it was merged into (followed to the end). */
export function survivorOf(directory: Directory, id: string): DirectoryPerson | undefined {
  let person = directory.get(id);
  for (let hops = 0; person?.mergedInto && hops < directory.size; hops++) person = directory.get(person.mergedInto);
  return person;
}
