import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerItemDetail } from '@yishi/shared';
import { signUnitToken } from '../../signaling/src/auth/tokens.js';
import { errorCode, type RestResponse, RestClient } from '../support/rest.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The ledger's exports and pages over the real server: items made through the API, the XLSX read
 * back with exceljs and the DOCX with jszip — filtered and scoped as the list is (a unit's file
 * holds its items only, a member gets none); pages walked to the end give the whole listing once,
 * in order, and no cursor, however edited, shows a unit another unit's items.
 */

const ORGANISER_KEY = 'organiser-key-for-the-ledger-export-tests';
const JYJ = '县教育局';
const WJW = '县卫健委';
let server: TestServer;
let rest: RestClient;
let jyj: string;
let wjw: string;
let zhang: string;

interface Row {
  id: string;
  title: string;
  status: string;
  topicId: string;
  leadUnit: string | null;
}

async function ok(res: Promise<RestResponse>, status = 200): Promise<RestResponse> {
  const done = await res;
  expect(done.status, done.text).toBe(status);
  return done;
}

const post = (path: string, auth: string, body: unknown = {}) =>
  ok(rest.post(path, auth, body), path === '/ledger' ? 201 : 200);

async function item(auth: string, topicId: string, title: string, more: Record<string, unknown> = {}): Promise<string> {
  const res = await post('/ledger', auth, { topicId, title, category: '教育', source: 'site_visit', ...more });
  return (res.json as Row).id;
}

async function list(auth: string, query = ''): Promise<Row[]> {
  return ((await ok(rest.get(`/ledger${query}`, auth))).json as { items: Row[] }).items;
}

async function workbook(res: RestResponse): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(res.bytes as unknown as ArrayBuffer);
  return book;
}

/** The rows of a sheet below its header, as arrays of cell values (column 1 first; null when empty). */
function rowsOf(sheet: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  sheet.eachRow((row, n) => {
    if (n > 1) rows.push(Array.from({ length: sheet.columnCount }, (_, i) => row.getCell(i + 1).value ?? null));
  });
  return rows;
}

/** The DOCX's paragraphs as plain text. */
async function paragraphs(res: RestResponse): Promise<string[]> {
  const xml = (await (await JSZip.loadAsync(res.bytes)).file('word/document.xml')?.async('string')) ?? '';
  return xml
    .split('</w:p>')
    .map((p) => [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''))
    .filter(Boolean);
}

/** The file name a response's Content-Disposition gives (its UTF-8 form when it has one). */
function fileName(res: RestResponse): string | undefined {
  const header = res.headers.get('content-disposition') ?? '';
  const utf8 = /filename\*=UTF-8''([^;]+)/.exec(header)?.[1];
  return utf8 ? decodeURIComponent(utf8) : /filename="?([^";]+)"?/.exec(header)?.[1];
}

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

let answered: string;
let overdue: string;

beforeAll(async () => {
  server = await startTestServer({ env: { ORGANISER_KEY }, rooms: [] });
  rest = new RestClient(server.url);
  for (const id of ['exp-a', 'exp-b']) {
    await ok(rest.post('/topics', ORGANISER_KEY, { id, title: '乡村学校交通', organiser: '县政协' }), 201);
  }
  jyj = signUnitToken(server.tokens, { sub: 'unit-jyj', name: '刘科长', role: 'unit', unit: JYJ }, 3600);
  wjw = signUnitToken(server.tokens, { sub: 'unit-wjw', name: '王主任', role: 'unit', unit: WJW }, 3600);
  zhang = server.token({ sub: 'member-zhang', name: '张委员', role: 'member', room: 'exp-a' });

  // exp-a: a member's problem answered by 县教育局, rated and converted; one overdue for 县卫健委
  // with 县教育局 as co-unit; one still registered. exp-b: one for 县卫健委.
  answered = await item(zhang, 'exp-a', '高山村学生上学路远', { source: 'submission' });
  await post(`/ledger/${answered}/assign`, ORGANISER_KEY, { leadUnit: JYJ, dueDate: '2099-09-01' });
  await post(`/ledger/${answered}/answer`, jyj, { text: '已协调开通往返校车。' });
  await post(`/ledger/${answered}/evaluate`, zhang, { rating: 'basically_satisfied', comment: '冬季班次偏少' });
  await post(`/ledger/${answered}/convert`, ORGANISER_KEY, { kind: 'public_opinion', reference: '社情民意第 12 期' });
  overdue = await item(ORGANISER_KEY, 'exp-a', '村卫生室缺少儿科医生');
  await post(`/ledger/${overdue}/assign`, ORGANISER_KEY, { leadUnit: WJW, coUnits: [JYJ], dueDate: '2020-01-31' });
  await item(ORGANISER_KEY, 'exp-a', '校车停靠点无遮雨棚');
  const b = await item(ORGANISER_KEY, 'exp-b', '镇卫生院夜间值班');
  await post(`/ledger/${b}/assign`, ORGANISER_KEY, { leadUnit: WJW });
});

afterAll(async () => {
  await server?.close();
});

describe('GET /api/ledger.xlsx', () => {
  it('has a sheet of the items a list shows, with bilingual headers, frozen and filtered, and the counters', async () => {
    const res = await ok(rest.get('/ledger.xlsx?topic=exp-a', ORGANISER_KEY));
    expect(res.headers.get('content-type')).toContain('spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(fileName(res)).toBe(`ledger-${today()}-topic-exp-a.xlsx`);
    const book = await workbook(res);
    const [items, counters] = book.worksheets as [ExcelJS.Worksheet, ExcelJS.Worksheet];
    expect(items.name).toBe('台账 Ledger');
    expect(items.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(items.autoFilter).toBe('A1:Q1');
    const header = (items.getRow(1).values as string[]).slice(1);
    expect(header.slice(0, 5)).toEqual([
      '编号\nID',
      '事项\nTitle',
      '类别\nCategory',
      '优先级\nPriority',
      '状态\nStatus',
    ]);
    expect(items.getColumn(2).width).toBe(40);

    const listed = await list(ORGANISER_KEY, '?topic=exp-a');
    const rows = rowsOf(items);
    expect(rows.map((r) => r[0])).toEqual(listed.map((r) => r.id));
    const byId = new Map(rows.map((r) => [r[0], r]));
    const [
      ,
      title,
      category,
      priority,
      status,
      lead,
      co,
      due,
      late,
      topic,
      session,
      source,
      raisedBy,
      rating,
      kind,
      ref,
    ] = byId.get(answered) as unknown[];
    expect([title, category, priority, status, lead, co, late, topic, session, source, raisedBy]).toEqual([
      '高山村学生上学路远',
      '教育',
      '一般',
      '已评价',
      JYJ,
      null,
      '否',
      'exp-a',
      'exp-a',
      '委员提交',
      '张委员',
    ]);
    expect((due as Date).toISOString().slice(0, 10)).toBe('2099-09-01');
    expect([rating, kind, ref]).toEqual(['基本满意', '社情民意信息', '社情民意第 12 期']);
    const late_ = byId.get(overdue) as unknown[];
    expect([late_[4], late_[5], late_[6], late_[8]]).toEqual(['已交办', WJW, JYJ, '是']);
    expect((late_[16] as Date).getTime()).toBeGreaterThan(Date.UTC(2025, 0, 1));

    const counts = (await ok(rest.get('/ledger/counts?topic=exp-a', ORGANISER_KEY))).json as {
      items: number;
      overdue: number;
    };
    expect(counters.name).toBe('统计 Counts');
    const figures = rowsOf(counters).filter((r) => typeof r[2] === 'number');
    expect(figures.slice(0, 2)).toEqual([
      ['总体', '事项总数', counts.items],
      ['总体', '逾期', counts.overdue],
    ]);
    expect(figures).toContainEqual(['状态', '已评价', 1]);
    expect(figures).toContainEqual(['成果转化', '社情民意信息', 1]);
    expect(figures).toContainEqual(['最新评价', '基本满意', 1]);
    expect(counts).toMatchObject({ items: 3, overdue: 1 });
  });

  it("gives a unit its own items only, a chair its topic's, and applies the filters", async () => {
    const mine = await ok(rest.get('/ledger.xlsx', jyj));
    expect(fileName(mine)).toBe(`ledger-${today()}-${JYJ}.xlsx`);
    const ids = rowsOf((await workbook(mine)).worksheets[0] as ExcelJS.Worksheet).map((r) => r[0]);
    expect(ids).toEqual([answered, overdue]);
    expect(ids).toEqual((await list(jyj)).map((r) => r.id));

    const wjwRows = rowsOf(
      (await workbook(await ok(rest.get('/ledger.xlsx', wjw)))).worksheets[0] as ExcelJS.Worksheet,
    );
    expect(wjwRows.map((r) => [r[9], r[4]])).toEqual([
      ['exp-a', '已交办'],
      ['exp-b', '已交办'],
    ]);

    const chair = server.token({ sub: 'chair-b', name: '主持人', role: 'chair', room: 'exp-b' });
    const chairRows = rowsOf(
      (await workbook(await ok(rest.get('/ledger.xlsx', chair)))).worksheets[0] as ExcelJS.Worksheet,
    );
    expect(chairRows.map((r) => r[9])).toEqual(['exp-b']);

    const registered = await ok(rest.get('/ledger.xlsx?status=registered&lang=en', ORGANISER_KEY));
    const [regRows] = [rowsOf((await workbook(registered)).worksheets[0] as ExcelJS.Worksheet)];
    expect(regRows.map((r) => [r[1], r[4]])).toEqual([['校车停靠点无遮雨棚', 'Registered']]);
  });

  it('has a sheet of every change of every exported item: when, who, in what role, what, and why', async () => {
    const book = await workbook(await ok(rest.get('/ledger.xlsx?topic=exp-a', ORGANISER_KEY)));
    const sheet = book.getWorksheet('历史 History') as ExcelJS.Worksheet;
    expect(book.worksheets.map((w) => w.name)).toEqual(['台账 Ledger', '统计 Counts', '历史 History']);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect((sheet.getRow(1).values as string[]).slice(1)).toEqual([
      '编号\nID',
      '事项\nTitle',
      '时间\nTime (Asia/Shanghai)',
      '操作人\nBy',
      '角色\nRole',
      '变更\nChange',
      '内容\nDetails',
      '理由 / 意见\nReason / comment',
    ]);
    const rows = rowsOf(sheet);
    // Every event of every listed item, item by item in the listing's order.
    const listed = await list(ORGANISER_KEY, '?topic=exp-a');
    const histories = await Promise.all(
      listed.map(
        async (r) => ((await ok(rest.get(`/ledger/${r.id}`, ORGANISER_KEY))).json as LedgerItemDetail).history,
      ),
    );
    expect(rows.map((r) => r[0])).toEqual(listed.flatMap((r, i) => (histories[i] ?? []).map(() => r.id)));
    // Each change's time is the committee's wall clock (Asia/Shanghai, UTC+8), to the minute, as Excel keeps dates.
    const shanghaiMinute = (at: string) => new Date(Date.parse(at) + 8 * 3_600_000).toISOString().slice(0, 16);
    expect(rows.map((r) => (r[2] as Date).toISOString().slice(0, 16))).toEqual(
      histories.flatMap((h) => (h ?? []).map((e) => shanghaiMinute(e.at))),
    );
    expect(rows.filter((r) => r[0] === answered).map((r) => r.slice(1, 2).concat(r.slice(3)))).toEqual([
      ['高山村学生上学路远', '张委员', '委员', '登记', '委员提交；类别：教育', null],
      ['高山村学生上学路远', '委员会办公室', '委员会办公室', '交办', '承办单位：县教育局；办理时限：2099-09-01', null],
      ['高山村学生上学路远', '刘科长（县教育局）', '承办单位', '答复', '已协调开通往返校车。', null],
      ['高山村学生上学路远', '张委员', '委员', '评价', '基本满意（第 1 次答复）', '冬季班次偏少'],
      ['高山村学生上学路远', '委员会办公室', '委员会办公室', '成果转化', '社情民意信息 社情民意第 12 期', null],
    ]);
    // A unit's file has the history of its own items only.
    const unitRows = rowsOf((await workbook(await ok(rest.get('/ledger.xlsx', jyj)))).getWorksheet('历史 History')!);
    expect(new Set(unitRows.map((r) => r[0]))).toEqual(new Set([answered, overdue]));
  });

  it('lists, counts and exports the overdue items only, or those not overdue', async () => {
    expect((await list(ORGANISER_KEY, '?overdue=true')).map((r) => r.id)).toEqual([overdue]);
    const onTime = (await list(ORGANISER_KEY, '?overdue=false')).map((r) => r.id);
    expect(onTime).toHaveLength((await list(ORGANISER_KEY)).length - 1);
    expect(onTime).not.toContain(overdue);
    expect((await ok(rest.get('/ledger/counts?overdue=true', ORGANISER_KEY))).json).toMatchObject({
      items: 1,
      overdue: 1,
    });
    const page = (await ok(rest.get(`/ledger?overdue=true&unit=${encodeURIComponent(JYJ)}&limit=1`, jyj))).json as {
      items: Row[];
      nextCursor: string | null;
    };
    expect([page.items.map((r) => r.id), page.nextCursor]).toEqual([[overdue], null]);
    const res = await ok(rest.get('/ledger.xlsx?overdue=true', ORGANISER_KEY));
    expect(fileName(res)).toBe(`ledger-${today()}-overdue.xlsx`);
    expect(rowsOf((await workbook(res)).worksheets[0] as ExcelJS.Worksheet).map((r) => r[0])).toEqual([overdue]);
    const docx = await paragraphs(await ok(rest.get('/ledger.docx?overdue=false&lang=en', ORGANISER_KEY)));
    expect(docx[1]).toBe('Filter: not overdue');
    for (const bad of ['?overdue=1', '?overdue=yes', '?overdue=']) {
      const refused = await rest.get(`/ledger${bad}`, ORGANISER_KEY);
      expect([bad, refused.status, errorCode(refused)]).toEqual([bad, 400, 'INVALID_REQUEST']);
    }
  });

  it('is refused to a member, a stranger, another room and a bad query', async () => {
    const member = await rest.get('/ledger.xlsx', zhang);
    expect([member.status, errorCode(member)]).toEqual([403, 'NOT_ALLOWED']);
    const stranger = await rest.get('/ledger.xlsx');
    expect([stranger.status, errorCode(stranger)]).toEqual([401, 'UNAUTHENTICATED']);
    const chair = server.token({ sub: 'chair-b', name: '主持人', role: 'chair', room: 'exp-b' });
    const other = await rest.get('/ledger.xlsx?topic=exp-a', chair);
    expect([other.status, errorCode(other)]).toEqual([403, 'NOT_ALLOWED']);
    for (const bad of ['?status=lost', '?limit=10', '?lang=fr', '?unit=']) {
      const res = await rest.get(`/ledger.xlsx${bad}`, ORGANISER_KEY);
      expect([bad, res.status, errorCode(res)]).toEqual([bad, 400, 'INVALID_REQUEST']);
    }
  });
});

describe('GET /api/ledger.docx', () => {
  it('summarises the filtered items: title, filter and date, counters, items by status with answers and ratings', async () => {
    const res = await ok(rest.get('/ledger.docx?topic=exp-a', ORGANISER_KEY));
    expect(res.headers.get('content-type')).toContain('wordprocessingml.document');
    expect(fileName(res)).toBe(`ledger-${today()}-topic-exp-a.docx`);
    const text = await paragraphs(res);
    expect(text.slice(0, 2)).toEqual(['问题台账汇总', '筛选：议题 exp-a']);
    expect(text[2]).toMatch(new RegExp(`^导出时间：${today()} \\d\\d:\\d\\d$`));
    expect(text).toContain('统计');
    expect(text.indexOf('事项总数') + 1).toBe(text.indexOf('3'));
    // Sections in the workflow's order, each with its items.
    const sections = ['已登记（1）', '已交办（1）', '已评价（1）'].map((h) => text.indexOf(h));
    expect(sections.every((i, n) => i > 0 && (n === 0 || i > (sections[n - 1] as number)))).toBe(true);
    expect(text).toContain('1. 高山村学生上学路远（教育）');
    expect(text).toContain('承办单位：县教育局；办理时限：2099-09-01；来源：委员提交；议题：exp-a；提出委员：张委员');
    expect(text.find((p) => p.startsWith('最新答复（县教育局、'))).toMatch(/：已协调开通往返校车。$/);
    expect(text).toContain('委员评价：基本满意；冬季班次偏少');
    expect(text).toContain('成果转化：社情民意信息（社情民意第 12 期）');
    expect(text).toContain(
      '承办单位：县卫健委；协办单位：县教育局；办理时限：2020-01-31（逾期）；来源：实地视察；议题：exp-a',
    );
    expect(text).toContain('尚无答复');
    expect(text.join('\n')).not.toContain('镇卫生院夜间值班');
  });

  it("holds a unit's own items only, in English when asked, and is refused to a member", async () => {
    const text = await paragraphs(await ok(rest.get('/ledger.docx?lang=en', wjw)));
    expect(text.slice(0, 2)).toEqual(['Outcome ledger: summary', `Filter: Unit ${WJW}`]);
    const titles = text.filter((p) => /^\d+\. /.test(p));
    expect(titles).toEqual(['1. 村卫生室缺少儿科医生 (教育)', '2. 镇卫生院夜间值班 (教育)']);
    expect(text).toContain('Assigned (2)');
    const member = await rest.get('/ledger.docx', zhang);
    expect([member.status, errorCode(member)]).toEqual([403, 'NOT_ALLOWED']);
  });
});

describe('GET /api/ledger pages', () => {
  beforeAll(async () => {
    for (let i = 0; i < 7; i++) {
      const id = await item(ORGANISER_KEY, i % 2 ? 'exp-a' : 'exp-b', `分页事项 ${i}`);
      await post(`/ledger/${id}/assign`, ORGANISER_KEY, { leadUnit: i % 3 ? JYJ : WJW });
    }
  });

  async function walk(auth: string, limit: number, query = '') {
    const pages: Row[][] = [];
    let cursor: string | null = null;
    do {
      const after: string = cursor === null ? '' : `&cursor=${cursor}`;
      const page = (await ok(rest.get(`/ledger?limit=${limit}${after}${query}`, auth))).json as {
        items: Row[];
        nextCursor: string | null;
      };
      pages.push(page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return pages;
  }

  it('walks every item exactly once, in the listing order; without a limit it is one list as before', async () => {
    const whole = await ok(rest.get('/ledger', ORGANISER_KEY));
    expect(Object.keys(whole.json as object)).toEqual(['items']);
    const all = (whole.json as { items: Row[] }).items.map((r) => r.id);
    expect(all).toHaveLength(11);
    for (const limit of [1, 3, 11, 500]) {
      const pages = await walk(ORGANISER_KEY, limit);
      expect(pages.flat().map((r) => r.id)).toEqual(all);
      expect(pages.every((p) => p.length <= limit && p.length > 0)).toBe(true);
      expect(pages).toHaveLength(Math.ceil(all.length / limit));
    }
    const unitAll = (await list(jyj, '?topic=exp-a')).map((r) => r.id);
    expect((await walk(jyj, 2, '&topic=exp-a')).flat().map((r) => r.id)).toEqual(unitAll);
  });

  it('refuses a bad limit or cursor and changes nothing', async () => {
    const before = await list(ORGANISER_KEY);
    const cursor = Buffer.from('[1,"a"]').toString('base64url');
    for (const bad of [
      '?limit=0',
      '?limit=501',
      '?limit=ten',
      '?limit=2&cursor=not-a-cursor',
      '?limit=2&cursor=e30',
      `?cursor=${cursor}`,
    ]) {
      const res = await rest.get(`/ledger${bad}`, ORGANISER_KEY);
      expect([bad, res.status, errorCode(res)]).toEqual([bad, 400, 'INVALID_REQUEST']);
    }
    expect(await list(ORGANISER_KEY)).toEqual(before);
  });

  it("shows a unit none of another unit's items, whatever cursor it sends", async () => {
    const own = (await list(jyj)).map((r) => r.id);
    // The office's cursors point at every item in turn, 县卫健委's among them.
    const officePages = await walk(ORGANISER_KEY, 1);
    const positions = officePages.map((p) => p[0] as Row);
    const forged = [
      Buffer.from('[0,"0"]').toString('base64url'),
      Buffer.from(`[0,"${positions[0]?.id}"]`).toString('base64url'),
    ];
    let cursor: string | null = null;
    for (let i = 0; i < positions.length; i++) {
      cursor = (
        (await ok(rest.get(`/ledger?limit=1${cursor ? `&cursor=${cursor}` : ''}`, ORGANISER_KEY))).json as {
          nextCursor: string | null;
        }
      ).nextCursor;
      if (cursor) forged.push(cursor);
    }
    for (const c of forged) {
      const page = (await ok(rest.get(`/ledger?limit=500&cursor=${c}`, jyj))).json as { items: Row[] };
      const ids = page.items.map((r) => r.id);
      expect(
        ids.every((id) => own.includes(id)),
        c,
      ).toBe(true);
      // Whatever its start, the page is the tail of the unit's own listing.
      expect(ids, c).toEqual(own.slice(own.length - ids.length));
    }
  });

  it("gives an item's whole history — who, in what role, when, what — and the steps the caller may take now", async () => {
    const detail = (await ok(rest.get(`/ledger/${answered}`, ORGANISER_KEY))).json as LedgerItemDetail;
    expect(detail.history.map((e) => [e.type, e.data.by, e.data.byName, e.data.byRole])).toEqual([
      ['ledger.registered', 'member-zhang', '张委员', 'member'],
      ['ledger.assigned', 'organiser', 'organiser', 'organiser'],
      ['ledger.answered', 'unit-jyj', '刘科长', 'unit'],
      ['ledger.evaluated', 'member-zhang', '张委员', 'member'],
      ['ledger.converted', 'organiser', 'organiser', 'organiser'],
    ]);
    expect(detail.history[2]?.data).toMatchObject({ byUnit: JYJ, unit: JYJ, text: '已协调开通往返校车。' });
    expect(detail.history[3]?.data).toMatchObject({
      rating: 'basically_satisfied',
      comment: '冬季班次偏少',
      answer: 1,
    });
    const times = detail.history.map((e) => Date.parse(e.at));
    expect(times.every((t, i) => Number.isFinite(t) && t >= (times[i - 1] ?? 0))).toBe(true);
    expect(detail.history.at(-1)?.at).toBe(detail.updatedAt);

    // Evaluated and converted: the office may close it; nobody else may do anything.
    const steps = async (id: string, auth: string) =>
      ((await ok(rest.get(`/ledger/${id}`, auth))).json as LedgerItemDetail).actions;
    expect(await steps(answered, ORGANISER_KEY)).toEqual(['close']);
    expect(await steps(answered, zhang)).toEqual([]);
    expect(await steps(answered, jyj)).toEqual([]);
    // Assigned to 县卫健委 with 县教育局 as co-unit: the lead unit handles it, the co-unit posts progress.
    expect(await steps(overdue, wjw)).toEqual(['start', 'update', 'answer', 'return']);
    expect(await steps(overdue, jyj)).toEqual(['update']);
    const secretary = server.token({ sub: 'sec-a', name: '李秘书', role: 'secretary', room: 'exp-a' });
    const chair = server.token({ sub: 'chair-a', name: '王主席', role: 'chair', room: 'exp-a' });
    expect(await steps(overdue, ORGANISER_KEY)).toEqual(['assign', 'convert']);
    expect(await steps(overdue, secretary)).toEqual(['assign', 'convert']);
    expect(await steps(overdue, chair)).toEqual([]);
  });

  it('keeps /ledger/:itemId for items: the export paths are not taken for item ids', async () => {
    const res = await rest.get('/ledger/xlsx', ORGANISER_KEY);
    expect([res.status, errorCode(res)]).toEqual([404, 'NOT_FOUND']);
    expect((await rest.get('/ledger.xlsx', ORGANISER_KEY)).headers.get('content-type')).toContain('spreadsheetml');
    expect((await rest.get(`/ledger/${answered}`, ORGANISER_KEY)).json).toMatchObject({ id: answered });
  });
});

describe('the sector filter', () => {
  it('lists, counts and exports the items raised by members of a sector (界别), as their invitations name it', async () => {
    const wang = server.token({ sub: 'member-wang', name: '王委员', role: 'member', room: 'exp-b', sector: '教育界' });
    const raised = await item(wang, 'exp-b', '乡村教师周转房不足', { source: 'submission' });
    const education = `?sector=${encodeURIComponent('教育界')}`;
    expect((await list(ORGANISER_KEY, education)).map((r) => r.id)).toEqual([raised]);
    expect(await list(ORGANISER_KEY, `?sector=${encodeURIComponent('农业界')}`)).toEqual([]);
    expect(((await ok(rest.get(`/ledger/${raised}`, wang))).json as LedgerItemDetail).raisedBy).toEqual([
      { id: 'member-wang', name: '王委员', role: 'member', sector: '教育界' },
    ]);
    expect((await ok(rest.get(`/ledger/counts${education}`, ORGANISER_KEY))).json).toMatchObject({ items: 1 });
    const res = await ok(rest.get(`/ledger.xlsx${education}`, ORGANISER_KEY));
    expect(fileName(res)).toBe(`ledger-${today()}-教育界.xlsx`);
    expect(rowsOf((await workbook(res)).worksheets[0] as ExcelJS.Worksheet).map((r) => r[0])).toEqual([raised]);
    expect((await paragraphs(await ok(rest.get(`/ledger.docx${education}`, ORGANISER_KEY))))[1]).toBe(
      '筛选：界别 教育界',
    );
    const bad = await rest.get(`/ledger?sector=${'界'.repeat(33)}`, ORGANISER_KEY);
    expect([bad.status, errorCode(bad)]).toEqual([400, 'INVALID_REQUEST']);
  });
});
