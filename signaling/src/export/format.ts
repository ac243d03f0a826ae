import {
  type AgendaStatus,
  type Decision,
  type FloorMode,
  type Locale,
  VALUE_NAMES,
  type ValueNames,
  type ZonedParts,
  zonedParts,
} from '@yishi/shared';

/** The minutes export in the client's languages: zh-CN is what secretaries hand on. */
export type { Locale };

/** What a finalized version adds to an export: its content hash (SHA-256 hex). */
export interface ExportMeta {
  hash?: string | undefined;
}

/**
 * Everything the renderers write that is not the document's own text. Both locales implement this
 * one interface, so a label missing (or misspelt) in either catalogue is a compile error, and the
 * per-value maps must cover every member of the domain's unions. The names of the values the
 * client shows too (roles, kinds, stances, statuses) come from @yishi/shared, as the client's do.
 */
export interface Labels extends ValueNames {
  minutes: string;
  proposalNumber: string;
  background: string;
  date: string;
  place: string;
  organiser: string;
  chairs: string;
  secretaries: string;
  guests: string;
  remote: string;
  attendance: string;
  noSector: string;
  sector: string;
  name: string;
  roleColumn: string;
  present: string;
  statistics: (participants: number, speeches: number, speakingTime: string) => string;
  presentMinutes: (minutes: number) => string;
  agenda: string;
  speeches: string;
  agendaItem: string;
  start: string;
  duration: string;
  noSummary: string;
  decisions: string;
  time: string;
  by: string;
  decision: string;
  detail: string;
  consensus: string;
  actions: string;
  action: string;
  ownerUnit: string;
  dueDate: string;
  status: string;
  promotedComments: string;
  notes: string;
  invitations: string;
  invitedBy: string;
  invitee: string;
  validUntil: string;
  none: string;
  version: string;
  hash: string;
  /** Text around the page number field: before it, between it and the page count, after the count. */
  page: readonly [string, string, string];
  colon: string;
  /** Between names in a list (王建国、赵敏). */
  listSeparator: string;
  /** Between the facts in parentheses after a name (委员，在线 97 分钟). */
  comma: string;
  fieldSeparator: string;
  paren: (text: string) => string;
  formatDate: (p: ZonedParts) => string;
  agendaStatus: Record<AgendaStatus, string>;
  decisionKind: Record<Decision['kind'], string>;
  floorMode: Record<FloorMode, string>;
  pointsOfOrderBlocked: string;
  /** Where a site's speaker spoke ("在水口村"). */
  atSite: (place: string) => string;
  sites: string;
  site: string;
  operator: string;
  headcounts: string;
  /** One headcount report: time and how many. */
  headcountAt: (time: string, count: number) => string;
  polls: string;
  pollsNote: string;
  option: string;
  membersColumn: string;
  total: string;
  askedBy: string;
  anonymous: string;
  named: string;
  stillOpen: string;
  bySector: string;
  answersOf: string;
}

const zhCN: Labels = {
  ...VALUE_NAMES['zh-CN'],
  minutes: '会议纪要',
  proposalNumber: '提案号',
  background: '议题背景',
  date: '时间',
  place: '地点',
  organiser: '组织单位',
  chairs: '主持人',
  secretaries: '记录人',
  guests: '承办单位 / 特邀',
  remote: '线上（远程）',
  attendance: '出席情况',
  noSector: '其他',
  sector: '界别',
  name: '姓名',
  roleColumn: '身份',
  present: '在线时长',
  statistics: (participants, speeches, speakingTime) =>
    `出席 ${participants} 人，发言 ${speeches} 人次，累计发言 ${speakingTime}。`,
  presentMinutes: (minutes) => `${minutes} 分钟`,
  agenda: '议程',
  speeches: '发言',
  agendaItem: '议程',
  start: '开始',
  duration: '时长',
  noSummary: '（未记录摘要）',
  decisions: '主持人决定',
  time: '时间',
  by: '决定人',
  decision: '事项',
  detail: '说明',
  consensus: '协商意见',
  actions: '承办事项',
  action: '事项',
  ownerUnit: '承办单位',
  dueDate: '完成时限',
  status: '状态',
  promotedComments: '纳入纪要的评论',
  notes: '备注',
  invitations: '邀请记录',
  invitedBy: '邀请人',
  invitee: '受邀人',
  validUntil: '有效期至',
  none: '无',
  version: '纪要版本',
  hash: '内容哈希',
  page: ['第 ', ' 页，共 ', ' 页'],
  colon: '：',
  listSeparator: '、',
  comma: '，',
  fieldSeparator: '　',
  paren: (text) => `（${text}）`,
  // Chinese documents write dates without leading zeros: 2025年11月6日.
  formatDate: (p) => `${p.year}年${Number(p.month)}月${Number(p.day)}日`,
  agendaStatus: { pending: '未议', current: '进行中', done: '已议' },
  decisionKind: {
    session_opened: '开放会场',
    session_started: '宣布开会',
    session_adjourned: '宣布休会',
    session_resumed: '宣布复会',
    session_closed: '宣布闭会',
    agenda_opened: '进入议程',
    list_closed: '截止发言登记',
    list_opened: '重新开放发言登记',
    mode_changed: '调整发言模式',
    participant_removed: '请出会场',
  },
  floorMode: { moderated: '主持人控麦', open: '自由发言' },
  pointsOfOrderBlocked: '程序性发言亦截止',
  atSite: (place) => `在${place}`,
  sites: '分会场',
  site: '分会场',
  operator: '操作员',
  headcounts: '到场人数',
  headcountAt: (time, count) => `${time} ${count} 人`,
  polls: '表决与意见征询',
  pollsNote: '以下为协商中的意见征询，仅供参考，不具约束力。',
  option: '选项',
  membersColumn: '委员',
  total: '合计',
  askedBy: '提问人',
  anonymous: '无记名',
  named: '记名',
  stillOpen: '未结束',
  bySector: '按界别',
  answersOf: '记名结果',
};

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const en: Labels = {
  ...VALUE_NAMES.en,
  minutes: 'Minutes',
  proposalNumber: 'Proposal no.',
  background: 'Background',
  date: 'Date',
  place: 'Place',
  organiser: 'Organiser',
  chairs: 'Chair',
  secretaries: 'Secretary',
  guests: 'Responding units / guests',
  remote: 'Online (remote)',
  attendance: 'Attendance',
  noSector: 'Other',
  sector: 'Sector',
  name: 'Name',
  roleColumn: 'Role',
  present: 'Present',
  statistics: (participants, speeches, speakingTime) =>
    `${participants} present, ${speeches} speeches, ${speakingTime} speaking time in total.`,
  presentMinutes: (minutes) => `${minutes} min`,
  agenda: 'Agenda',
  speeches: 'Speeches',
  agendaItem: 'Agenda item',
  start: 'Start',
  duration: 'Duration',
  noSummary: '(no summary recorded)',
  decisions: 'Decisions of the chair',
  time: 'Time',
  by: 'By',
  decision: 'Decision',
  detail: 'Detail',
  consensus: 'Points of consensus',
  actions: 'Action items',
  action: 'Action',
  ownerUnit: 'Owner unit',
  dueDate: 'Due',
  status: 'Status',
  promotedComments: 'Comments entered into the minutes',
  notes: 'Notes',
  invitations: 'Invitations',
  invitedBy: 'Invited by',
  invitee: 'Invitee',
  validUntil: 'Valid until',
  none: 'None',
  version: 'Minutes version',
  hash: 'Content hash',
  page: ['Page ', ' of ', ''],
  colon: ': ',
  listSeparator: ', ',
  comma: ', ',
  fieldSeparator: ' · ',
  paren: (text) => ` (${text})`,
  formatDate: (p) => `${Number(p.day)} ${MONTHS[Number(p.month) - 1]} ${p.year}`,
  agendaStatus: { pending: 'Not reached', current: 'In progress', done: 'Done' },
  decisionKind: {
    session_opened: 'Session opened',
    session_started: 'Session started',
    session_adjourned: 'Session adjourned',
    session_resumed: 'Session resumed',
    session_closed: 'Session closed',
    agenda_opened: 'Agenda item opened',
    list_closed: 'List of speakers closed',
    list_opened: 'List of speakers reopened',
    mode_changed: 'Floor mode changed',
    participant_removed: 'Participant removed',
  },
  floorMode: { moderated: 'moderated', open: 'open' },
  pointsOfOrderBlocked: 'points of order blocked too',
  atSite: (place) => `at ${place}`,
  sites: 'Sites',
  site: 'Site',
  operator: 'Operator',
  headcounts: 'Present',
  headcountAt: (time, count) => `${time}: ${count}`,
  polls: 'Quick polls',
  pollsNote: 'Polls sound out opinion during the consultation; they are consultative, not binding.',
  option: 'Option',
  membersColumn: 'Members',
  total: 'Total',
  askedBy: 'Asked by',
  anonymous: 'anonymous',
  named: 'named',
  stillOpen: 'still open',
  bySector: 'By sector',
  answersOf: 'Who answered what',
};

const CATALOGUES: Record<Locale, Labels> = { 'zh-CN': zhCN, en };

/** The label catalogue of a locale. */
export function labelsFor(locale: Locale): Labels {
  return CATALOGUES[locale];
}

/**
 * Looks a value up in a label map, showing the raw value when the map lacks it: the document
 * types some fields as plain strings (decision kinds), and an unknown value is better shown than
 * dropped.
 */
export function labelOf(map: Readonly<Record<string, string>>, value: string): string {
  return Object.hasOwn(map, value) ? (map[value] as string) : value;
}

/**
 * The calendar fields of an ISO instant in an IANA time zone. Throws a RangeError for an unknown
 * zone or an unparsable time: an export with silently shifted times would be worse than none.
 */
function isoParts(iso: string, timeZone: string): ZonedParts {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not an ISO time: ${iso}`);
  return zonedParts(date, timeZone);
}

/** The local date of an instant, written the locale's way ("2025年11月26日", "26 November 2025"). */
export function formatDate(iso: string, timeZone: string, locale: Locale): string {
  return labelsFor(locale).formatDate(isoParts(iso, timeZone));
}

/** Local wall-clock time, HH:mm. */
export function formatClock(iso: string, timeZone: string): string {
  const p = isoParts(iso, timeZone);
  return `${p.hour}:${p.minute}`;
}

/** Local wall-clock time, HH:mm:ss (speech start times). */
export function formatTime(iso: string, timeZone: string): string {
  const p = isoParts(iso, timeZone);
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** Local date and time to the minute. */
export function formatDateTime(iso: string, timeZone: string, locale: Locale): string {
  return `${formatDate(iso, timeZone, locale)} ${formatClock(iso, timeZone)}`;
}

/** Whether two instants fall on the same calendar day in the zone. */
export function sameLocalDay(a: string, b: string, timeZone: string): boolean {
  const x = isoParts(a, timeZone);
  const y = isoParts(b, timeZone);
  return x.year === y.year && x.month === y.month && x.day === y.day;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A due date as entered: a plain calendar date ("2026-03-31") is shown as that date, never shifted
 * through a time zone (as UTC midnight it would become the day before west of Greenwich); a full
 * timestamp is shown in the zone; anything else as written.
 */
export function formatDueDate(value: string, timeZone: string, locale: Locale): string {
  const m = DATE_ONLY.exec(value);
  if (m) {
    const [, year = '', month = '', day = ''] = m;
    return labelsFor(locale).formatDate({ year, month, day, hour: '00', minute: '00', second: '00' });
  }
  return Number.isNaN(Date.parse(value)) ? value : formatDate(value, timeZone, locale);
}

/** A length of time as mm:ss; minutes keep counting past 59 (a 75-minute total is 75:00). */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const mm = Math.floor(total / 60);
  const ss = total % 60;
  return `${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
}

/** The session's place; 'remote' is the value the server uses for an online-only session. */
export function formatPlace(place: string, labels: Labels): string {
  return place === 'remote' ? labels.remote : place;
}
