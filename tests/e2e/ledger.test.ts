import fs from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signUnitToken } from '../../signaling/src/auth/tokens.js';
import { useBrowserRoom } from '../support/browser.js';
import { RestClient } from '../support/rest.js';

/**
 * The outcome ledger's loop in real Chromium, through the pages (clicks and typing) against a
 * real server with a real mediasoup worker: the secretary adds an action item to the minutes and
 * the chair finalizes them → the item is in the office's ledger with its session; a member
 * submits a problem of their own, the office assigns it → the unit, opening its link on a phone,
 * sees its inbox (overdue first), starts, posts progress and answers both → the member rates the
 * answer (不满意 reopens it; the second answer is rated 满意) → the office converts and closes
 * it → the XLSX the office downloads holds every change of both items.
 */

const ORGANISER_KEY = 'organiser-key-for-the-ledger-pages-0123';
const ROOM = 'ledger-e2e';
const UNIT = '县交通运输局';
const PLACE: BrowserContextOptions = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const DESKTOP: BrowserContextOptions = { ...PLACE, viewport: { width: 1280, height: 800 }, acceptDownloads: true };
const PHONE_WIDTH = 360;
const PHONE: BrowserContextOptions = {
  ...PLACE,
  viewport: { width: PHONE_WIDTH, height: 740 },
  isMobile: true,
  hasTouch: true,
};

const SCREENSHOTS = path.resolve('test-results/screenshots');

/** A full-page screenshot for a human to look at (test-results/screenshots/). */
async function shoot(page: Page, name: string): Promise<void> {
  await fs.mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A day in the committee's zone, `days` from today: due dates the workflow compares with. */
const day = (days: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(Date.now() + days * 86_400_000);

const room = useBrowserRoom({ roomId: ROOM, env: { ORGANISER_KEY }, context: DESKTOP });

/** Waits until the item page shows `status` (its data attribute follows the server's answer). */
const itemStatus = (page: Page, status: string) =>
  page.waitForSelector(`[data-testid="ledger-item"][data-status="${status}"]`);

/** Takes step `action` on the item page: fills its text (if any), submits, waits until the server took it. */
async function step(page: Page, action: string, text?: string): Promise<void> {
  const form = page.getByTestId(`step-${action}`);
  if (text !== undefined) await form.getByRole('textbox').first().fill(text);
  const before = Number(await page.getByTestId('ledger-item').getAttribute('data-version'));
  await form.getByTestId(`step-${action}-submit`).click();
  await page.waitForSelector(`[data-testid="ledger-item"][data-version="${before + 1}"]`);
}

/** The steps the page offers its viewer now. */
const offered = (page: Page) =>
  page.locator('[data-testid="ledger-steps"] form').evaluateAll((forms) => forms.map((f) => f.dataset.testid));

/** The timeline as [change, who] pairs. */
const timeline = (page: Page) =>
  page
    .getByTestId('timeline-entry')
    .evaluateAll((items) =>
      items.map((li) => [
        li.querySelector('strong')?.textContent ?? '',
        li.querySelector('.ledger-by')?.textContent ?? '',
      ]),
    );

async function expectNoSideScroll(page: Page, where: string): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth), where).toBeLessThanOrEqual(PHONE_WIDTH);
}

describe('the outcome ledger in the browser', () => {
  it('takes an action item from the minutes and a member’s problem to the unit, the rating and the XLSX', async () => {
    const { server } = room;
    const minutesItem = { title: '增开高山村校车线路', due: day(-1) };

    // --- The secretary adds an action item (its due date passed yesterday) and submits; the chair finalizes.
    const chair = await room.open('chair', { name: '王主席', role: 'chair' });
    const secretary = await room.open('secretary', { name: '李秘书', role: 'secretary' });
    await secretary.click('[data-testid="tab-minutes"]');
    await secretary.getByRole('textbox', { name: '事项', exact: true }).fill(minutesItem.title);
    await secretary.getByRole('textbox', { name: '承办单位', exact: true }).fill(UNIT);
    await secretary.getByLabel('完成时限', { exact: true }).fill(minutesItem.due);
    await secretary
      .locator('form.inline-form', { has: secretary.getByRole('textbox', { name: '承办单位' }) })
      .getByRole('button', { name: '添加' })
      .click();
    await secretary.locator('.actions-table tbody tr', { hasText: minutesItem.title }).waitFor();
    await secretary.getByRole('button', { name: '提交审核' }).click();
    await chair.click('[data-testid="tab-minutes"]');
    await chair.locator('#minutes-heading', { hasText: '审核中' }).waitFor();
    await chair.getByRole('button', { name: '定稿', exact: true }).click();
    await secretary.locator('#minutes-heading', { hasText: '已定稿' }).waitFor();
    // The ledger takes the finalization as it is applied: wait until it has, over the REST API.
    const rest = new RestClient(server.url);
    await expect
      .poll(async () => ((await rest.get('/ledger', ORGANISER_KEY)).json as { items: unknown[] }).items.length)
      .toBe(1);

    // --- The office signs in with its key: the item is in the ledger with its session, overdue.
    const office = await room.newPage();
    // A link whose token is none of ours says so, and the office may still sign in.
    await office.goto(`${server.url}/ledger#token=not-a-token`);
    await office.getByTestId('key-error').waitFor();
    expect(await office.getByTestId('key-error').textContent()).toBe(
      '链接中的凭证无法识别。请使用委员会办公室发送的完整链接。',
    );
    expect(office.url()).toBe(`${server.url}/ledger#/`);
    await office.getByLabel('主办方密钥').fill(ORGANISER_KEY);
    await office.getByRole('button', { name: '进入' }).click();
    await office.getByRole('heading', { level: 1, name: '问题台账' }).waitFor();
    const overdueRow = office.getByTestId('ledger-overdue').getByTestId('ledger-row');
    await overdueRow.first().waitFor();
    expect(await overdueRow.count()).toBe(1);
    expect(await overdueRow.getAttribute('data-overdue')).toBe('true');
    const actionItemId = (await overdueRow.getAttribute('data-item-id')) ?? '';
    expect(actionItemId).toMatch(new RegExp(`^${ROOM}\\.`));
    const rowText = (await overdueRow.textContent()) ?? '';
    for (const text of [
      minutesItem.title,
      '已交办',
      '已逾期',
      UNIT,
      minutesItem.due,
      ROOM,
      '纪要承办事项（第 1 版纪要）',
    ]) {
      expect(rowText, text).toContain(text);
    }
    await office.getByTestId('overdue-notice').waitFor();
    expect(await office.getByTestId('overdue-notice').getAttribute('data-count')).toBe('1');
    expect(await office.getByTestId('count-overdue').locator('dd').textContent()).toBe('1');
    await shoot(office, 'ledger-office-desktop');

    // --- The secretary opens Yishi again: the room says one item is overdue and links to it.
    await secretary.reload();
    await secretary.waitForSelector('[data-testid="room"][data-phase="joined"]', { timeout: 30_000 });
    await secretary.getByTestId('room-overdue').waitFor();
    await shoot(secretary, 'ledger-room-notice-desktop');
    expect(await secretary.getByTestId('room-overdue').textContent()).toContain('本议题有 1 项承办事项已逾期');
    const [secretaryLedger] = await Promise.all([
      secretary.context().waitForEvent('page'),
      secretary.getByTestId('room-ledger-link').click(),
    ]);
    await secretaryLedger.getByRole('heading', { level: 1, name: `本议题问题台账（${ROOM}）` }).waitFor();
    expect(secretaryLedger.url()).toBe(`${server.url}/ledger#/?overdue=true`);
    await secretaryLedger.locator(`[data-testid="ledger-row"][data-item-id="${actionItemId}"]`).waitFor();
    await secretaryLedger.getByRole('link', { name: minutesItem.title }).click();
    await itemStatus(secretaryLedger, 'assigned');
    // The office's part only: reassign or convert; the unit's steps are not offered.
    expect(await offered(secretaryLedger)).toEqual(['step-assign', 'step-convert']);

    // --- A member submits a problem of their own from the ledger page (on a phone).
    const zhangToken = server.token({ sub: 'member-zhang', name: '张委员', role: 'member', room: ROOM });
    const member = await room.newPage(PHONE);
    await member.goto(`${server.url}/ledger#token=${zhangToken}`);
    await member.getByRole('heading', { level: 1, name: '我提出的问题' }).waitFor();
    expect(member.url()).toBe(`${server.url}/ledger#/`);
    await member.getByTestId('ledger-new').click();
    await member.getByTestId('register-title').fill('校车停靠点无遮雨棚');
    await member.getByTestId('register-category').fill('交通');
    await member.getByTestId('register-submit').click();
    await itemStatus(member, 'registered');
    const problemId = (await member.getByTestId('ledger-item').getAttribute('data-item-id')) ?? '';
    expect(await offered(member)).toEqual([]);
    await expectNoSideScroll(member, 'the member’s item');

    // --- The office assigns it to the unit (the form is sent with Enter).
    await office.goto(`${server.url}/ledger#/items/${encodeURIComponent(problemId)}`);
    await itemStatus(office, 'registered');
    expect(await office.locator('[data-fact="raisedBy"] dd').textContent()).toBe('张委员');
    await office.getByTestId('step-assign').locator('input[type="date"]').fill(day(30));
    const before = Number(await office.getByTestId('ledger-item').getAttribute('data-version'));
    await office.getByTestId('step-assign-unit').fill(UNIT);
    await office.getByTestId('step-assign-unit').press('Enter');
    await office.waitForSelector(`[data-testid="ledger-item"][data-version="${before + 1}"]`);
    await itemStatus(office, 'assigned');
    expect(await office.getByTestId('step-done').textContent()).toBe('已交办。');

    // --- The unit opens its link on a phone: its inbox, the overdue item first.
    const unitToken = signUnitToken(server.tokens, { sub: 'unit-jtj', name: '陈科长', role: 'unit', unit: UNIT }, 3600);
    const unit = await room.newPage(PHONE);
    await unit.goto(`${server.url}/ledger#token=${unitToken}`);
    await unit.getByRole('heading', { level: 1, name: `${UNIT} · 待办事项` }).waitFor();
    expect(unit.url()).not.toContain(unitToken);
    expect(await unit.evaluate(() => Object.values(sessionStorage))).toContain(unitToken);
    await unit.getByTestId('overdue-notice').waitFor();
    await unit.getByTestId('ledger-overdue').getByTestId('ledger-row').first().waitFor();
    await unit.getByTestId('ledger-items').getByTestId('ledger-row').first().waitFor();
    const inbox = await unit
      .getByTestId('ledger-row')
      .evaluateAll((rows) => rows.map((r) => [r.dataset.itemId, r.dataset.overdue]));
    expect(inbox).toEqual([
      [actionItemId, 'true'],
      [problemId, 'false'],
    ]);
    await expectNoSideScroll(unit, 'the unit’s inbox');
    await shoot(unit, 'ledger-unit-inbox-phone');

    // The minutes' item: start, post progress; a blank answer is refused, the reason read out beside the form.
    await unit.getByRole('link', { name: minutesItem.title }).click();
    await itemStatus(unit, 'assigned');
    expect(await offered(unit)).toEqual(['step-start', 'step-update', 'step-answer', 'step-return']);
    await step(unit, 'start');
    await itemStatus(unit, 'in_progress');
    await step(unit, 'update', '已与教育局完成线路勘察。');
    await unit.getByTestId('step-answer-text').fill('   ');
    await unit.getByTestId('step-answer-submit').click();
    await unit.getByTestId('step-answer-error').waitFor();
    expect(await unit.getByTestId('step-answer-error').textContent()).toMatch(/^请求无效：text: /);
    expect(await unit.getByTestId('step-answer-error').getAttribute('role')).toBe('alert');
    await step(unit, 'answer', '已开通高山村往返校车线路，每日两班。');
    await itemStatus(unit, 'answered');
    expect(await offered(unit)).toEqual([]);
    await expectNoSideScroll(unit, 'the unit’s item');
    await shoot(unit, 'ledger-unit-item-phone');

    // The member's problem: answered from the inbox.
    await unit.goto(`${server.url}/ledger#/`);
    await unit.getByRole('link', { name: '校车停靠点无遮雨棚' }).click();
    await itemStatus(unit, 'assigned');
    await step(unit, 'answer', '已在停靠点加装遮雨棚。');
    await itemStatus(unit, 'answered');

    // --- The member rates the answer: 不满意 reopens it for a second answer, rated 满意.
    expect(member.url()).toBe(`${server.url}/ledger#/items/${encodeURIComponent(problemId)}`);
    await member.reload();
    await itemStatus(member, 'answered');
    expect(await offered(member)).toEqual(['step-evaluate']);
    await shoot(member, 'ledger-member-rate-phone');
    await member.getByLabel('不满意').check();
    await member.getByTestId('step-evaluate-comment').fill('只装了一侧。');
    await step(member, 'evaluate');
    await itemStatus(member, 'in_progress');
    expect(await offered(member)).toEqual([]);

    await unit.reload();
    await itemStatus(unit, 'in_progress');
    await step(unit, 'answer', '两侧停靠点均已加装遮雨棚。');
    await member.reload();
    await itemStatus(member, 'answered');
    expect(await member.getByTestId('step-evaluate').locator('legend').textContent()).toBe('对第 2 次答复的评价');
    await member.getByLabel('满意', { exact: true }).check();
    await step(member, 'evaluate');
    await itemStatus(member, 'evaluated');
    expect(await timeline(member)).toEqual([
      ['登记', '张委员 · 委员'],
      ['交办', '委员会办公室'],
      ['答复', `陈科长（${UNIT}） · 承办单位`],
      ['评价', '张委员 · 委员'],
      ['答复', `陈科长（${UNIT}） · 承办单位`],
      ['评价', '张委员 · 委员'],
    ]);

    // --- The office records the conversion and closes it.
    await office.reload();
    await itemStatus(office, 'evaluated');
    expect(await offered(office)).toEqual(['step-close', 'step-convert']);
    await office.getByTestId('step-convert-kind').selectOption('proposal');
    await office.getByTestId('step-convert-reference').fill('提案第 0137 号');
    await step(office, 'convert');
    await step(office, 'close');
    await itemStatus(office, 'closed');
    expect(await offered(office)).toEqual([]);

    // --- The XLSX the office downloads from the list (filtered to the topic) has every change of both items.
    await office.goto(`${server.url}/ledger#/`);
    await office.getByTestId('filter-topic').selectOption(ROOM);
    await office.getByTestId('filter-apply').click();
    await office.waitForURL(`${server.url}/ledger#/?topic=${ROOM}`);
    await office.getByTestId('ledger-counters').getByTestId('count-items').waitFor();
    expect(await office.getByTestId('count-proposal').locator('dd').textContent()).toBe('1');
    const [download] = await Promise.all([office.waitForEvent('download'), office.getByTestId('export-xlsx').click()]);
    expect(download.suggestedFilename()).toBe(`ledger-${day(0)}-topic-${ROOM}.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await fs.readFile(await download.path())) as unknown as ArrayBuffer);

    const items = book.getWorksheet('台账 Ledger') as ExcelJS.Worksheet;
    const statuses = new Map<string, unknown>();
    items.eachRow((row, n) => {
      if (n > 1) statuses.set(String(row.getCell(1).value), row.getCell(5).value);
    });
    expect(statuses).toEqual(
      new Map([
        [actionItemId, '已答复'],
        [problemId, '已办结'],
      ]),
    );

    const history = book.getWorksheet('历史 History') as ExcelJS.Worksheet;
    const changes: unknown[][] = [];
    history.eachRow((row, n) => {
      if (n === 1) return;
      const [id, , at, actor, role, change, details, note] = (row.values as unknown[]).slice(1);
      expect(at, `row ${n}`).toBeInstanceOf(Date);
      const which = id === actionItemId ? 'action' : id === problemId ? 'problem' : id;
      changes.push([which, actor, role, change, details ?? null, note ?? null]);
    });
    expect(changes).toEqual([
      ['action', '系统', '系统', '登记', '纪要承办事项（第 1 版纪要）；类别：承办事项', null],
      ['action', '系统', '系统', '交办', `承办单位：${UNIT}`, null],
      ['action', `陈科长（${UNIT}）`, '承办单位', '开始办理', null, null],
      ['action', `陈科长（${UNIT}）`, '承办单位', '办理进展', '已与教育局完成线路勘察。', null],
      ['action', `陈科长（${UNIT}）`, '承办单位', '答复', '已开通高山村往返校车线路，每日两班。', null],
      ['problem', '张委员', '委员', '登记', '委员提交；类别：交通', null],
      ['problem', '委员会办公室', '委员会办公室', '交办', `承办单位：${UNIT}；办理时限：${day(30)}`, null],
      ['problem', `陈科长（${UNIT}）`, '承办单位', '答复', '已在停靠点加装遮雨棚。', null],
      ['problem', '张委员', '委员', '评价', '不满意（第 1 次答复）', '只装了一侧。'],
      ['problem', `陈科长（${UNIT}）`, '承办单位', '答复', '两侧停靠点均已加装遮雨棚。', null],
      ['problem', '张委员', '委员', '评价', '满意（第 2 次答复）', null],
      ['problem', '委员会办公室', '委员会办公室', '成果转化', '提案 提案第 0137 号', null],
      ['problem', '委员会办公室', '委员会办公室', '办结', null, null],
    ]);

    // The page speaks English too.
    await office.getByTestId('lang-switch').click();
    await office.getByRole('heading', { level: 1, name: 'Outcome ledger' }).waitFor();
    expect(await office.getByTestId('export-xlsx').textContent()).toBe('Download Excel (with history)');
  });
});
