import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import {
  CONVERSIONS,
  DEFAULT_TIME_ZONE,
  LEDGER_STATUSES,
  type LedgerEvent,
  type LedgerItem,
  type Locale,
  RATINGS,
  zonedParts,
} from '@yishi/shared';
import type { LedgerFilter } from '../ledger/LedgerService.js';
import { ledgerCounts, ledgerToday } from '../ledger/rows.js';
import { xmlText } from './docx.js';
import {
  describeFilter,
  HISTORY_COLUMNS,
  type HistoryColumn,
  historyFacts,
  LEDGER_COLUMNS,
  LEDGER_LABELS,
  type LedgerColumn,
  type LedgerLabels,
  ledgerFacts,
  wallClock,
} from './ledgerView.js';

/** Column widths in characters (a Chinese character takes two). */
const WIDTH: Record<LedgerColumn, number> = {
  id: 24,
  title: 40,
  category: 10,
  priority: 8,
  status: 10,
  leadUnit: 20,
  coUnits: 24,
  dueDate: 12,
  overdue: 10,
  topic: 16,
  session: 16,
  source: 22,
  raisedBy: 16,
  rating: 14,
  conversion: 14,
  reference: 18,
  updatedAt: 18,
};

const HISTORY_WIDTH: Record<HistoryColumn, number> = {
  id: 24,
  title: 32,
  at: 18,
  actor: 24,
  role: 12,
  change: 10,
  details: 48,
  note: 36,
};

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };

/** A day as Excel keeps it: midnight as if UTC, which is how exceljs writes a Date. */
const excelDate = (ymd: string) => new Date(`${ymd}T00:00:00Z`);

/** A moment as Excel keeps it: the committee's wall clock, to the minute, as if UTC. */
function excelTime(at: number): Date {
  const p = zonedParts(at, DEFAULT_TIME_ZONE);
  return new Date(Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute));
}

/**
 * A cell's value: text made safe for XML. Nothing (undefined) is no cell at all, which Excel's
 * filter lists as (Blanks) and the writer need not render.
 */
const cell = (value: ExcelJS.CellValue): ExcelJS.CellValue | undefined =>
  typeof value === 'string' ? xmlText(value) || undefined : (value ?? undefined);

/**
 * The ledger as a workbook (.xlsx): sheet 台账 has one row per item — headers in Chinese above
 * English, frozen, with an autofilter — sheet 统计 the counters of `GET /api/ledger/counts`, and
 * sheet 历史 every change of those items (from `history`, each item's events). Values
 * (statuses, sources, ratings) are named in `locale` (zh-CN by default); dates are real dates,
 * in the committee's zone.
 */
export async function ledgerXlsx(
  items: LedgerItem[],
  filter: LedgerFilter,
  now: number,
  locale: Locale | undefined,
  history: ReadonlyMap<string, readonly LedgerEvent[]>,
): Promise<Buffer> {
  const l = LEDGER_LABELS[locale ?? 'zh-CN'];
  // The streaming writer: each row is written out as it is added, which keeps a ledger of tens of
  // thousands of items (and its history) fast and small in memory; styles are set before the rows.
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  book.creator = 'Yishi';
  book.created = new Date(now);
  book.title = `${l.ledger} ${describeFilter(filter, l)}`;
  itemsSheet(book, items, now, l);
  countersSheet(book, items, filter, now, l);
  historySheet(book, items, history, l);
  await book.commit();
  return Buffer.concat(chunks);
}

const WRAP: Partial<ExcelJS.Style> = { alignment: { wrapText: true, vertical: 'top' } };

function itemsSheet(book: ExcelJS.Workbook, items: LedgerItem[], now: number, l: LedgerLabels): void {
  const sheet = book.addWorksheet('台账 Ledger', { views: [{ state: 'frozen', ySplit: 1 }] });
  const [zh, en] = [LEDGER_LABELS['zh-CN'].columns, LEDGER_LABELS.en.columns];
  const style: Partial<Record<LedgerColumn, Partial<ExcelJS.Style>>> = {
    dueDate: { numFmt: 'yyyy-mm-dd' },
    updatedAt: { numFmt: 'yyyy-mm-dd hh:mm' },
    title: WRAP,
  };
  sheet.columns = LEDGER_COLUMNS.map((key) => ({
    key,
    header: `${zh[key]}\n${en[key]}`,
    width: WIDTH[key],
    ...(style[key] ? { style: style[key] } : {}),
  }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: LEDGER_COLUMNS.length } };
  styleHeader(sheet.getRow(1));
  const styles = LEDGER_COLUMNS.map((key) => style[key] ?? {});
  const today = ledgerToday(now);
  for (const item of items) {
    const facts = ledgerFacts(item, today, l);
    const values: Record<LedgerColumn, ExcelJS.CellValue> = {
      ...facts,
      dueDate: facts.dueDate === null ? null : excelDate(facts.dueDate),
      overdue: facts.overdue ? l.yes : l.no,
      updatedAt: excelTime(facts.updatedAt),
    };
    const row = sheet.addRow(LEDGER_COLUMNS.map((key) => cell(values[key])));
    shareStyles(row, styles);
    row.commit();
  }
  sheet.commit();
}

/** Every change of every item, item by item in the items' order, each item's changes oldest first. */
function historySheet(
  book: ExcelJS.Workbook,
  items: LedgerItem[],
  history: ReadonlyMap<string, readonly LedgerEvent[]>,
  l: LedgerLabels,
): void {
  const sheet = book.addWorksheet('历史 History', { views: [{ state: 'frozen', ySplit: 1 }] });
  const [zh, en] = [LEDGER_LABELS['zh-CN'].history, LEDGER_LABELS.en.history];
  const style: Partial<Record<HistoryColumn, Partial<ExcelJS.Style>>> = {
    at: { numFmt: 'yyyy-mm-dd hh:mm' },
    title: WRAP,
    details: WRAP,
    note: WRAP,
  };
  sheet.columns = HISTORY_COLUMNS.map((key) => ({
    key,
    header: `${zh[key]}\n${en[key]}`,
    width: HISTORY_WIDTH[key],
    ...(style[key] ? { style: style[key] } : {}),
  }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: HISTORY_COLUMNS.length } };
  styleHeader(sheet.getRow(1));
  const styles = HISTORY_COLUMNS.map((key) => style[key] ?? {});
  for (const item of items) {
    for (const event of history.get(item.id) ?? []) {
      const facts = historyFacts(event, l);
      const values: Record<HistoryColumn, ExcelJS.CellValue> = {
        ...facts,
        id: item.id,
        title: item.title,
        at: excelTime(facts.at),
      };
      const row = sheet.addRow(HISTORY_COLUMNS.map((key) => cell(values[key])));
      shareStyles(row, styles);
      row.commit();
    }
  }
  sheet.commit();
}

/** The counters as rows of group, measure, count — the same figures as `GET /api/ledger/counts`. */
function countersSheet(
  book: ExcelJS.Workbook,
  items: LedgerItem[],
  filter: LedgerFilter,
  now: number,
  l: LedgerLabels,
): void {
  const counts = ledgerCounts(items, now);
  const sheet = book.addWorksheet('统计 Counts', { views: [{ state: 'frozen', ySplit: 1 }] });
  const [zh, en] = [LEDGER_LABELS['zh-CN'], LEDGER_LABELS.en];
  sheet.columns = [
    { key: 'group', header: `${zh.group}\n${en.group}`, width: 16 },
    { key: 'measure', header: `${zh.measure}\n${en.measure}`, width: 24 },
    { key: 'count', header: `${zh.count}\n${en.count}`, width: 10 },
  ];
  const rows = [
    [l.total, l.itemCount, counts.items],
    [l.total, l.overdue, counts.overdue],
    ...LEDGER_STATUSES.map((s) => [l.status, l.ledgerStatus[s], counts.byStatus[s]]),
    ...CONVERSIONS.map((c) => [l.conversions, l.conversion[c], counts.conversions[c]]),
    ...RATINGS.map((r) => [l.ratings, l.rating[r], counts.ratings[r]]),
  ];
  for (const row of rows) sheet.addRow(row); // the streaming writer has no addRows
  styleHeader(sheet.getRow(1));
  sheet.addRow([]);
  sheet.addRow([l.filter, xmlText(describeFilter(filter, l))]);
  sheet.addRow([l.exportedAt, wallClock(now)]);
  sheet.commit();
}

/**
 * Gives a row's cells their column's style object itself. exceljs copies the column's style into
 * each new cell and, on writing, looks a style up by its object — so a copy per cell is a full
 * style lookup per cell, the largest cost of a big export; a shared object is looked up once.
 */
function shareStyles(row: ExcelJS.Row, styles: ReadonlyArray<Partial<ExcelJS.Style>>): void {
  row.eachCell({ includeEmpty: true }, (cell, column) => {
    cell.style = styles[column - 1] ?? {};
  });
}

function styleHeader(row: ExcelJS.Row): void {
  row.height = 32;
  row.font = { bold: true };
  row.alignment = { wrapText: true, vertical: 'middle' };
  row.eachCell((cell) => {
    cell.fill = HEADER_FILL;
  });
}
