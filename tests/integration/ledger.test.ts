import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signUnitToken } from '../../signaling/src/auth/tokens.js';
import { HandMadeClient } from '../support/handMadeClient.js';
import { errorCode, RestClient } from '../support/rest.js';
import { ClientPool } from '../support/room.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The outcome ledger over the real server: an action item the secretary adds and the chair
 * finalizes appears in `GET /api/ledger` with its session's id and the unit the minutes name,
 * once, however often the minutes are finalized; the office sees every topic's items, a chair
 * or secretary only their own; bad filters are refused.
 */

const ORGANISER_KEY = 'organiser-key-for-the-ledger-tests-0123';
const pool = new ClientPool();
let server: TestServer;
let rest: RestClient;

beforeAll(async () => {
  server = await startTestServer({ env: { ORGANISER_KEY }, rooms: [] });
  rest = new RestClient(server.url);
  for (const id of ['ledger-a', 'ledger-b']) {
    expect((await rest.post('/topics', ORGANISER_KEY, { id, title: '乡村学校交通', organiser: '县政协' })).status).toBe(
      201,
    );
    expect((await rest.post(`/topics/${id}/open`, ORGANISER_KEY)).status).toBe(200);
  }
});

afterEach(() => pool.closeAll());

afterAll(async () => {
  await server?.close();
});

const tokenOf = (room: string, role: 'chair' | 'secretary' | 'member') =>
  server.token({ sub: `${role}-${room}`, name: role, role, room });

interface Row {
  id: string;
  title: string;
  category: string;
  status: string;
  leadUnit: string | null;
  dueDate: string | null;
  topicId: string;
  sessionId: string;
  source: { kind: string; refId?: string; minutesVersion?: number; agendaItemId?: string | null };
  raisedBy: Array<{ id: string; role: string }>;
}

async function finalizeWithAction(room: string, title: string, ownerUnit: string) {
  const chair = await pool.join(server.url, tokenOf(room, 'chair'), room);
  const secretary = await pool.join(server.url, tokenOf(room, 'secretary'), room);
  const { id } = await secretary.client.call('minutes:addAction', { title, ownerUnit, dueDate: '2026-06-30' });
  await secretary.client.call('minutes:submit', {});
  await chair.client.call('minutes:finalize', {});
  return { chair, secretary, actionId: id as string };
}

async function ledger(auth: string, query = ''): Promise<Row[]> {
  const res = await rest.get(`/ledger${query}`, auth);
  expect(res.status, res.text).toBe(200);
  return (res.json as { items: Row[] }).items;
}

/** The ledger is fed after the finalization is acknowledged: waits (up to 5 s) until `check` holds. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; !(await check()); i++) {
    if (i === 100) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the outcome ledger', () => {
  it('takes the action items of finalized minutes, once, linked to their session and unit', async () => {
    const { chair, secretary, actionId } = await finalizeWithAction('ledger-a', '增开高山村校车线路', '县交通运输局');
    await eventually(async () => (await ledger(ORGANISER_KEY, '?topic=ledger-a')).length > 0, 'the item is in');
    const [row, ...rest_] = await ledger(ORGANISER_KEY, '?topic=ledger-a');
    expect(rest_).toEqual([]);
    expect(row).toMatchObject({
      id: `ledger-a.${actionId}`,
      title: '增开高山村校车线路',
      status: 'assigned',
      leadUnit: '县交通运输局',
      dueDate: '2026-06-30',
      topicId: 'ledger-a',
      sessionId: 'ledger-a',
      source: { kind: 'action', refId: actionId, minutesVersion: 1 },
    });

    // A corrected version finalized again adds nothing twice.
    await secretary.client.call('minutes:reopen', {});
    await secretary.client.call('minutes:submit', {});
    await chair.client.call('minutes:finalize', {});
    await new Promise((r) => setTimeout(r, 300));
    expect((await ledger(ORGANISER_KEY, '?topic=ledger-a')).map((r) => r.id)).toEqual([`ledger-a.${actionId}`]);
  });

  it('shows a chair or secretary their own topic only, the office every topic, with filters', async () => {
    await finalizeWithAction('ledger-b', '核查校车安全隐患', '县教育局');
    await eventually(async () => (await ledger(ORGANISER_KEY, '?topic=ledger-b')).length > 0, 'the item is in');
    const all = await ledger(ORGANISER_KEY);
    expect(new Set(all.map((r) => r.topicId))).toEqual(new Set(['ledger-a', 'ledger-b']));
    expect((await ledger(tokenOf('ledger-b', 'secretary'))).map((r) => r.topicId)).toEqual(['ledger-b']);
    expect((await ledger(ORGANISER_KEY, `?unit=${encodeURIComponent('县教育局')}`)).map((r) => r.topicId)).toEqual([
      'ledger-b',
    ]);
    expect(await ledger(ORGANISER_KEY, '?status=closed')).toEqual([]);

    const otherRoom = await rest.get('/ledger?topic=ledger-a', tokenOf('ledger-b', 'chair'));
    expect([otherRoom.status, errorCode(otherRoom)]).toEqual([403, 'NOT_ALLOWED']);
    // A member sees only what they raised: nothing here.
    expect(await ledger(tokenOf('ledger-b', 'member'))).toEqual([]);
    for (const bad of ['?status=lost', '?topic=a%3Ab', '?unit=', '?sort=title']) {
      const res = await rest.get(`/ledger${bad}`, ORGANISER_KEY);
      expect([bad, res.status, errorCode(res)]).toEqual([bad, 400, 'INVALID_REQUEST']);
    }
  });

  it('runs the loop: a member submits, the office assigns, the unit answers, the member rates, the office closes', async () => {
    const unitToken = (unit: string, sub: string) =>
      signUnitToken(server.tokens, { sub, name: `${unit}经办人`, role: 'unit', unit }, 3600);
    const jyj = unitToken('县教育局', 'unit-jyj');
    const wjw = unitToken('县卫健委', 'unit-wjw');
    const zhang = server.token({ sub: 'member-zhang', name: '张委员', role: 'member', room: 'ledger-a' });
    const li = server.token({ sub: 'member-li', name: '李委员', role: 'member', room: 'ledger-a' });
    const post = async (path: string, auth: string, body: unknown = {}) => {
      const res = await rest.post(path, auth, body);
      return { status: res.status, code: errorCode(res), row: res.json as Row };
    };

    const submitted = await post('/ledger', zhang, {
      topicId: 'ledger-a',
      title: '高山村学生上学路远',
      category: '教育',
      source: 'submission',
    });
    expect(submitted.status).toBe(201);
    const item = `/ledger/${submitted.row.id}`;
    // A unit token is no room token: it opens no topic and joins no consultation.
    expect((await rest.get('/topics', jyj)).status).toBe(401);
    await expect(HandMadeClient.connect(server.url, jyj, 'ledger-a')).rejects.toMatchObject({
      data: { code: 'UNAUTHENTICATED' },
    });
    expect((await post(`${item}/start`, jyj)).code).toBe('NOT_FOUND'); // not its item yet
    expect(
      (await post(`${item}/assign`, ORGANISER_KEY, { leadUnit: '县教育局', dueDate: '2026-09-01' })).row.status,
    ).toBe('assigned');
    expect((await ledger(jyj)).map((r) => r.id)).toContain(submitted.row.id);
    expect((await ledger(wjw)).map((r) => r.id)).not.toContain(submitted.row.id);
    expect((await post(`${item}/answer`, wjw, { text: '不是我们' })).code).toBe('NOT_FOUND');

    expect((await post(`${item}/start`, jyj)).row.status).toBe('in_progress');
    expect((await post(`${item}/answer`, jyj, { text: '已协调开通校车。' })).row.status).toBe('answered');
    expect((await post(`${item}/evaluate`, li, { rating: 'satisfied' })).code).toBe('NOT_FOUND'); // li did not raise it
    expect((await post(`${item}/evaluate`, zhang, { rating: 'unsatisfied', comment: '只开通了单程' })).row.status).toBe(
      'in_progress',
    );
    expect((await post(`${item}/answer`, jyj, { text: '往返均已开通。' })).row.status).toBe('answered');
    expect((await post(`${item}/evaluate`, zhang, { rating: 'satisfied' })).row.status).toBe('evaluated');
    expect((await post(`${item}/close`, zhang)).code).toBe('NOT_ALLOWED');
    expect(
      (await post(`${item}/convert`, ORGANISER_KEY, { kind: 'proposal', reference: '提案第 0137 号' })).status,
    ).toBe(200);
    expect((await post(`${item}/close`, ORGANISER_KEY)).row.status).toBe('closed');
    // Closed is final; bad bodies and actions are refused and change nothing.
    expect((await post(`${item}/answer`, jyj, { text: '补充' })).code).toBe('CONFLICT');
    expect((await post(`${item}/evaluate`, zhang, { rating: 'great' })).code).toBe('INVALID_REQUEST');
    expect((await post(`${item}/delete`, ORGANISER_KEY)).code).toBe('NOT_FOUND');

    const history = (await rest.get(item, ORGANISER_KEY)).json as {
      status: string;
      answers: unknown[];
      evaluations: Array<{ rating: string; by: string }>;
    };
    expect(history.status).toBe('closed');
    expect(history.answers).toHaveLength(2);
    // The office's counters for the topic: the minutes' item (assigned, due 2026-06-30: overdue
    // since) and this one (closed, converted into a proposal, last rated satisfied).
    const counts = await rest.get('/ledger/counts?topic=ledger-a', ORGANISER_KEY);
    expect(counts.json).toMatchObject({
      items: 2,
      overdue: 1,
      byStatus: { assigned: 1, closed: 1, answered: 0 },
      conversions: { proposal: 1, public_opinion: 0, solved_on_site: 0 },
      ratings: { satisfied: 1, basically_satisfied: 0, unsatisfied: 0 },
    });
    expect(history.evaluations.map((e) => [e.by, e.rating])).toEqual([
      ['member-zhang', 'unsatisfied'],
      ['member-zhang', 'satisfied'],
    ]);
  });

  it('takes consensus points too, and names as raisers the members who spoke on an action’s agenda item', async () => {
    const id = 'ledger-c';
    const topic = await rest.post('/topics', ORGANISER_KEY, {
      id,
      title: '环线桥下空间利用',
      organiser: '市政协',
      agenda: [{ title: '委员发言' }],
    });
    expect(topic.status).toBe(201);
    expect((await rest.post(`/topics/${id}/open`, ORGANISER_KEY)).status).toBe(200);
    const chair = await pool.join(server.url, tokenOf(id, 'chair'), id);
    const secretary = await pool.join(server.url, tokenOf(id, 'secretary'), id);
    const member = await pool.join(server.url, tokenOf(id, 'member'), id);
    const agendaItemId = (await chair.client.call('session:snapshot', {})).session.agenda[0]!.id;
    await chair.client.call('agenda:open', { itemId: agendaItemId });
    const { id: entryId } = await member.client.call('queue:request', { kind: 'contribution' });
    await chair.client.call('floor:grant', { entryId: entryId! });
    await member.client.call('floor:yield', {});
    const action = await secretary.client.call('minutes:addAction', {
      title: '制定桥下空间利用方案',
      ownerUnit: '发展和改革委员会',
      agendaItemId,
    });
    const point = await secretary.client.call('minutes:addConsensus', { text: '桥下空间优先用于停车和健身。' });
    await secretary.client.call('minutes:submit', {});
    await chair.client.call('minutes:finalize', {});

    const topicRows = async () => ledger(ORGANISER_KEY, `?topic=${id}`);
    await eventually(async () => {
      const rows = await topicRows();
      return rows.length === 2 && rows.some((r) => r.status === 'assigned');
    }, 'both items are in, the action assigned');
    const rows = Object.fromEntries((await topicRows()).map((r) => [r.source.kind, r]));
    expect(rows.action).toMatchObject({
      id: `${id}.${action.id}`,
      status: 'assigned',
      source: { kind: 'action', refId: action.id, minutesVersion: 1, agendaItemId },
      raisedBy: [{ id: `member-${id}`, role: 'member' }],
    });
    expect(rows.consensus).toMatchObject({
      id: `${id}.${point.id}`,
      title: '桥下空间优先用于停车和健身。',
      category: '协商共识',
      status: 'registered',
      sessionId: id,
      source: { kind: 'consensus', refId: point.id, minutesVersion: 1, agendaItemId: null },
      raisedBy: [],
    });
    // The member who spoke sees the action they raised, and nothing else.
    expect((await ledger(tokenOf(id, 'member'))).map((r) => r.id)).toEqual([`${id}.${action.id}`]);
  });
});
