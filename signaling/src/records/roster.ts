import { InvalidRequest, ROSTER_MAX_ROWS, type RosterRow, RosterRowSchema } from '@yishi/shared';
import { describeZodError } from '../errors.js';
import { parseCsv } from './csv.js';

/** Column names a roster's header row may use, in English or Chinese. */
const COLUMNS: Record<string, keyof RosterRow> = {
  id: 'id',
  sub: 'id',
  编号: 'id',
  name: 'name',
  姓名: 'name',
  sector: 'sector',
  界别: 'sector',
  term: 'term',
  届别: 'term',
  届: 'term',
  unit: 'unit',
  单位: 'unit',
  工作单位: 'unit',
};

/**
 * The rows of a roster in CSV, each checked against `RosterRowSchema`: all rows or a refusal that
 * lists every bad row by its line in the file (the header is row 1). Empty cells are absent fields.
 */
export function readRoster(text: string): RosterRow[] {
  const [header, ...lines] = parseCsv(text);
  if (!header)
    throw new InvalidRequest('the roster is empty; its first row names the columns (id, name, sector, term, unit)');
  // Own keys only: a header such as `constructor` or `__proto__` is an unknown column, not Object's.
  const column = (key: string) => (Object.hasOwn(COLUMNS, key) ? COLUMNS[key] : undefined);
  const columns = header.map((h) => column(h.trim().toLowerCase()) ?? column(h.trim()));
  const unknown = header.filter((_, i) => columns[i] === undefined);
  if (unknown.length > 0)
    throw new InvalidRequest(`unknown column(s) ${unknown.join(', ')}; use id, name, sector, term, unit`);
  if (new Set(columns).size !== columns.length) throw new InvalidRequest('a column is named twice');
  if (!columns.includes('name')) throw new InvalidRequest('the roster has no name column');
  if (lines.length === 0) throw new InvalidRequest('the roster has no rows');
  if (lines.length > ROSTER_MAX_ROWS) throw new InvalidRequest(`a roster has at most ${ROSTER_MAX_ROWS} rows`);
  const faults: string[] = [];
  const rows: RosterRow[] = [];
  lines.forEach((cells, i) => {
    if (cells.length > columns.length) {
      faults.push(`row ${i + 2}: ${cells.length} cells for ${columns.length} columns`);
      return;
    }
    const raw = Object.fromEntries(
      columns.flatMap((column, c) => {
        const value = cells[c]?.trim() ?? '';
        return value === '' ? [] : [[column, value]];
      }),
    );
    const parsed = RosterRowSchema.safeParse(raw);
    if (parsed.success) rows.push(parsed.data);
    else faults.push(`row ${i + 2}: ${describeZodError(parsed.error)}`);
  });
  if (faults.length > 0) throw new InvalidRequest(`nothing imported; ${faults.slice(0, 50).join('; ')}`);
  return rows;
}
