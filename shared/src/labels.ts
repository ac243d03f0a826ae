import type { ActionStatus, EntryKind, MinutesStatus, Stance } from './domain/types.js';
import type { LedgerEventType } from './ledger/events.js';
import type { ConversionKind, LedgerActor, LedgerSource, LedgerStatus, Priority, Rating } from './ledger/types.js';
import type { Role } from './roles.js';

/** The languages of the client and of the exported minutes; zh-CN is the default. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** What each of the domain's values is called in one language; every value of each union has a name. */
export interface ValueNames {
  role: Record<Role, string>;
  kind: Record<EntryKind, string>;
  stance: Record<Stance, string>;
  minutesStatus: Record<MinutesStatus, string>;
  actionStatus: Record<ActionStatus, string>;
  ledgerStatus: Record<LedgerStatus, string>;
  ledgerSource: Record<LedgerSource['kind'], string>;
  priority: Record<Priority, string>;
  rating: Record<Rating, string>;
  conversion: Record<ConversionKind, string>;
  /** Who changed a ledger item, by role (the organiser key is the committee office). */
  ledgerActor: Record<LedgerActor['role'], string>;
  /** What each change of a ledger item is called in its history. */
  ledgerChange: Record<LedgerEventType, string>;
}

/**
 * The names on screen and in the minutes alike: the client's catalogue and the export both take
 * them from here, so the two never call one thing differently.
 */
export const VALUE_NAMES: Record<Locale, ValueNames> = {
  'zh-CN': {
    role: {
      chair: '主持人',
      secretary: '秘书',
      member: '委员',
      guest: '特邀',
      unit: '承办单位',
      site: '分会场',
      observer: '列席',
    },
    kind: { point_of_order: '程序性发言', reply: '插话提问', contribution: '发言' },
    stance: { support: '赞成', neutral: '中立', oppose: '反对' },
    minutesStatus: { draft: '草稿', under_review: '审核中', finalized: '已定稿' },
    actionStatus: { open: '待办', in_progress: '办理中', done: '已办结', dropped: '已撤销' },
    ledgerStatus: {
      registered: '已登记',
      assigned: '已交办',
      in_progress: '办理中',
      answered: '已答复',
      evaluated: '已评价',
      closed: '已办结',
      returned: '已退回',
    },
    ledgerSource: {
      action: '纪要承办事项',
      consensus: '协商意见',
      site_visit: '实地视察',
      research: '调研成果',
      submission: '委员提交',
    },
    priority: { normal: '一般', high: '重要', urgent: '紧急' },
    rating: { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' },
    conversion: { proposal: '提案', public_opinion: '社情民意信息', solved_on_site: '现场解决' },
    ledgerActor: {
      organiser: '委员会办公室',
      secretary: '秘书',
      chair: '主持人',
      member: '委员',
      unit: '承办单位',
      system: '系统',
    },
    ledgerChange: {
      'ledger.registered': '登记',
      'ledger.assigned': '交办',
      'ledger.started': '开始办理',
      'ledger.updated': '办理进展',
      'ledger.answered': '答复',
      'ledger.returned': '退回',
      'ledger.evaluated': '评价',
      'ledger.closed': '办结',
      'ledger.converted': '成果转化',
    },
  },
  en: {
    role: {
      chair: 'Chair',
      secretary: 'Secretary',
      member: 'Member',
      guest: 'Guest',
      unit: 'Handling unit',
      site: 'Site',
      observer: 'Observer',
    },
    kind: { point_of_order: 'Point of order', reply: 'Interposed question', contribution: 'Contribution' },
    stance: { support: 'For', neutral: 'Neutral', oppose: 'Against' },
    minutesStatus: { draft: 'Draft', under_review: 'Under review', finalized: 'Finalized' },
    actionStatus: { open: 'Open', in_progress: 'In progress', done: 'Done', dropped: 'Dropped' },
    ledgerStatus: {
      registered: 'Registered',
      assigned: 'Assigned',
      in_progress: 'In progress',
      answered: 'Answered',
      evaluated: 'Evaluated',
      closed: 'Closed',
      returned: 'Returned',
    },
    ledgerSource: {
      action: 'Action item of minutes',
      consensus: 'Consensus point',
      site_visit: 'Site visit',
      research: 'Research finding',
      submission: "Member's submission",
    },
    priority: { normal: 'Normal', high: 'High', urgent: 'Urgent' },
    rating: { satisfied: 'Satisfied', basically_satisfied: 'Basically satisfied', unsatisfied: 'Unsatisfied' },
    conversion: { proposal: 'Proposal', public_opinion: 'Public-opinion report', solved_on_site: 'Solved on site' },
    ledgerActor: {
      organiser: 'Committee office',
      secretary: 'Secretary',
      chair: 'Chair',
      member: 'Member',
      unit: 'Handling unit',
      system: 'System',
    },
    ledgerChange: {
      'ledger.registered': 'Registered',
      'ledger.assigned': 'Assigned',
      'ledger.started': 'Started',
      'ledger.updated': 'Progress',
      'ledger.answered': 'Answered',
      'ledger.returned': 'Returned',
      'ledger.evaluated': 'Rated',
      'ledger.closed': 'Closed',
      'ledger.converted': 'Converted',
    },
  },
};
