import {
  type CommentView,
  emptyState,
  type MinutesView,
  type NotificationName,
  type NotificationPayload,
  NotificationSchemas,
  type QueueView,
  type SessionView,
} from '@yishi/shared';
import { createTopicCommand } from '../../support/domain.js';
import {
  type BadCase,
  bad,
  type Cases,
  COMMENT,
  checkEverySchema,
  ENTRY,
  ID,
  loose,
  str,
  T,
  TURN,
  under,
} from './cases.js';

/** Every notification schema against good and hostile payloads. */

const producerEvent = () => ({ producerId: ID, peerId: 'u-li-hua' });
const producerEventBad = (): BadCase[] => [
  bad('missing peerId', 'peerId', { producerId: ID }),
  bad('producerId longer than 64', 'producerId', { producerId: str(65), peerId: 'u-li-hua' }),
  bad('unknown field', '', { ...producerEvent(), kind: 'audio' }),
];

/** 2025-03-05 09:00 in Asia/Shanghai. */
const chairPerson = { id: 'u-chair', name: '王主席', role: 'chair', sector: '中共' } as const;
const memberPerson = { id: 'u-li-hua', name: '李华', role: 'member', sector: '教育界' } as const;
const guestPerson = { id: 'u-guest', name: '刘处长', role: 'guest' } as const;

function sessionState(): SessionView {
  return {
    version: 12,
    topic: { id: 'topic-2025-07', ...createTopicCommand().fields, status: 'in_session' },
    session: {
      id: 'topic-2025-07',
      status: 'in_progress',
      place: 'remote',
      timeZone: 'Asia/Shanghai',
      scheduledAt: T - 86_400_000,
      openedAt: T - 600_000,
      startedAt: T,
    },
    agenda: [
      { id: 'ag-1', title: '承办单位通报', status: 'done' },
      { id: 'ag-2', title: '委员发言', description: '每位委员三分钟', status: 'current' },
      { id: 'ag-3', title: '形成协商意见', status: 'pending' },
    ],
    settings: {
      mode: 'moderated',
      turnSeconds: { point_of_order: 60, reply: 60, contribution: 180 },
      graceSeconds: 15,
      autoEnd: true,
      fairness: false,
      observersMayComment: false,
    },
  };
}

const turnViewFixture = (over: Partial<NonNullable<QueueView['current']>> = {}) => ({
  id: TURN,
  speaker: memberPerson,
  kind: 'contribution' as const,
  agendaItemId: 'ag-2',
  startedAt: T + 60_000,
  allowedMs: 180_000,
  spokenMs: 42_000,
  remainingMs: 138_000,
  paused: false,
  warned: false,
  ...over,
});

function queueState(): QueueView {
  return {
    version: 15,
    serverNow: T + 102_000,
    mode: 'moderated',
    listClosed: false,
    pointsOfOrderBlocked: false,
    entries: [
      {
        id: ENTRY,
        agendaItemId: 'ag-2',
        speaker: guestPerson,
        kind: 'contribution',
        requestedAt: T + 30_000,
        addedBy: 'u-chair',
      },
    ],
    current: turnViewFixture({ id: 't-2', speaker: chairPerson, kind: 'reply', allowedMs: 60_000 }),
    interrupted: [turnViewFixture({ paused: true })],
  };
}

function commentFixture(over: Partial<CommentView> = {}): CommentView {
  return {
    id: COMMENT,
    agendaItemId: 'ag-2',
    author: memberPerson,
    text: '建议设立乡村教师专项津贴。',
    reactions: {},
    createdAt: T + 75_000,
    ...over,
  };
}

const commentCases = (): Cases<CommentView> => ({
  good: [
    commentFixture(),
    commentFixture({
      id: 'c-2',
      agendaItemId: null,
      replyTo: COMMENT,
      stance: 'support',
      reactions: { agree: ['u-chair', 'u-guest'], applause: [] },
    }),
    // A hidden comment as members see it: who hid it and why, but no text.
    commentFixture({ text: '', hidden: { byName: '王主席', reason: '与议题无关', at: T + 90_000 } }),
  ],
  bad: [
    bad('unknown reaction', 'reactions', commentFixture({ reactions: loose({ like: ['u-chair'] }) })),
    bad('reactor id empty', 'reactions.agree.0', commentFixture({ reactions: { agree: [''] } })),
    bad('unknown stance', 'stance', { ...commentFixture(), stance: 'against' }),
    bad('author without name', 'author.name', { ...commentFixture(), author: { id: 'u1', role: 'member' } }),
    bad('author with an unknown role', 'author.role', {
      ...commentFixture(),
      author: { ...memberPerson, role: 'admin' },
    }),
    bad('createdAt as a string', 'createdAt', { ...commentFixture(), createdAt: '2025-03-05T01:01:15Z' }),
    bad('agendaItemId missing (null must be explicit)', 'agendaItemId', {
      ...commentFixture(),
      agendaItemId: undefined,
    }),
    bad('hidden with the hider’s user id (internal)', 'hidden', {
      ...commentFixture(),
      hidden: { by: 'u-chair', byName: '王主席', reason: '离题', at: T },
    }),
    bad('hidden without reason', 'hidden.reason', { ...commentFixture(), hidden: { byName: '王主席', at: T } }),
    bad('unknown field', '', { ...commentFixture(), score: 3 }),
  ],
});

function minutesState(): MinutesView {
  return {
    version: 31,
    minutes: {
      status: 'draft',
      version: 2,
      summaries: { [TURN]: { text: '李华委员建议设立专项津贴。', updatedAt: T + 400_000, by: 'u-sec' } },
      notes: '会议由王主席主持。',
      consensus: [{ id: 'k-1', text: '各方同意试点教师轮岗。' }],
      actions: [
        { id: 'a-1', title: '制定补充方案', ownerUnit: '市教育局', dueDate: '2025-06-30', status: 'open' },
        { id: 'a-2', title: '测算经费', ownerUnit: '市财政局', status: 'in_progress' },
      ],
      promotedCommentIds: [COMMENT],
      finalized: [{ version: 1, hash: 'ab'.repeat(32), at: T + 3_600_000, by: 'u-chair' }],
    },
    turns: [
      {
        id: TURN,
        speaker: memberPerson,
        kind: 'contribution',
        agendaItemId: 'ag-2',
        startedAt: T + 60_000,
        allowedMs: 180_000,
        spokenMs: 175_500,
        endedAt: T + 240_000,
      },
      {
        id: 't-2',
        speaker: guestPerson,
        kind: 'reply',
        agendaItemId: 'ag-2',
        startedAt: T + 250_000,
        allowedMs: 60_000,
        spokenMs: 1_000,
      },
    ],
    attendance: [
      {
        person: { id: 'u-wang', name: '王委员', role: 'member', sector: '经济界' },
        present: true,
        firstJoinedAt: T,
        presentMs: 600_000,
      },
      {
        person: { id: 'u-li', name: '李秘书', role: 'secretary' },
        present: false,
        firstJoinedAt: T,
        presentMs: 60_000,
      },
    ],
  };
}

/** `minutesState()` with `change` applied to a deep copy (bad cases). */
function minutesWith(change: (m: MinutesView) => void): unknown {
  const copy = minutesState();
  change(copy);
  return copy;
}

const notificationCases: { [K in NotificationName]: Cases<NotificationPayload<K>> } = {
  'peer:joined': {
    good: [
      { id: 'u-li-hua', name: '李华', role: 'member', sector: '教育', joinedAt: 1_732_600_000_000 },
      { id: 'u-obs', name: 'Observer 1', role: 'observer', joinedAt: 1_732_600_000_123 },
      // A unit's representative, by their unit first: longest unit and name.
      {
        id: 'u-unit',
        name: `${'委'.repeat(64)} · ${'张'.repeat(64)}`,
        role: 'unit',
        unit: '委'.repeat(64),
        joinedAt: 1,
      },
    ],
    bad: [
      bad('unknown role', 'role', { id: 'u1', name: '李华', role: 'admin', joinedAt: 1 }),
      bad('empty name', 'name', { id: 'u1', name: '', role: 'member', joinedAt: 1 }),
      bad('name longer than unit · name', 'name', { id: 'u1', name: '长'.repeat(132), role: 'member', joinedAt: 1 }),
      bad('unit longer than 64', 'unit', { id: 'u1', name: 'a', role: 'unit', unit: '委'.repeat(65), joinedAt: 1 }),
      bad('empty unit', 'unit', { id: 'u1', name: 'a', role: 'unit', unit: '', joinedAt: 1 }),
      bad('sector longer than 32', 'sector', { id: 'u1', name: 'a', role: 'member', sector: str(33), joinedAt: 1 }),
      bad('fractional joinedAt', 'joinedAt', { id: 'u1', name: 'a', role: 'member', joinedAt: 1.5 }),
      bad('missing id', 'id', { name: 'a', role: 'member', joinedAt: 1 }),
      bad('unknown field', '', { id: 'u1', name: 'a', role: 'member', joinedAt: 1, token: 'x' }),
    ],
  },
  'peer:left': {
    good: [{ peerId: 'u-li-hua' }],
    bad: [
      bad('empty peerId', 'peerId', { peerId: '' }),
      bad('peerId longer than 128', 'peerId', { peerId: str(129) }),
      bad('missing peerId', 'peerId', {}),
    ],
  },
  'producer:new': {
    good: [
      { producerId: ID, peerId: 'u-li-hua', kind: 'audio', source: 'mic', paused: false },
      { producerId: ID, peerId: 'u-li-hua', kind: 'video', source: 'screen', paused: true },
    ],
    bad: [
      bad('kind is not audio/video', 'kind', {
        producerId: ID,
        peerId: 'u1',
        kind: 'data',
        source: 'mic',
        paused: false,
      }),
      bad('unknown source', 'source', { producerId: ID, peerId: 'u1', kind: 'video', source: 'webcam', paused: false }),
      bad('paused as a string', 'paused', { producerId: ID, peerId: 'u1', kind: 'audio', source: 'mic', paused: 'no' }),
      bad('missing paused', 'paused', { producerId: ID, peerId: 'u1', kind: 'audio', source: 'mic' }),
    ],
  },
  'producer:closed': { good: [producerEvent()], bad: producerEventBad() },
  'producer:paused': { good: [producerEvent()], bad: producerEventBad() },
  'producer:resumed': { good: [producerEvent()], bad: producerEventBad() },
  'consumer:closed': {
    good: [{ consumerId: ID }],
    bad: [
      bad('empty consumerId', 'consumerId', { consumerId: '' }),
      bad('unknown field', '', { consumerId: ID, x: 1 }),
    ],
  },
  'speaker:active': {
    good: [{ peerId: 'u-li-hua' }, { peerId: null }],
    bad: [
      bad('missing peerId (null must be explicit)', 'peerId', {}),
      bad('empty peerId', 'peerId', { peerId: '' }),
      bad('peerId as a number', 'peerId', { peerId: 3 }),
    ],
  },
  'media:reset': {
    good: [{ reason: 'media worker restarted' }],
    bad: [
      bad('reason longer than 256', 'reason', { reason: str(257) }),
      bad('reason as a number', 'reason', { reason: 1 }),
      bad('missing reason', 'reason', {}),
    ],
  },
  'session:state': {
    good: [
      sessionState(),
      (() => {
        // A session just created: nothing scheduled or opened yet, no agenda, no proposal number.
        const { proposalNumber: _p, ...topic } = sessionState().topic;
        return {
          ...sessionState(),
          version: 1,
          topic: { ...topic, materials: [], sectors: [], status: 'draft' as const },
          session: { id: 'topic-2025-07', status: 'scheduled' as const, place: 'remote', timeZone: 'Asia/Shanghai' },
          agenda: [],
        };
      })(),
    ],
    bad: [
      bad('unknown session status', 'session.status', {
        ...sessionState(),
        session: { ...sessionState().session, status: 'running' },
      }),
      bad('unknown topic status', 'topic.status', {
        ...sessionState(),
        topic: { ...sessionState().topic, status: 'done' },
      }),
      bad('topic with its internal timestamps', 'topic', {
        ...sessionState(),
        topic: { ...sessionState().topic, createdAt: T },
      }),
      bad('topic without a title', 'topic.title', {
        ...sessionState(),
        topic: { ...sessionState().topic, title: undefined },
      }),
      bad('material without url', 'topic.materials.0.url', {
        ...sessionState(),
        topic: { ...sessionState().topic, materials: [{ title: '报告' }] },
      }),
      bad('agenda item with an unknown status', 'agenda.1.status', {
        ...sessionState(),
        agenda: [sessionState().agenda[0], { id: 'ag-2', title: '发言', status: 'open' }],
      }),
      bad('settings missing a turn time', 'settings.turnSeconds.reply', {
        ...sessionState(),
        settings: { ...sessionState().settings, turnSeconds: { point_of_order: 60, contribution: 180 } },
      }),
      bad('unknown floor mode', 'settings.mode', {
        ...sessionState(),
        settings: { ...sessionState().settings, mode: 'free' },
      }),
      bad('fractional version', 'version', { ...sessionState(), version: 1.5 }),
      bad('openedAt as a date string', 'session.openedAt', {
        ...sessionState(),
        session: { ...sessionState().session, openedAt: '2025-03-05' },
      }),
      bad('unknown field', '', { ...sessionState(), queue: [] }),
    ],
  },
  'queue:state': {
    good: [
      queueState(),
      {
        version: 3,
        serverNow: T,
        mode: 'open',
        listClosed: true,
        pointsOfOrderBlocked: true,
        entries: [],
        current: null,
        interrupted: [],
      },
      // Overtime: the remaining time goes negative while the grace period runs.
      { ...queueState(), current: turnViewFixture({ spokenMs: 190_000, remainingMs: -10_000, warned: true }) },
    ],
    bad: [
      bad('entry of an unknown kind', 'entries.0.kind', {
        ...queueState(),
        entries: [{ ...queueState().entries[0], kind: 'speech' }],
      }),
      bad('entry speaker with an unknown role', 'entries.0.speaker.role', {
        ...queueState(),
        entries: [{ ...queueState().entries[0], speaker: { ...guestPerson, role: 'admin' } }],
      }),
      bad('entry without addedBy', 'entries.0.addedBy', {
        ...queueState(),
        entries: [{ ...queueState().entries[0], addedBy: undefined }],
      }),
      bad('missing current (null must be explicit)', 'current', { ...queueState(), current: undefined }),
      bad('current turn without its clock', 'current.remainingMs', {
        ...queueState(),
        current: { ...turnViewFixture(), remainingMs: undefined },
      }),
      bad('interrupted turn with paused as a string', 'interrupted.0.paused', {
        ...queueState(),
        interrupted: [{ ...turnViewFixture(), paused: 'yes' }],
      }),
      bad('fractional serverNow', 'serverNow', { ...queueState(), serverNow: T + 0.5 }),
      bad('unknown mode', 'mode', { ...queueState(), mode: 'free' }),
      bad('unknown field', '', { ...queueState(), turns: [] }),
    ],
  },
  'comments:added': (() => {
    const one = commentCases();
    return {
      good: [{ comments: one.good.slice(0, 1) }, { comments: one.good }],
      bad: [
        bad('no comments', 'comments', { comments: [] }),
        bad('a comment alone, not in the list', 'comments', commentFixture()),
        ...one.bad.map((b) => bad(b.why, under('comments.0', b.at), { comments: [b.payload] })),
      ],
    };
  })(),
  'comment:updated': commentCases(),
  'polls:state': {
    good: [
      { version: 1, polls: [] },
      {
        version: 9,
        polls: [
          {
            id: 'p-1',
            question: '是否同意在水口村试点？',
            options: ['同意', '不同意', '弃权'],
            anonymous: false,
            open: true,
            agendaItemId: null,
            openedAt: 1,
            openedBy: '王主席',
            counts: [21, 5, 5],
            members: [1, 0, 0],
            answered: 1,
            bySector: [{ sector: '经济界', counts: [1, 0, 0] }],
            sites: [{ id: 'u-site', name: '水口村', counts: [20, 5, 5] }],
            answers: [{ name: '张委员', sector: '经济界', option: 0 }],
          },
        ],
      },
    ],
    bad: [
      bad('a poll without counts', 'polls.0.counts', {
        version: 1,
        polls: [
          {
            id: 'p-1',
            question: '?',
            options: ['是', '否'],
            anonymous: true,
            open: true,
            agendaItemId: null,
            openedAt: 1,
            openedBy: '王主席',
            members: [0, 0],
            answered: 0,
            bySector: [],
            sites: [],
          },
        ],
      }),
      bad('version missing', 'version', { polls: [] }),
    ],
  },
  'sites:state': {
    good: [
      { version: 1, sites: [] },
      {
        version: 2,
        sites: [{ id: 'u-site', name: '水口村', operator: '李文书', headcount: 30, speakers: ['村民代表 王某'] }],
      },
      { version: 2, sites: [{ id: 'u-site', name: '水口村', headcount: null, speakers: [] }] },
    ],
    bad: [
      bad('a negative headcount', 'sites.0.headcount', {
        version: 1,
        sites: [{ id: 'u-site', name: '水口村', headcount: -1, speakers: [] }],
      }),
      bad('unknown field', 'sites.0', {
        version: 1,
        sites: [{ id: 'u-site', name: '水口村', headcount: 1, speakers: [], present: true }],
      }),
    ],
  },
  'minutes:state': {
    good: [
      minutesState(),
      {
        version: 2,
        minutes: { ...emptyState('topic-2025-07').minutes, status: 'under_review' },
        turns: [],
        attendance: [],
      },
    ],
    bad: [
      bad(
        'unknown minutes status',
        'minutes.status',
        minutesWith((m) => {
          loose(m.minutes).status = 'approved';
        }),
      ),
      bad(
        'finalized version with its whole document (not for the wire)',
        'minutes.finalized.0',
        minutesWith((m) => {
          loose(m.minutes.finalized[0]!).document = { schema: 'yishi.minutes/v1' };
        }),
      ),
      bad(
        'finalized version without hash',
        'minutes.finalized.0.hash',
        minutesWith((m) => {
          delete loose(m.minutes.finalized[0]!).hash;
        }),
      ),
      bad(
        'action with an unknown status',
        'minutes.actions.0.status',
        minutesWith((m) => {
          loose(m.minutes.actions[0]!).status = 'closed';
        }),
      ),
      bad(
        'summary without author',
        `minutes.summaries.${TURN}.by`,
        minutesWith((m) => {
          delete loose(m.minutes.summaries[TURN]!).by;
        }),
      ),
      bad(
        'consensus point as a bare string',
        'minutes.consensus.0',
        minutesWith((m) => {
          (m.minutes.consensus as unknown[])[0] = '同意';
        }),
      ),
      bad(
        'turn without spokenMs',
        'turns.0.spokenMs',
        minutesWith((m) => {
          delete loose(m.turns[0]!).spokenMs;
        }),
      ),
      bad(
        'turn with live clock fields',
        'turns.1',
        minutesWith((m) => {
          loose(m.turns[1]!).remainingMs = 59_000;
        }),
      ),
      bad(
        'missing turns',
        'turns',
        minutesWith((m) => {
          delete loose(m).turns;
        }),
      ),
    ],
  },
  'mic:state': {
    good: [
      { allowed: true, mutedByChair: false },
      { allowed: false, mutedByChair: false },
      { allowed: true, mutedByChair: true },
    ],
    bad: [
      bad('missing mutedByChair', 'mutedByChair', { allowed: true }),
      bad('allowed as a string', 'allowed', { allowed: 'yes', mutedByChair: false }),
      bad('allowed as null', 'allowed', { allowed: null, mutedByChair: false }),
      bad('unknown field', '', { allowed: true, mutedByChair: false, producerId: ID }),
    ],
  },
  'session:replaced': {
    good: [{}],
    bad: [bad('unknown field', '', { by: 'other-tab' }), bad('null', '', null)],
  },
  'session:removed': {
    good: [{ reason: '扰乱会场秩序' }, { reason: '' }],
    bad: [bad('missing reason', 'reason', {}), bad('reason as a number', 'reason', { reason: 1 })],
  },
  'server:draining': {
    good: [{}],
    bad: [bad('unknown field', '', { node: 'a' }), bad('null', '', null)],
  },
  'protocol:error': {
    good: [
      { event: 'transport:create', code: 'INVALID_REQUEST', message: 'request needs an acknowledgement callback' },
    ],
    bad: [
      bad('code outside the closed set', 'code', { event: 'x', code: 'TEAPOT', message: 'short and stout' }),
      bad('message longer than 512', 'message', { event: 'x', code: 'INTERNAL', message: str(513) }),
      bad('event longer than 128', 'event', { event: str(129), code: 'INTERNAL', message: 'm' }),
      bad('missing message', 'message', { event: 'x', code: 'INTERNAL' }),
    ],
  },
};

checkEverySchema('NotificationSchemas', NotificationSchemas, notificationCases);
