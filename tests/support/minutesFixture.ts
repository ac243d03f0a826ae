import { createHash } from 'node:crypto';
import { canonicalJson, MINUTES_SCHEMA, type MinutesDocument, type Person } from '@yishi/shared';

/**
 * The finalized minutes of a county CPPCC consultation, written out by hand (not folded from
 * events) so the export tests do not depend on the reducer: three sectors, a chair, a secretary,
 * a guest from the handling unit, three speeches (one an interposed question), decisions of the
 * chair, consensus, action items and a promoted comment. The session starts at 02:00Z, which is
 * 10:00 in Asia/Shanghai.
 */

const chair: Person = { id: 'u-wang-jianguo', name: '王建国', role: 'chair' };
const secretary: Person = { id: 'u-zhao-min', name: '赵敏', role: 'secretary' };
const guest: Person = { id: 'u-liu-yang', name: '刘洋', role: 'guest' };
export const zhangWei: Person = { id: 'u-zhang-wei', name: '张伟', role: 'member', sector: '经济界' };
export const chenJing: Person = { id: 'u-chen-jing', name: '陈静', role: 'member', sector: '教育界' };
export const sunLi: Person = { id: 'u-sun-li', name: '孙丽', role: 'member', sector: '教育界' };
export const liQiang: Person = { id: 'u-li-qiang', name: '李强', role: 'member', sector: '农业界' };

const at = (hhmmss: string) => `2025-11-26T${hhmmss}.000Z`;

function present(person: Person, joined: string, left: string) {
  const minutes = Math.round((Date.parse(at(left)) - Date.parse(at(joined))) / 60_000);
  return { ...person, firstJoinedAt: at(joined), lastLeftAt: at(left), presentMinutes: minutes };
}

export const SUMMARIES = {
  zhangWei: '建议设立县域教育均衡发展专项资金，引导社会资本参与乡村学校建设，并建立资金使用绩效评价机制。',
  chenJing: '就专项资金是否覆盖乡村教师周转宿舍建设向县教育局提出询问。',
  liQiang: '建议结合农村寄宿制学校布局调整，统筹校车线路与农村客运班线，保障学生上下学交通安全。',
};

export const CONSENSUS = [
  '乡村学校办学条件改善应纳入县域年度重点民生实事，优先保障薄弱学校。',
  '建立教育、财政、交通等部门联席会商机制，每半年向县政协通报进展。',
];

const speeches: MinutesDocument['speeches'] = [
  {
    turnId: 't-1',
    agendaItemId: 'ag-2',
    speaker: zhangWei,
    site: null,
    kind: 'contribution',
    requestedAt: at('02:03:10'),
    startedAt: at('02:05:00'),
    // Paused for the interposed question, then resumed: 5:12 spoken over 6:27 elapsed.
    endedAt: at('02:11:27'),
    spokenSeconds: 312,
    endReason: 'yielded',
    summary: SUMMARIES.zhangWei,
  },
  {
    turnId: 't-2',
    agendaItemId: 'ag-2',
    speaker: chenJing,
    site: null,
    kind: 'reply',
    requestedAt: at('02:08:50'),
    startedAt: at('02:09:30'),
    endedAt: at('02:10:45'),
    spokenSeconds: 75,
    endReason: 'yielded',
    summary: SUMMARIES.chenJing,
  },
  {
    turnId: 't-3',
    agendaItemId: 'ag-2',
    speaker: liQiang,
    site: null,
    kind: 'contribution',
    requestedAt: at('02:04:00'),
    startedAt: at('02:20:00'),
    endedAt: at('02:27:00'),
    spokenSeconds: 420,
    endReason: 'chair',
    summary: SUMMARIES.liQiang,
  },
];

const document: MinutesDocument = {
  schema: MINUTES_SCHEMA,
  version: 2,
  status: 'finalized',
  timeZone: 'Asia/Shanghai',
  topic: {
    id: 'topic-2025-rural-schools',
    title: '关于推进县域乡村学校教育资源均衡配置的专题协商',
    background: '我县乡村小规模学校占比较高，师资、校舍与交通保障存在短板。',
    proposalNumber: '2025-0137',
    organiser: '县政协教科卫体委员会',
    sectors: ['经济界', '农业界', '教育界'],
    materials: [{ title: '县域义务教育资源配置情况通报', url: 'https://example.org/materials/0137.pdf' }],
  },
  session: {
    id: 'topic-2025-rural-schools',
    place: 'remote',
    status: 'closed',
    scheduledAt: at('02:00:00'),
    openedAt: at('01:50:00'),
    startedAt: at('02:00:00'),
    closedAt: at('03:32:00'),
  },
  chairs: [chair],
  secretaries: [secretary],
  guests: [guest],
  // As minutesDocument sorts it: by sector (no sector first), then name, in zh-CN collation.
  attendance: [
    present(guest, '01:58:00', '03:00:00'),
    present(chair, '01:50:00', '03:32:00'),
    present(secretary, '01:50:00', '03:35:00'),
    present(chenJing, '01:55:00', '03:32:00'),
    present(sunLi, '01:57:00', '03:30:00'),
    present(zhangWei, '01:56:00', '03:32:00'),
    present(liQiang, '01:59:00', '03:25:00'),
  ],
  agenda: [
    { id: 'ag-1', title: '县教育局通报乡村学校资源配置情况', description: null, status: 'done' },
    { id: 'ag-2', title: '委员协商发言', description: '围绕资金、师资、交通三方面建言', status: 'done' },
  ],
  speeches,
  decisions: [
    { at: at('02:00:00'), by: chair.name, kind: 'session_started', detail: '' },
    { at: at('02:30:00'), by: chair.name, kind: 'list_closed', detail: '' },
  ],
  consensus: CONSENSUS,
  actions: [
    {
      id: 'act-1',
      title: '研究制定乡村教师周转宿舍建设三年计划',
      ownerUnit: '县教育局',
      dueDate: '2026-03-31',
      status: 'open',
    },
    {
      id: 'act-2',
      title: '优化农村学生校车线路并与客运班线衔接',
      ownerUnit: '县交通运输局',
      dueDate: '2026-06-30',
      status: 'in_progress',
    },
  ],
  promotedComments: [
    {
      id: 'c-7',
      author: sunLi,
      text: '赞同张伟委员的建议，专项资金应向薄弱学校倾斜。',
      stance: 'support',
      createdAt: at('02:12:40'),
    },
  ],
  notes: '县教育局刘洋同志到会听取意见并作回应。\n会议纪要经主持人审定后印发。',
  invitations: [
    {
      at: '2025-11-20T01:00:00.000Z',
      invitee: chair,
      issuer: { id: 'organiser', name: 'organiser', role: 'organiser' },
      expiresAt: '2025-11-30T01:00:00.000Z',
    },
    {
      at: '2025-11-24T03:00:00.000Z',
      invitee: guest,
      issuer: { id: chair.id, name: chair.name, role: 'chair' },
      expiresAt: '2025-11-27T03:00:00.000Z',
    },
  ],
  statistics: { participants: 7, speeches: 3, speakingSeconds: 807, comments: 12 },
  sites: [],
  polls: [],
};

/** A fresh copy each call, so a test may change it freely. */
export function minutesFixture(): MinutesDocument {
  return structuredClone(document);
}

/**
 * The fixture with a field site (坝坝会) and two quick polls: 水口村 reported 30 then 32 present, its
 * operator named 村民代表 王某 when it held the floor, and it entered its show of hands in both
 * polls; a named poll with the members' answers, and an anonymous one.
 */
export function siteMinutesFixture(): MinutesDocument {
  const doc = minutesFixture();
  doc.speeches.push({
    turnId: 't-4',
    agendaItemId: 'ag-2',
    speaker: { id: 'u-site', name: '村民代表 王某', role: 'site' },
    site: '水口村',
    kind: 'contribution',
    requestedAt: at('02:28:00'),
    startedAt: at('02:29:00'),
    endedAt: at('02:33:00'),
    spokenSeconds: 240,
    endReason: 'yielded',
    summary: '希望校车线路延伸到水口村。',
  });
  doc.sites = [
    {
      name: '水口村',
      operator: '李文书',
      headcounts: [
        { at: at('02:01:00'), count: 30 },
        { at: at('02:40:00'), count: 32 },
      ],
      maxHeadcount: 32,
    },
  ];
  doc.polls = [
    {
      id: 'p-1',
      question: '是否同意将校车线路延伸至水口村？',
      options: ['同意', '不同意', '弃权'],
      anonymous: false,
      askedBy: '王建国',
      openedAt: at('02:35:00'),
      closedAt: at('02:38:00'),
      agendaItemId: 'ag-2',
      counts: [22, 6, 5],
      members: [2, 1, 0],
      answered: 3,
      bySector: [
        { sector: '教育界', counts: [1, 1, 0] },
        { sector: '经济界', counts: [1, 0, 0] },
      ],
      sites: [{ name: '水口村', counts: [20, 5, 5] }],
      answers: [
        { name: '张伟', sector: '经济界', option: 0 },
        { name: '陈静', sector: '教育界', option: 0 },
        { name: '孙丽', sector: '教育界', option: 1 },
      ],
    },
    {
      id: 'p-2',
      question: '优先建设哪一项？',
      options: ['周转宿舍', '校车'],
      anonymous: true,
      askedBy: '王建国',
      openedAt: at('02:41:00'),
      closedAt: null,
      agendaItemId: 'ag-2',
      counts: [18, 16],
      members: [1, 2],
      answered: 3,
      bySector: [],
      sites: [{ name: '水口村', counts: [17, 14] }],
      answers: null,
    },
  ];
  return doc;
}

/** The fixture's content hash, as a finalized version records it (SHA-256 of the canonical JSON). */
export const FIXTURE_HASH = createHash('sha256').update(canonicalJson(document)).digest('hex');
