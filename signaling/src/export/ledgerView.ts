import {
  type By,
  DEFAULT_TIME_ZONE,
  isOverdue,
  type LedgerEvent,
  type LedgerItem,
  type LedgerSource,
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
  sector: string;
  conversions: string;
  ratings: string;
  columns: Record<LedgerColumn, string>;
  history: Record<HistoryColumn, string>;
  /** The filter "overdue" (true) and "not overdue" (false). */
  overdueFilter: Record<'true' | 'false', string>;
  yes: string;
  no: string;
  none: string;
  minutesVersion: (version: number) => string;
  answerNumber: (answer: number) => string;
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

/** The columns of the XLSX's history: every change of every item. */
export const HISTORY_COLUMNS = ['id', 'title', 'at', 'actor', 'role', 'change', 'details', 'note'] as const;
export type HistoryColumn = (typeof HISTORY_COLUMNS)[number];

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
  sector: '界别',
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
  history: {
    id: '编号',
    title: '事项',
    at: '时间',
    actor: '操作人',
    role: '角色',
    change: '变更',
    details: '内容',
    note: '理由 / 意见',
  },
  overdueFilter: { true: '已逾期', false: '未逾期' },
  yes: '是',
  no: '否',
  none: '无',
  minutesVersion: (version) => `第 ${version} 版纪要`,
  answerNumber: (answer) => `第 ${answer} 次答复`,
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
  sector: 'Sector',
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
  history: {
    id: 'ID',
    title: 'Title',
    at: `Time (${DEFAULT_TIME_ZONE})`,
    actor: 'By',
    role: 'Role',
    change: 'Change',
    details: 'Details',
    note: 'Reason / comment',
  },
  overdueFilter: { true: 'overdue', false: 'not overdue' },
  yes: 'yes',
  no: 'no',
  none: 'None',
  minutesVersion: (version) => `minutes v${version}`,
  answerNumber: (answer) => `answer ${answer}`,
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

/** One item's facts as the exports write them, names in `l`'s language; overdue as of `today` (`ledgerToday`). */
export function ledgerFacts(item: LedgerItem, today: string, l: LedgerLabels) {
  const rating = item.evaluations.at(-1)?.rating;
  return {
    id: item.id,
    title: item.title,
    category: item.category,
    priority: l.priority[item.priority],
    status: l.ledgerStatus[item.status],
    leadUnit: item.leadUnit ?? '',
    coUnits: item.coUnits.join(l.listSeparator),
    dueDate: item.dueDate,
    overdue: isOverdue(item, today),
    topic: item.topicId,
    session: sessionOf(item),
    source: sourceText(item.source, l),
    raisedBy: item.raisedBy.map((p) => p.name).join(l.listSeparator),
    rating: rating ? l.rating[rating] : '',
    conversion: item.conversion ? l.conversion[item.conversion.kind] : '',
    reference: item.conversion?.reference ?? '',
    updatedAt: item.updatedAt,
  } satisfies Record<LedgerColumn, unknown>;
}

function sourceText(source: LedgerSource, l: LedgerLabels): string {
  const name = l.ledgerSource[source.kind];
  return 'minutesVersion' in source ? `${name}${l.paren(l.minutesVersion(source.minutesVersion))}` : name;
}

/**
 * One change of an item as the history sheet writes it: who (a unit's person with their unit),
 * in what role, what changed with its details, and the reason or comment given.
 */
export function historyFacts(event: LedgerEvent, l: LedgerLabels) {
  const { data } = event;
  const [details, note] = ((): [string, string] => {
    switch (event.type) {
      case 'ledger.registered':
        return [
          `${sourceText(event.data.source, l)}${l.fieldSeparator}${l.columns.category}${l.colon}${event.data.category}`,
          '',
        ];
      case 'ledger.assigned': {
        const { leadUnit, coUnits, dueDate } = event.data;
        const parts = [
          `${l.columns.leadUnit}${l.colon}${leadUnit}`,
          ...(coUnits.length > 0 ? [`${l.columns.coUnits}${l.colon}${coUnits.join(l.listSeparator)}`] : []),
          ...(dueDate !== null ? [`${l.columns.dueDate}${l.colon}${dueDate}`] : []),
        ];
        return [parts.join(l.fieldSeparator), ''];
      }
      case 'ledger.updated':
      case 'ledger.answered':
        return [event.data.text, ''];
      case 'ledger.returned':
        return ['', event.data.reason];
      case 'ledger.evaluated':
        return [`${l.rating[event.data.rating]}${l.paren(l.answerNumber(event.data.answer))}`, event.data.comment];
      case 'ledger.converted':
        return [`${l.conversion[event.data.kind]} ${event.data.reference}`.trim(), ''];
      case 'ledger.started':
      case 'ledger.closed':
        return ['', ''];
    }
  })();
  return {
    at: event.at,
    actor: actorName(data, l),
    role: l.ledgerActor[data.byRole],
    change: l.ledgerChange[event.type],
    details,
    note,
  };
}

/**
 * Who made a change: the committee office and the system by their role (the organiser key has no
 * person's name), a unit's person with their unit, anyone else by name.
 */
export function actorName(who: By, l: Pick<LedgerLabels, 'ledgerActor' | 'paren'>): string {
  if (who.byRole === 'organiser' || who.byRole === 'system') return l.ledgerActor[who.byRole];
  return who.byUnit !== undefined ? `${who.byName}${l.paren(who.byUnit)}` : who.byName;
}

/** The filter in words: 议题 ledger-a；状态 已答复 — or "all items". */
export function describeFilter(filter: LedgerFilter, l: LedgerLabels): string {
  const parts = [
    ...(filter.topicId !== undefined ? [`${l.columns.topic} ${filter.topicId}`] : []),
    ...(filter.status !== undefined ? [`${l.status} ${l.ledgerStatus[filter.status]}`] : []),
    ...(filter.unit !== undefined ? [`${l.unit} ${filter.unit}`] : []),
    ...(filter.sector !== undefined ? [`${l.sector} ${filter.sector}`] : []),
    ...(filter.overdue !== undefined ? [l.overdueFilter[`${filter.overdue}`]] : []),
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
    ...(filter.sector !== undefined ? [filter.sector] : []),
    ...(filter.overdue !== undefined ? [filter.overdue ? 'overdue' : 'not-overdue'] : []),
  ];
  return `${parts.map((p) => p.replace(NOT_IN_FILE_NAME, '_')).join('-')}.${extension}`;
}
