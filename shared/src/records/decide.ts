import type { Context } from '../domain/commands.js';
import { Conflict, Forbidden, InvalidRequest, NotFound } from '../errors.js';
import type { DirectoryActor, DirectoryCommand, PersonFields } from './commands.js';
import type { DirectoryEvent, DirectoryEventBody, DirectoryFields } from './events.js';
import type { Directory } from './evolve.js';
import { DIRECTORY_PERMISSIONS } from './permissions.js';
import type { DirectoryPerson } from './types.js';

type Changes = Extract<DirectoryEventBody, { type: 'person.updated' }>['data']['changes'];

/**
 * The directory's rules: given the directory, who asks and what, the events that follow (each at
 * `ctx.now`) — or a typed error and no events. A roster import is all rows or none: every row's
 * fault is listed in one INVALID_REQUEST. Pure.
 */
export function decideDirectory(
  directory: Directory,
  command: DirectoryCommand,
  actor: DirectoryActor,
  ctx: Context,
): DirectoryEvent[] {
  if (!DIRECTORY_PERMISSIONS[command.type].includes(actor.role)) {
    throw new Forbidden(`a ${actor.role} may not change the member directory`);
  }
  const by = actor.id;
  const stamp = (events: DirectoryEventBody[]) => events.map((e) => ({ ...e, at: ctx.now }));
  switch (command.type) {
    case 'person.add': {
      const id = command.id ?? ctx.newId();
      if (directory.has(id)) throw new Conflict(`the directory already has a person ${id}`);
      return stamp([{ type: 'person.added', data: { by, id, ...editable(command.fields), origin: 'organiser' } }]);
    }
    case 'person.import':
      return stamp(importRows(directory, command.rows, by, ctx));
    case 'person.update': {
      const person = live(directory, command.id);
      const { status, ...fields } = command.fields;
      const next = { ...partial(fields), ...(status === undefined ? {} : { status }) };
      const changes = changesOf(person, next);
      if (Object.keys(changes).length === 0) return [];
      return stamp([{ type: 'person.updated', data: { by, id: person.id, changes } }]);
    }
    case 'person.merge': {
      if (command.from === command.into) throw new InvalidRequest('a person cannot be merged into themselves');
      live(directory, command.from);
      live(directory, command.into);
      return stamp([{ type: 'person.merged', data: { by, from: command.from, into: command.into } }]);
    }
    case 'person.see': {
      const added = new Set<string>();
      const events: DirectoryEventBody[] = [];
      for (const { id, name, sector } of command.people) {
        if (directory.has(id) || added.has(id)) continue;
        added.add(id);
        events.push({ type: 'person.added', data: { by, id, ...editable({ name, sector }), origin: 'token' } });
      }
      return stamp(events);
    }
  }
}

/** An entry that may be changed: it exists and was not merged into another. */
function live(directory: Directory, id: string): DirectoryPerson {
  const person = directory.get(id);
  if (!person) throw new NotFound(`no person ${id} in the directory`);
  if (person.status === 'merged') throw new Conflict(`${id} was merged into ${person.mergedInto}`);
  return person;
}

function importRows(
  directory: Directory,
  rows: Array<PersonFields & { id?: string | undefined }>,
  by: string,
  ctx: Context,
): DirectoryEventBody[] {
  if (rows.length === 0) throw new InvalidRequest('the roster has no rows');
  const events: DirectoryEventBody[] = [];
  const faults: string[] = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    // Row numbers as a spreadsheet shows them: the header is row 1.
    const line = i + 2;
    try {
      const fields = editable(row);
      if (row.id === undefined) {
        events.push({ type: 'person.added', data: { by, id: ctx.newId(), ...fields, origin: 'import' } });
        return;
      }
      if (seen.has(row.id)) throw new InvalidRequest(`id ${row.id} is on an earlier row too`);
      seen.add(row.id);
      const person = directory.get(row.id);
      if (!person) {
        events.push({ type: 'person.added', data: { by, id: row.id, ...fields, origin: 'import' } });
        return;
      }
      if (person.status === 'merged') throw new Conflict(`${row.id} was merged into ${person.mergedInto}`);
      const changes = changesOf(person, fields);
      if (Object.keys(changes).length > 0) events.push({ type: 'person.updated', data: { by, id: row.id, changes } });
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      faults.push(`row ${line}: ${err.message}`);
    }
  });
  if (faults.length > 0) throw new InvalidRequest(`nothing imported; ${faults.join('; ')}`);
  return events;
}

const text = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
};

function editable(fields: PersonFields): DirectoryFields {
  const name = fields.name.trim();
  if (!name) throw new InvalidRequest('a name cannot be empty');
  return { name, sector: text(fields.sector), term: text(fields.term), unit: text(fields.unit) };
}

function partial(fields: Partial<PersonFields>): Partial<DirectoryFields> {
  const out: Partial<DirectoryFields> = {};
  if (fields.name !== undefined) out.name = editable({ name: fields.name }).name;
  if (fields.sector !== undefined) out.sector = text(fields.sector);
  if (fields.term !== undefined) out.term = text(fields.term);
  if (fields.unit !== undefined) out.unit = text(fields.unit);
  return out;
}

/** The fields of `next` that differ from the person's. */
const changesOf = (person: DirectoryPerson, next: Changes): Changes =>
  Object.fromEntries(Object.entries(next).filter(([k, v]) => person[k as keyof DirectoryPerson] !== v));
