import ExcelJS from 'exceljs';
import { ENTRY_KINDS, type HeatFormula, type Locale, type PeriodRange, RATINGS, VALUE_NAMES } from '@yishi/shared';
import { toCsv } from './csv.js';
import type { RecordRow } from './RecordsService.js';

const ZH = VALUE_NAMES['zh-CN'];
const EN = VALUE_NAMES.en;

/** The columns of the office's export, each with its Chinese and English header and its value. */
const COLUMNS: Array<{ zh: string; en: string; width: number; value: (r: RecordRow) => string | number | null }> = [
  { zh: '名次', en: 'Rank', width: 6, value: (r) => r.rank },
  { zh: '编号', en: 'Id', width: 20, value: (r) => r.person.id },
  { zh: '姓名', en: 'Name', width: 12, value: (r) => r.person.name },
  { zh: '界别', en: 'Sector', width: 12, value: (r) => r.person.sector },
  { zh: '届别', en: 'Term', width: 10, value: (r) => r.person.term },
  { zh: '工作单位', en: 'Unit', width: 20, value: (r) => r.person.unit },
  { zh: '状态', en: 'Status', width: 8, value: (r) => r.person.status },
  { zh: '热度', en: 'Score', width: 8, value: (r) => r.score },
  { zh: '受邀场次', en: 'Invited', width: 8, value: (r) => r.counts.invited },
  { zh: '出席场次', en: 'Attended', width: 8, value: (r) => r.counts.attended },
  { zh: '在场分钟', en: 'Minutes present', width: 10, value: (r) => r.counts.presentMinutes },
  { zh: '发言次数', en: 'Speeches', width: 8, value: (r) => r.counts.speeches },
  { zh: '发言秒数', en: 'Seconds spoken', width: 10, value: (r) => r.counts.speakingSeconds },
  // Each kind of speech and each rating by the name the room and the minutes give it.
  ...ENTRY_KINDS.flatMap((kind) => [
    {
      zh: `${ZH.kind[kind]}次数`,
      en: `${EN.kind[kind]}: count`,
      width: 8,
      value: (r: RecordRow) => r.counts.speechesByKind[kind].count,
    },
    {
      zh: `${ZH.kind[kind]}秒数`,
      en: `${EN.kind[kind]}: seconds`,
      width: 8,
      value: (r: RecordRow) => r.counts.speechesByKind[kind].seconds,
    },
  ]),
  { zh: '评论条数', en: 'Comments', width: 8, value: (r) => r.counts.comments },
  { zh: '获得回复', en: 'Replies received', width: 8, value: (r) => r.counts.repliesReceived },
  { zh: '获得回应', en: 'Reactions received', width: 8, value: (r) => r.counts.reactionsReceived },
  { zh: '评论入纪要', en: 'Comments in minutes', width: 8, value: (r) => r.counts.promoted },
  { zh: '形成共识', en: 'Consensus points', width: 8, value: (r) => r.counts.consensus },
  { zh: '承办事项', en: 'Action items', width: 8, value: (r) => r.counts.actions },
  { zh: '提出台账事项', en: 'Ledger items raised', width: 8, value: (r) => r.counts.itemsRaised },
  { zh: '事项办结', en: 'Ledger items solved', width: 8, value: (r) => r.counts.itemsSolved },
  ...RATINGS.map((rating) => ({
    zh: `评价${ZH.rating[rating]}`,
    en: `Rated ${EN.rating[rating].toLowerCase()}`,
    width: 8,
    value: (r: RecordRow) => r.counts.ratings[rating],
  })),
];

/** The file's name: `records-2026-12.csv`, `records-第十四届.xlsx`. */
export const recordsFileName = (range: PeriodRange, extension: 'csv' | 'xlsx'): string =>
  `records-${range.period.replace(/^term:/, '')}.${extension}`;

/** The records as CSV (UTF-8 with a BOM, so spreadsheets read the Chinese): one header row in `locale`, one row per person. */
export function recordsCsv(rows: RecordRow[], locale: Locale = 'zh-CN'): string {
  return toCsv([
    COLUMNS.map((c) => (locale === 'en' ? c.en : c.zh)),
    ...rows.map((r) => COLUMNS.map((c) => c.value(r))),
  ]);
}

/**
 * The records as a workbook: sheet 履职记录 with headers in Chinese above English (frozen, with an
 * autofilter) and one row per person, and sheet 公式 with the heat formula's weights.
 */
export async function recordsXlsx(
  rows: RecordRow[],
  range: PeriodRange,
  formula: HeatFormula,
  now: number,
): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Yishi';
  book.created = new Date(now);
  book.title = `履职记录 Records ${range.period}`;
  const sheet = book.addWorksheet('履职记录 Records', { views: [{ state: 'frozen', ySplit: 2, xSplit: 3 }] });
  sheet.columns = COLUMNS.map((c) => ({ width: c.width }));
  sheet.addRow(COLUMNS.map((c) => c.zh)).font = { bold: true };
  sheet.addRow(COLUMNS.map((c) => c.en)).font = { italic: true };
  for (const row of rows) sheet.addRow(COLUMNS.map((c) => c.value(row)));
  sheet.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2 + rows.length, column: COLUMNS.length } };
  const weights = book.addWorksheet('公式 Formula');
  weights.columns = [{ width: 20 }, { width: 28 }, { width: 10 }];
  weights.addRow(['期间 Period', `${range.period} (${range.from} – ${range.to})`]);
  weights.addRow(['公式 Formula', formula.expression]);
  weights.addRow([]);
  weights.addRow(['项目', 'Figure', '权重 Weight']).font = { bold: true };
  for (const term of formula.terms) weights.addRow([term.zh, term.en, term.weight]);
  return Buffer.from(await book.xlsx.writeBuffer());
}
