import { describe, expect, it } from 'vitest';
import {
  InvitationCreateSchema,
  LedgerExportQuerySchema,
  LedgerFilterQuerySchema,
  LedgerQuerySchema,
  ScheduleSchema,
  TopicCreateSchema,
  TopicUpdateSchema,
  UnitTokenCreateSchema,
} from '@yishi/shared';
import { bad, checkCases, str, T } from './cases.js';

/** The organiser's REST bodies against good and hostile payloads. */

describe('organiser API bodies', () => {
  /** A topic as an organiser posts it, every defaulted field spelled out (so it parses unchanged). */
  const topic = () => ({
    id: 'topic-2025-07',
    title: '关于加强农村学校师资建设的协商',
    background: '全市农村学校教师缺口约三百人。',
    materials: [{ title: '调研报告', url: 'https://example.org/report.pdf' }],
    sectors: ['教育界', '农业界'],
    proposalNumber: '2025-0137',
    organiser: '政协办公厅',
    agenda: [
      { id: 'ag-1', title: '承办单位通报' },
      { title: '委员发言', description: '每位委员三分钟' },
    ],
    timeZone: 'Asia/Shanghai',
    settings: { mode: 'moderated' as const, turnSeconds: { contribution: 240 }, fairness: true },
    scheduledAt: '2025-03-05T09:00:00+08:00',
  });
  const minimal = () => ({
    title: '协商议题',
    background: '',
    materials: [],
    sectors: [],
    organiser: '政协办公厅',
    agenda: [],
  });

  describe('TopicCreateSchema', () => {
    checkCases(TopicCreateSchema, {
      good: [topic(), minimal(), { ...minimal(), scheduledAt: '2025-03-05T01:00:00Z', timeZone: 'Europe/Berlin' }],
      bad: [
        bad('missing title', 'title', { ...minimal(), title: undefined }),
        bad('title of spaces only', 'title', { ...minimal(), title: '   ' }),
        bad('title longer than 200', 'title', { ...minimal(), title: '题'.repeat(201) }),
        bad('missing organiser', 'organiser', { ...minimal(), organiser: undefined }),
        bad('background longer than 10000', 'background', { ...minimal(), background: str(10_001) }),
        bad('id with a slash (it goes into URLs)', 'id', { ...topic(), id: 'topic/1' }),
        bad('id in Chinese', 'id', { ...topic(), id: '议题一' }),
        bad('material with a relative url', 'materials.0.url', {
          ...topic(),
          materials: [{ title: '报告', url: '/files/report.pdf' }],
        }),
        bad('material without title', 'materials.0.title', { ...topic(), materials: [{ url: 'https://example.org' }] }),
        bad('more than 50 materials', 'materials', {
          ...topic(),
          materials: Array.from({ length: 51 }, () => ({ title: 'x', url: 'https://example.org' })),
        }),
        bad('empty sector', 'sectors.0', { ...topic(), sectors: [''] }),
        bad('sector longer than 32', 'sectors.0', { ...topic(), sectors: [str(33)] }),
        bad('empty proposal number', 'proposalNumber', { ...topic(), proposalNumber: '' }),
        bad('agenda item without title', 'agenda.0.title', { ...topic(), agenda: [{ description: 'x' }] }),
        bad('agenda item with a status (the server keeps it)', 'agenda.0', {
          ...topic(),
          agenda: [{ title: '发言', status: 'current' }],
        }),
        bad('more than 50 agenda items', 'agenda', {
          ...topic(),
          agenda: Array.from({ length: 51 }, (_, i) => ({ title: `议程${i}` })),
        }),
        bad('unknown time zone', 'timeZone', { ...topic(), timeZone: 'Mars/Olympus_Mons' }),
        bad('bad settings', 'settings.turnSeconds.contribution', {
          ...topic(),
          settings: { turnSeconds: { contribution: 5 } },
        }),
        bad('scheduledAt without offset', 'scheduledAt', { ...topic(), scheduledAt: '2025-03-05T09:00:00' }),
        bad('scheduledAt as epoch ms', 'scheduledAt', { ...topic(), scheduledAt: T }),
        bad('scheduledAt on a day that does not exist', 'scheduledAt', {
          ...topic(),
          scheduledAt: '2025-02-30T09:00:00+08:00',
        }),
        bad('a status (the lifecycle sets it)', '', { ...topic(), status: 'scheduled' }),
      ],
    });

    it('fills defaults and trims text', () => {
      expect(TopicCreateSchema.parse({ title: '  协商议题 ', organiser: ' 政协办公厅' })).toEqual(minimal());
    });
  });

  describe('TopicUpdateSchema', () => {
    checkCases(TopicUpdateSchema, {
      good: [
        { title: '新标题' },
        { background: '' },
        { materials: [], sectors: ['经济界'], proposalNumber: '2025-0200', organiser: '市政协' },
        { agenda: [{ id: 'ag-1', title: '通报' }, { title: '讨论' }] },
      ],
      bad: [
        bad('nothing to update', '', {}),
        bad('empty title', 'title', { title: '' }),
        bad('title longer than 200', 'title', { title: str(201) }),
        bad('sector longer than 32', 'sectors.0', { sectors: [str(33)] }),
        bad('agenda item with an empty title', 'agenda.0.title', { agenda: [{ title: ' ' }] }),
        bad('settings (changed by the chair in the room, not here)', '', { settings: { mode: 'open' } }),
        bad('id (a topic keeps its id)', '', { id: 'other', title: 'x' }),
      ],
    });
  });

  describe('ScheduleSchema', () => {
    checkCases(ScheduleSchema, {
      good: [{ scheduledAt: '2025-03-05T09:00:00+08:00' }, { scheduledAt: '2025-03-05T01:00:00.000Z' }],
      bad: [
        bad('missing scheduledAt', 'scheduledAt', {}),
        bad('a date without time', 'scheduledAt', { scheduledAt: '2025-03-05' }),
        bad('epoch ms', 'scheduledAt', { scheduledAt: T }),
        bad('no offset', 'scheduledAt', { scheduledAt: '2025-03-05T09:00:00' }),
        bad('unknown field', '', { scheduledAt: '2025-03-05T09:00:00+08:00', open: true }),
      ],
    });
  });

  describe('InvitationCreateSchema (POST /api/topics/:id/invitations)', () => {
    checkCases(InvitationCreateSchema, {
      good: [
        { role: 'member', name: '张委员', sector: '农业界', ttlHours: 72 },
        { role: 'unit', name: '张处长', unit: '发展和改革委员会', ttlHours: 24 },
        { role: 'chair', name: '王主席', sub: 'chair-wang', ttlHours: 720 },
        { role: 'member', personId: 'm-zhang', ttlHours: 72 },
      ],
      bad: [
        bad('a unit without its unit', 'unit', { role: 'unit', name: '张处长' }),
        bad('a member naming a unit', 'unit', { role: 'member', name: '张委员', unit: '发展和改革委员会' }),
        bad('empty unit', 'unit', { role: 'unit', name: '张处长', unit: '  ' }),
        bad('unit longer than 64', 'unit', { role: 'unit', name: '张处长', unit: '委'.repeat(65) }),
        bad('unknown role', 'role', { role: 'admin', name: '张委员' }),
        bad('ttl past 30 days', 'ttlHours', { role: 'member', name: '张委员', ttlHours: 721 }),
        bad('neither a name nor a directory person', 'name', { role: 'member' }),
        bad('both sub and personId', 'personId', { role: 'member', personId: 'm-zhang', sub: 'someone-else' }),
      ],
    });
  });

  describe('UnitTokenCreateSchema (POST /api/units/tokens)', () => {
    checkCases(UnitTokenCreateSchema, {
      good: [
        { unit: '发展和改革委员会', name: '张处长', ttlHours: 72 },
        { unit: '县教育局', name: '刘科长', sub: 'unit-jyj-liu', ttlHours: 720 },
      ],
      bad: [
        bad('missing unit', 'unit', { name: '张处长' }),
        bad('missing name', 'name', { unit: '县教育局' }),
        bad('unit longer than 64', 'unit', { unit: '局'.repeat(65), name: '张处长' }),
        bad('a room (a ledger token has none)', '', { unit: '县教育局', name: '张处长', room: 'topic-1' }),
        bad('a role (it is always unit)', '', { unit: '县教育局', name: '张处长', role: 'chair' }),
        bad('ttl of 0 hours', 'ttlHours', { unit: '县教育局', name: '张处长', ttlHours: 0 }),
      ],
    });
  });

  describe('LedgerQuerySchema (GET /api/ledger)', () => {
    checkCases(LedgerQuerySchema, {
      good: [{}, { topic: 'topic-2025-07', status: 'answered', unit: '县教育局', sector: '教育界' }],
      bad: [
        bad('unknown status', 'status', { status: 'lost' }),
        bad('overdue as 1', 'overdue', { overdue: '1' }),
        bad('overdue empty', 'overdue', { overdue: '' }),
        bad('empty sector', 'sector', { sector: '' }),
        bad('sector longer than 32', 'sector', { sector: '界'.repeat(33) }),
        bad('topic that is no room id', 'topic', { topic: 'a:b' }),
        bad('empty unit', 'unit', { unit: '' }),
        bad('unit longer than 64', 'unit', { unit: '局'.repeat(65) }),
        bad('unknown filter', '', { sort: 'title' }),
        bad('two statuses', 'status', { status: ['answered', 'closed'] }),
        bad('limit 0', 'limit', { limit: '0' }),
        bad('limit past 500', 'limit', { limit: '501' }),
        bad('limit that is no whole number', 'limit', { limit: '1.5' }),
        bad('negative limit', 'limit', { limit: '-1' }),
        bad('limit in words', 'limit', { limit: 'ten' }),
        bad('two limits', 'limit', { limit: ['10', '20'] }),
        bad('cursor of other characters', 'cursor', { limit: '10', cursor: 'a/b+c=' }),
        bad('empty cursor', 'cursor', { limit: '10', cursor: '' }),
        bad('cursor without its limit', 'cursor', { cursor: 'WzEsImEiXQ' }),
      ],
    });

    it('reads overdue as a yes or no', () => {
      expect(LedgerQuerySchema.parse({ overdue: 'true' })).toEqual({ overdue: true });
      expect(LedgerQuerySchema.parse({ overdue: 'false' })).toEqual({ overdue: false });
    });

    it('reads a page: limit as a number, the cursor as it came', () => {
      expect(LedgerQuerySchema.parse({ limit: '500', cursor: 'WzEsImEiXQ', unit: '县教育局' })).toEqual({
        limit: 500,
        cursor: 'WzEsImEiXQ',
        unit: '县教育局',
      });
    });
  });

  describe('LedgerFilterQuerySchema (GET /api/ledger/counts)', () => {
    checkCases(LedgerFilterQuerySchema, {
      good: [{}, { topic: 'topic-2025-07', status: 'closed', unit: '县教育局' }],
      bad: [bad('a page', '', { limit: '10' }), bad('a language', '', { lang: 'en' })],
    });
  });

  describe('LedgerExportQuerySchema (GET /api/ledger.xlsx|.docx)', () => {
    checkCases(LedgerExportQuerySchema, {
      good: [{}, { topic: 'topic-2025-07', status: 'answered', unit: '县教育局', lang: 'en' }, { lang: 'zh-CN' }],
      bad: [
        bad('unknown language', 'lang', { lang: 'fr' }),
        bad('a page', '', { limit: '10' }),
        bad('unknown status', 'status', { status: 'lost' }),
      ],
    });
  });
});
