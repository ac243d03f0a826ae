import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView } from '@yishi/shared';
import { launchChromium } from '../support/browser.js';
import { RestClient } from '../support/rest.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The organiser pages in Chromium, through the UI only: enter the key, create a topic with its
 * agenda, open its session, make a member's invitation, and that link joins the room. Screenshots
 * of every page at desktop and phone sizes go to test-results/screenshots/ for a human to look at.
 */

const ORGANISER_KEY = 'organiser-key-for-the-browser-0123456789';
const SHOTS = path.resolve('test-results/screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await startTestServer({ env: { ORGANISER_KEY }, rooms: [] });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

async function newPage(viewport: { width: number; height: number }, options: { clipboard?: boolean } = {}) {
  const context = await browser.newContext({
    viewport,
    ...(options.clipboard ? { permissions: ['clipboard-read', 'clipboard-write'] } : {}),
  });
  contexts.push(context);
  return context.newPage();
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

/** Opens /organiser and signs in with the key, through the form. */
async function signIn(page: Page): Promise<void> {
  await page.goto(`${server.url}/organiser`);
  await page.getByLabel('主办方密钥').fill(ORGANISER_KEY);
  await page.getByRole('button', { name: '进入' }).click();
  await page.getByRole('heading', { level: 1, name: '协商议题' }).waitFor();
}

describe('the organiser pages', () => {
  it('create a topic, open its session and invite a member who then joins', async () => {
    const page = await newPage(DESKTOP, { clipboard: true });
    await page.goto(`${server.url}/organiser`);
    await shot(page, 'organiser-key-desktop');

    // A wrong key is refused with a message, and nothing is kept.
    await page.getByLabel('主办方密钥').fill('not-the-key-not-the-key');
    await page.getByRole('button', { name: '进入' }).click();
    await expect.poll(() => page.getByTestId('key-error').textContent()).toBe('密钥不正确或已失效，请重新输入。');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    // The right key: kept in this tab's sessionStorage, never in the URL.
    await page.getByLabel('主办方密钥').fill(ORGANISER_KEY);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: '协商议题' }).waitFor();
    expect(page.url()).not.toContain(ORGANISER_KEY);
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([ORGANISER_KEY]);
    expect(await page.evaluate(() => Object.values(localStorage))).not.toContain(ORGANISER_KEY);

    // The create form: fields, a material, three agenda items reordered and one removed.
    await page.getByRole('link', { name: '新建议题' }).click();
    await page.getByRole('heading', { level: 1, name: '新建协商议题' }).waitFor();
    await page.getByLabel('议题名称').fill('关于加强农村饮水安全保障的协商');
    await page.getByLabel('背景介绍').fill('部分山区村组季节性缺水，听取委员和承办单位意见。');
    await page.getByLabel('主办单位').fill('县政协农业和农村委员会');
    await page.getByLabel('提案编号').fill('2025-042');
    await page.getByLabel('相关界别').fill('农业界、经济界');
    await page.getByRole('button', { name: '添加材料' }).click();
    await page.getByLabel('材料 1 名称').fill('调研报告');
    await page.getByLabel('材料 1 链接').fill('https://example.org/report.pdf');
    await page.getByLabel('议程 1 名称').fill('委员协商发言');
    await page.getByRole('button', { name: '添加议程' }).click();
    await page.getByLabel('议程 2 名称').fill('临时议程');
    await page.getByRole('button', { name: '添加议程' }).click();
    // The new row's title takes the focus: type straight into it.
    const third = page.getByLabel('议程 3 名称');
    await expect.poll(() => third.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('承办单位通报办理情况');
    await page.getByLabel('议程 3 说明（可选）').fill('水利局');
    await page.getByRole('button', { name: '上移议程 3' }).click();
    await page.getByRole('button', { name: '上移议程 2' }).click();
    await page.getByRole('button', { name: '删除议程 3' }).click();
    expect(
      await page.getByTestId('agenda-title').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
    ).toEqual(['承办单位通报办理情况', '委员协商发言']);
    await page.getByLabel('会议时间').fill('2030-05-20T09:30');
    await page.getByLabel('自由发言模式').check();
    await page.getByLabel('每人发言时长（秒）').fill('240');
    await shot(page, 'organiser-create-desktop');
    await page.getByRole('button', { name: '创建议题' }).click();

    // The topic page, as the server has it.
    const topicPage = page.getByTestId('topic-page');
    await topicPage.waitFor();
    const id = (await topicPage.getAttribute('data-topic-id')) ?? '';
    expect(page.url()).toBe(`${server.url}/organiser#/topics/${id}`);
    const rest = new RestClient(server.url);
    const created = (await rest.get(`/topics/${id}`, ORGANISER_KEY)).json as SessionView;
    expect(created.topic).toMatchObject({
      title: '关于加强农村饮水安全保障的协商',
      organiser: '县政协农业和农村委员会',
      proposalNumber: '2025-042',
      sectors: ['农业界', '经济界'],
      materials: [{ title: '调研报告', url: 'https://example.org/report.pdf' }],
      status: 'scheduled',
    });
    expect(created.agenda.map((i) => [i.title, i.description])).toEqual([
      ['承办单位通报办理情况', '水利局'],
      ['委员协商发言', undefined],
    ]);
    expect(created.settings).toMatchObject({ mode: 'open', turnSeconds: { contribution: 240 } });
    // Entered and shown in the session's time zone (Asia/Shanghai), whatever the browser's.
    expect(created.session.scheduledAt).toBe(Date.parse('2030-05-20T09:30:00+08:00'));
    expect(await page.getByTestId('topic-page').textContent()).toContain('09:30');

    // Edit a field while the topic is editable.
    await page.getByTestId('edit-form').getByLabel('背景介绍').fill('部分山区村组季节性缺水。');
    await page.getByRole('button', { name: '保存修改' }).click();
    await page.getByTestId('edit-form').getByRole('status').filter({ hasText: '已保存' }).waitFor();
    expect(((await rest.get(`/topics/${id}`, ORGANISER_KEY)).json as SessionView).topic.background).toBe(
      '部分山区村组季节性缺水。',
    );

    // Open the session.
    await page.getByRole('button', { name: '开放会议室' }).click();
    await page.locator('[data-testid="session-status"][data-status="open"]').waitFor();

    // A member's invitation: role, name, sector.
    await page.getByLabel('身份').selectOption({ label: '委员' });
    await page.getByLabel('姓名').fill('赵委员');
    await page.getByLabel('界别（可选）').fill('农业界');
    await page.getByRole('button', { name: '生成邀请链接' }).click();
    const invitation = page.locator('[data-testid="invitation"][data-role="member"]');
    await invitation.waitFor();
    const url = await invitation.getByTestId('invitation-url').inputValue();
    expect(url).toMatch(new RegExp(`^${server.url}/r/${id}#token=[\\w.-]+$`));
    // The copy button puts the link on the clipboard; the plain text carries it too.
    const copy = invitation.getByRole('button', { name: '复制 赵委员 的链接' });
    await copy.click();
    await expect.poll(() => copy.textContent()).toBe('已复制');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    expect(await page.getByTestId('invitations-plain').inputValue()).toBe(`委员 赵委员（农业界）：${url}`);

    // The ready trio.
    await page.getByRole('button', { name: '一键生成主持人、秘书、委员链接' }).click();
    await expect.poll(() => page.getByTestId('invitation').count()).toBe(4);
    expect(
      await page.getByTestId('invitation').evaluateAll((els) => els.map((e) => e.getAttribute('data-role'))),
    ).toEqual(['chair', 'secretary', 'member', 'member']);

    /** The claims of the token in an invitation's link. */
    const claimsOf = async (invitation: Locator) => {
      const token = (await invitation.getByTestId('invitation-url').inputValue()).split('#token=')[1] ?? '';
      return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    };

    // A handling unit's invitation names its unit instead of a sector, which its token then carries.
    await page.getByLabel('身份').selectOption({ label: '承办单位' });
    await expect.poll(() => page.getByLabel('界别（可选）').count()).toBe(0);
    await page.getByLabel('姓名').fill('张处长');
    await page.getByLabel('承办单位', { exact: true }).fill('县发展和改革局');
    await page.getByRole('button', { name: '生成邀请链接' }).click();
    const unitInvitation = page.locator('[data-testid="invitation"][data-role="unit"]');
    await unitInvitation.waitFor();
    expect(await claimsOf(unitInvitation)).toMatchObject({
      role: 'unit',
      unit: '县发展和改革局',
      name: '张处长',
      room: id,
    });
    expect(await page.getByTestId('invitations-plain').inputValue()).toContain('承办单位 县发展和改革局 · 张处长：');

    // A site (坝坝会) is named by its place and names its operator.
    await page.getByLabel('身份').selectOption({ label: '分会场' });
    await page.getByLabel('姓名').fill('水口村');
    await page.getByLabel('操作员（分会场以地点为名）').fill('李村主任');
    await page.getByRole('button', { name: '生成邀请链接' }).click();
    const siteInvitation = page.locator('[data-testid="invitation"][data-role="site"]');
    await siteInvitation.waitFor();
    expect(await claimsOf(siteInvitation)).toMatchObject({
      role: 'site',
      name: '水口村',
      operator: '李村主任',
      room: id,
    });
    await shot(page, 'organiser-topic-desktop');

    // The link joins the room as that member.
    const member = await newPage(DESKTOP);
    await member.goto(`${url}&autojoin=1`);
    await member.waitForSelector('[data-testid="room"][data-phase="joined"]', { timeout: 30_000 });
    const joined = await server.sessions.get(id);
    expect(Object.values(joined.state.attendance).map((a) => a.person)).toContainEqual(
      expect.objectContaining({ name: '赵委员', role: 'member', sector: '农业界' }),
    );

    // The list shows it, open.
    await page.getByRole('link', { name: '← 返回议题列表' }).click();
    const row = page.locator(`[data-testid="topic-row"][data-topic-id="${id}"]`);
    await row.locator('[data-testid="session-status"][data-status="open"]').waitFor();
    await shot(page, 'organiser-list-desktop');

    // Close, with confirmation (cancel first), then archive: no more invitations.
    await row.getByRole('link', { name: '管理：关于加强农村饮水安全保障的协商' }).click();
    await page.getByRole('button', { name: '结束会议' }).click();
    await page.getByRole('button', { name: '取消' }).click();
    expect(((await rest.get(`/topics/${id}`, ORGANISER_KEY)).json as SessionView).session.status).toBe('open');
    await page.getByRole('button', { name: '结束会议' }).click();
    await shot(page, 'organiser-confirm-close-desktop');
    await page.getByRole('button', { name: '确定结束会议' }).click();
    await page.locator('[data-testid="session-status"][data-status="closed"]').waitFor();
    await page.getByRole('button', { name: '归档议题' }).click();
    await page.getByRole('button', { name: '确定归档' }).click();
    await page.locator('[data-testid="topic-status"][data-status="archived"]').waitFor();
    expect(await page.getByTestId('invitation-maker').count()).toBe(0);
    await shot(page, 'organiser-archived-desktop');
  });

  it('fits a phone, and speaks English through the same pages', async () => {
    const page = await newPage(PHONE);
    await page.goto(`${server.url}/organiser`);
    await shot(page, 'organiser-key-phone');
    await signIn(page);
    await shot(page, 'organiser-list-phone');

    await page.getByRole('link', { name: '新建议题' }).click();
    await page.getByLabel('议题名称').fill('关于优化营商环境的协商');
    await page.getByLabel('主办单位').fill('市政协经济委员会');
    await page.getByLabel('议程 1 名称').fill('承办单位通报');
    await page.getByRole('button', { name: '添加议程' }).click();
    await page.getByLabel('议程 2 名称').fill('委员协商发言');
    await page.getByRole('button', { name: '添加材料' }).click();
    await page.getByLabel('材料 1 名称').fill('调研报告');
    await page.getByLabel('材料 1 链接').fill('https://example.org/report.pdf');
    await shot(page, 'organiser-create-phone');
    await page.getByRole('button', { name: '创建议题' }).click();
    await page.getByTestId('topic-page').waitFor();
    await page.getByRole('button', { name: '一键生成主持人、秘书、委员链接' }).click();
    await expect.poll(() => page.getByTestId('invitation').count()).toBe(3);
    await shot(page, 'organiser-topic-phone');

    // From the list, "invite" lands on the invitation maker, ready for the keyboard.
    await page.getByRole('link', { name: '← 返回议题列表' }).click();
    await page.getByRole('link', { name: '邀请参会：关于优化营商环境的协商' }).click();
    await expect.poll(() => page.getByTestId('invite-role').evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.title()).toBe('关于优化营商环境的协商 · 议事');

    // Nothing is wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { level: 2, name: 'Invitations' }).waitFor();
    await page.getByRole('button', { name: 'Open the room' }).waitFor();
    await shot(page, 'organiser-topic-phone-en');
    await page.getByTestId('lang-switch').click();

    // Signing out forgets the key.
    await page.getByRole('button', { name: '退出' }).click();
    await page.getByLabel('主办方密钥').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });
});
