import { describe, expect, it } from 'vitest';
import {
  type Directory,
  type DirectoryActor,
  decideDirectory,
  mayReadRecord,
  recordsReader,
  replayDirectory,
  survivorOf,
} from '@yishi/shared';
import { parseCsv, toCsv } from '../../../signaling/src/records/csv.js';
import { readRoster } from '../../../signaling/src/records/roster.js';

/** The member directory's rules (shared/src/records/decide.ts) and the roster's reading (signaling/src/records/roster.ts). */

const office: DirectoryActor = { id: 'organiser', name: 'organiser', role: 'organiser' };
const system: DirectoryActor = { id: 'system', name: 'system', role: 'system' };
let n = 0;
const ctx = { now: 1_000, newId: () => `gen-${++n}` };

function directoryWith(...ids: string[]): Directory {
  return replayDirectory(
    decideDirectory(
      new Map(),
      { type: 'person.import', rows: ids.map((id) => ({ id, name: `名${id}` })) },
      office,
      ctx,
    ),
  );
}

describe('member directory', () => {
  it('lets only the office change it, and only the system enter people seen in tokens', () => {
    const directory = directoryWith('a');
    expect(() => decideDirectory(directory, { type: 'person.add', fields: { name: '甲' } }, system, ctx)).toThrow(
      expect.objectContaining({ code: 'NOT_ALLOWED' }),
    );
    expect(() =>
      decideDirectory(directory, { type: 'person.see', people: [{ id: 'x', name: '乙' }] }, office, ctx),
    ).toThrow(expect.objectContaining({ code: 'NOT_ALLOWED' }));
    // Seen again, or seen twice in one batch: entered once.
    const seen = decideDirectory(
      directory,
      {
        type: 'person.see',
        people: [
          { id: 'a', name: '甲' },
          { id: 'b', name: '乙', sector: '教育界' },
          { id: 'b', name: '乙' },
        ],
      },
      system,
      ctx,
    );
    expect(seen.map((e) => e.type === 'person.added' && [e.data.id, e.data.sector, e.data.origin])).toEqual([
      ['b', '教育界', 'token'],
    ]);
  });

  it('imports a roster all or nothing, naming every bad row; a row for a known id updates it', () => {
    const directory = directoryWith('a');
    expect(() =>
      decideDirectory(
        directory,
        { type: 'person.import', rows: [{ id: 'c', name: '丙' }, { id: 'c', name: '丙二' }, { name: '  ' }] },
        office,
        ctx,
      ),
    ).toThrow(/nothing imported; row 3: id c is on an earlier row too; row 4: a name cannot be empty/);
    const events = decideDirectory(
      directory,
      {
        type: 'person.import',
        rows: [
          { id: 'a', name: '名a', sector: '农业界' },
          { id: 'c', name: '丙' },
          { id: 'a2', name: '名a2' },
        ],
      },
      office,
      ctx,
    );
    expect(events.map((e) => e.type)).toEqual(['person.updated', 'person.added', 'person.added']);
    expect(events[0]).toMatchObject({ data: { id: 'a', changes: { sector: '农业界' } } });
  });

  it('merges one entry into another, never into itself or a merged one; the survivor carries it, the reader is the survivor', () => {
    expect(
      decideDirectory(directoryWith('a', 'b'), { type: 'person.merge', from: 'b', into: 'a' }, office, ctx),
    ).toEqual([{ type: 'person.merged', at: 1_000, data: { by: 'organiser', from: 'b', into: 'a' } }]);
    const merged = replayDirectory([
      ...decideDirectory(
        new Map(),
        { type: 'person.import', rows: ['a', 'b', 'c'].map((id) => ({ id, name: id })) },
        office,
        ctx,
      ),
      { type: 'person.merged', at: 2, data: { by: 'organiser', from: 'b', into: 'a' } },
      { type: 'person.merged', at: 3, data: { by: 'organiser', from: 'a', into: 'c' } },
    ]);
    expect(survivorOf(merged, 'b')?.id).toBe('c');
    expect(() => decideDirectory(merged, { type: 'person.merge', from: 'c', into: 'c' }, office, ctx)).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST' }),
    );
    expect(() => decideDirectory(merged, { type: 'person.merge', from: 'b', into: 'c' }, office, ctx)).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
    expect(() =>
      decideDirectory(merged, { type: 'person.update', id: 'a', fields: { name: '新' } }, office, ctx),
    ).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    // A merged entry's token reads as its survivor: its own record and the survivor's are one.
    const reader = recordsReader(merged, 'b', 'member');
    expect(reader.id).toBe('c');
    expect(mayReadRecord(merged, reader, 'a')).toBe(true);
    expect(() => recordsReader(merged, 'b', 'guest')).toThrow(expect.objectContaining({ code: 'NOT_ALLOWED' }));
    expect(() => recordsReader(merged, 'zz', 'member')).toThrow(expect.objectContaining({ code: 'NOT_ALLOWED' }));
  });

  it('updates only what changed; removing someone keeps them', () => {
    const directory = directoryWith('a');
    expect(
      decideDirectory(directory, { type: 'person.update', id: 'a', fields: { name: '名a' } }, office, ctx),
    ).toEqual([]);
    const removed = replayDirectory([
      ...decideDirectory(new Map(), { type: 'person.import', rows: [{ id: 'a', name: '名a' }] }, office, ctx),
      ...decideDirectory(
        directory,
        { type: 'person.update', id: 'a', fields: { status: 'removed', unit: '县一中' } },
        office,
        ctx,
      ),
    ]);
    expect(removed.get('a')).toMatchObject({ status: 'removed', unit: '县一中' });
    expect(() => recordsReader(removed, 'a', 'member')).toThrow(expect.objectContaining({ code: 'NOT_ALLOWED' }));
  });
});

describe('roster CSV', () => {
  it('reads quoted fields, CRLF, a BOM and Chinese headers', () => {
    const rows = readRoster(
      '\uFEFF编号,姓名,界别,届别,工作单位\r\np1,"王, 委员",经济界,第十四届,"县""一中"""\r\n\r\n,李委员,,,\r\n',
    );
    expect(rows).toEqual([
      { id: 'p1', name: '王, 委员', sector: '经济界', term: '第十四届', unit: '县"一中"' },
      { name: '李委员' },
    ]);
  });

  it('refuses a roster with unknown columns, no name, a quote left open, or bad rows — each bad row named', () => {
    expect(() => readRoster('id,fullname\n1,a\n')).toThrow(/unknown column/);
    // Object's own names are not columns.
    for (const header of ['constructor', '__proto__', 'toString']) {
      expect(() => readRoster(`name,${header}\n甲,x\n`)).toThrow(new RegExp(`unknown column\\(s\\) ${header}`));
    }
    expect(() => readRoster('id,sector\n1,a\n')).toThrow(/no name column/);
    expect(() => readRoster('name\n"open\n')).toThrow(/never ends/);
    expect(() => readRoster('name\n')).toThrow(/no rows/);
    expect(() => readRoster(`id,name\na b,甲\nok,${'名'.repeat(65)}\nfine,乙,多余\n`)).toThrow(
      /nothing imported; row 2: id: .*; row 3: name: .*; row 4: 3 cells for 2 columns/,
    );
  });

  it('writes CSV a spreadsheet reads back, formulas defused', () => {
    const text = toCsv([
      ['姓名', 'n'],
      ['=SUM(A1)', 3],
      ['a,"b"', null],
    ]);
    expect(parseCsv(text)).toEqual([
      ['姓名', 'n'],
      ["'=SUM(A1)", '3'],
      ['a,"b"', ''],
    ]);
  });
});
