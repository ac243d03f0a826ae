import {
  DEFAULT_TIME_ZONE,
  isOverdue,
  type LedgerItem,
  type Locale,
  VALUE_NAMES,
  type ValueNames,
  zonedParts,
} from '@yishi/shared';
import type { LedgerFilter } from '../ledger/LedgerService.js';
import { ledgerToday, sessionOf } from '../ledger/rows.js';

/** What the ledger's exports (XLSX, DOCX) write besides the items' own text, in each locale. */
export interface LedgerLabels extends ValueNames {
  ledger: string;
  summary: string;
  filter: string;
  everything: string;
  exportedAt: string;
  counters: string;
  group: string;
  measure: string;
  count: string;
  total: string;
  itemCount: string;
  overdue: string;
  status: string;
  unit: string;
  conversions: string;
  ratings: string;
  columns: Record<LedgerColumn, string>;
  yes: string;
  no: string;
  none: string;
  minutesVersion: (version: number) => string;
  latestAnswer: string;
  noAnswer: string;
  latestRating: string;
  returnedReason: string;
  page: readonly [string, string, string];
  colon: string;
  listSeparator: string;
  fieldSeparator: string;
  paren: (text: string) => string;
}

/** The columns of the XLSX, in order; the DOCX names its facts with the same words. */
export const LEDGER_COLUMNS = [
  'id',
  'title',
  'category',
  'priority',
  'status',
  'leadUnit',
  'coUnits',
  'dueDate',
  'overdue',
  'topic',
  'session',
  'source',
  'raisedBy',
  'rating',
  'conversion',
  'reference',
  'updatedAt',
] as const;
export type LedgerColumn = (typeof LEDGER_COLUMNS)[number];

const zhCN: LedgerLabels = {
  ...VALUE_NAMES['zh-CN'],
  ledger: '问题台账',
  summary: '问题台账汇总',
  filter: '筛选',
  everything: '全部事项',
  exportedAt: '导出时间',
  counters: '统计',
  group: '类别',
  measure: '项目',
  count: '数量',
  total: '总体',
  itemCount: '事项总数',
  overdue: '逾期',
  status: '状态',
  unit: '承办单位',
  conversions: '成果转化',
  ratings: '最新评价',
  columns: {
    id: '编号',
    title: '事项',
    category: '类别',
    priority: '优先级',
    status: '状态',
    leadUnit: '承办单位',
    coUnits: '协办单位',
    dueDate: '办理时限',
    overdue: '是否逾期',
    topic: '议题',
    session: '会议',
    source: '来源',
    raisedBy: '提出委员',
    rating: '最新评价',
    conversion: '成果转化',
    reference: '转化文号',
    updatedAt: '最后变更时间',
  },
  yes: '是',
  no: '否',
  none: '无',
  minutesVersion: (version) => `第 ${version} 版纪要`,
  latestAnswer: '最新答复',
  noAnswer: '尚无答复',
  latestRating: '委员评价',
  returnedReason: '退回理由',
  page: ['第 ', ' 页，共 ', ' 页'],
  colon: '：',
  listSeparator: '、',
  fieldSeparator: '；',
  paren: (text) => `（${text}）`,
};

const en: LedgerLabels = {
  ...VALUE_NAMES.en,
  ledger: 'Outcome ledger',
  summary: 'Outcome ledger: summary',
  filter: 'Filter',
  everything: 'all items',
  exportedAt: 'Exported',
  counters: 'Counters',
  group: 'Group',
  measure: 'Measure',
  count: 'Count',
  total: 'Overall',
  itemCount: 'Items',
  overdue: 'Overdue',
  status: 'Status',
  unit: 'Unit',
  conversions: 'Conversions',
  ratings: 'Latest rating',
  columns: {
    id: 'ID',
    title: 'Title',
    category: 'Category',
    priority: 'Priority',
    status: 'Status',
    leadUnit: 'Lead unit',
    coUnits: 'Co-units',
    dueDate: 'Due date',
    overdue: 'Overdue',
    topic: 'Topic',
    session: 'Session',
    source: 'Source',
    raisedBy: 'Raised by',
    rating: 'Latest rating',
    conversion: 'Conversion',
    reference: 'Reference no.',
    updatedAt: `Last change (${DEFAULT_TIME_ZONE})`,
  },
  yes: 'yes',
  no: 'no',
  none: 'None',
  minutesVersion: (version) => `minutes v${version}`,
  latestAnswer: 'Latest answer',
  noAnswer: 'No answer yet',
  latestRating: "Members' rating",
  returnedReason: 'Returned because',
  page: ['Page ', ' of ', ''],
  colon: ': ',
  listSeparator: ', ',
  fieldSeparator: '; ',
  paren: (text) => ` (${text})`,
};

export const LEDGER_LABELS: Record<Locale, LedgerLabels> = { 'zh-CN': zhCN, en };

/** A moment as the committee's wall clock shows it: YYYY-MM-DD HH:mm. */
export function wallClock(at: number): string {
  const p = zonedParts(at, DEFAULT_TIME_ZONE);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** One item's facts as the exports write them, names in `l`'s language. */
export function ledgerFacts(item: LedgerItem, now: number, l: LedgerLabels) {
  const rating = item.evaluations.at(-1)?.rating;
  const source = l.ledgerSource[item.source.kind];
  return {
    id: item.id,
    title: item.title,
    category: item.category,
    priority: l.priority[item.priority],
    status: l.ledgerStatus[item.status],
    leadUnit: item.leadUnit ?? '',
    coUnits: item.coUnits.join(l.listSeparator),
    dueDate: item.dueDate,
    overdue: isOverdue(item, ledgerToday(now)),
    topic: item.topicId,
    session: sessionOf(item),
    source:
      'minutesVersion' in item.source ? `${source}${l.paren(l.minutesVersion(item.source.minutesVersion))}` : source,
    raisedBy: item.raisedBy.map((p) => p.name).join(l.listSeparator),
    rating: rating ? l.rating[rating] : '',
    conversion: item.conversion ? l.conversion[item.conversion.kind] : '',
    reference: item.conversion?.reference ?? '',
    updatedAt: item.updatedAt,
  } satisfies Record<LedgerColumn, unknown>;
}

/** The filter in words: 议题 ledger-a；状态 已答复 — or "all items". */
export function describeFilter(filter: LedgerFilter, l: LedgerLabels): string {
  const parts = [
    ...(filter.topicId !== undefined ? [`${l.columns.topic} ${filter.topicId}`] : []),
    ...(filter.status !== undefined ? [`${l.status} ${l.ledgerStatus[filter.status]}`] : []),
    ...(filter.unit !== undefined ? [`${l.unit} ${filter.unit}`] : []),
  ];
  return parts.length > 0 ? parts.join(l.fieldSeparator) : l.everything;
}

/** What no file name may hold (path separators, Windows' reserved characters, controls). */
const NOT_IN_FILE_NAME = /[\\/:*?"<>|\p{Cc}\s]+/gu;

/** An export's file name: the date, then the filter — ledger-2026-12-04-topic-a-answered-县教育局.xlsx. */
export function ledgerFileName(filter: LedgerFilter, now: number, extension: 'xlsx' | 'docx'): string {
  const parts = [
    'ledger',
    ledgerToday(now),
    ...(filter.topicId !== undefined ? [`topic-${filter.topicId}`] : []),
    ...(filter.status !== undefined ? [filter.status] : []),
    ...(filter.unit !== undefined ? [filter.unit] : []),
  ];
  return `${parts.map((p) => p.replace(NOT_IN_FILE_NAME, '_')).join('-')}.${extension}`;
}
