import fs from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { PersonRecord } from '@yishi/shared';
import { joinUrl } from '@yishi/signaling';
import { joinRoom, useBrowserRoom } from '../support/browser.js';
import { pdfTexts } from '../support/pdfText.js';
import { RestClient } from '../support/rest.js';
import { openTopic } from '../support/server.js';

/**
 * Participation records in real Chromium against a real server: a member speaks and comments in
 * two sessions (asking for the floor, granted by the chair, posting in the comments tab); then,
 * on a phone, 我的履职 shows those figures, their rank and the card (a 1080 × 1920 PNG made by the
 * server, whose PDF says the same as text), the board ranks them first with the formula beside
 * it, and the card's verification link opens a page with the same figures.
 */

const ORGANISER_KEY = 'organiser-key-for-the-records-pages-012';
const ROOMS = ['records-a', 'records-b'] as const;
const MEMBER = { sub: 'm-zhang', name: '张委员', role: 'member', sector: '经济界' } as const;
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
const YEAR = String(new Date().getFullYear());

async function shoot(page: Page, name: string): Promise<void> {
  await fs.mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const room = useBrowserRoom({ roomId: ROOMS[0], env: { ORGANISER_KEY }, context: DESKTOP });

/** In `roomId`: the member asks for the floor, the chair grants it and ends the turn, the member comments. */
async function speakAndComment(roomId: string, comment: string): Promise<void> {
  const { server } = room;
  const open = async (who: { sub: string; name: string; role: 'chair' | 'member'; sector?: string }) => {
    const page = await room.newPage();
    await joinRoom(page, joinUrl(server.url, roomId, server.token({ ...who, room: roomId })));
    return page;
  };
  const chair = await open({ sub: 'chair-wang', name: '王主席', role: 'chair' });
  const member = await open(MEMBER);
  await member.click('[data-testid="request-contribution"]');
  await chair.waitForSelector(`[data-testid="queue-entry"][data-speaker-id="${MEMBER.sub}"]`);
  await chair.click('[data-testid="grant-next"]');
  await member.waitForSelector(`[data-testid="current-turn"][data-speaker-id="${MEMBER.sub}"]`);
  await member.waitForTimeout(1500);
  await chair.click('[data-testid="end-turn"]');
  await member.waitForSelector('[data-testid="current-turn"]', { state: 'detached' });
  await member.click('[data-testid="tab-comments"]');
  await member.fill('[data-testid="comment-input"]', comment);
  await member.click('[data-testid="comment-send"]');
  await chair.click('[data-testid="tab-comments"]');
  await chair.locator('[data-testid="comment"]', { hasText: comment }).waitFor();
  await member.context().close();
  await chair.context().close();
}

/** A figure of the record page as shown. */
const figure = (page: Page, key: string) => page.getByTestId(`fig-${key}`).locator('dd').textContent();

describe('participation records in the browser', () => {
  it('shows a member who spoke and commented in two sessions their record, rank and card', async () => {
    const { server } = room;
    await openTopic(server.sessions, ROOMS[1]);
    await speakAndComment(ROOMS[0], '建议加快老旧小区加装电梯。');
    await speakAndComment(ROOMS[1], '建议增加社区养老服务网点。');

    const rest = new RestClient(server.url);
    const token = server.token({ ...MEMBER, room: ROOMS[1] });
    // The projection follows every store; wait until it has taken both sessions.
    await expect
      .poll(async () => {
        const record = (await rest.get(`/people/${MEMBER.sub}/record?period=${YEAR}`, token)).json as PersonRecord;
        return [record.attended, record.speeches, record.comments];
      })
      .toEqual([2, 2, 2]);

    // 我的履职, on a phone, from the room's link (the token leaves the address bar at once).
    const phone = await room.newPage(PHONE);
    await phone.goto(`${server.url}/records#/?token=${encodeURIComponent(token)}`);
    await phone.getByRole('heading', { level: 1, name: '我的履职' }).waitFor();
    expect(phone.url()).toBe(`${server.url}/records#/`);
    await phone.getByTestId('record-summary').waitFor();
    expect(await figure(phone, 'speeches')).toBe('2');
    expect(await figure(phone, 'comments')).toBe('2');
    expect(await figure(phone, 'attended')).toBe('2 / 2 场');
    expect(await phone.getByTestId('record-rank').getAttribute('data-rank')).toBe('1');
    expect(await phone.getByTestId('record-rank').textContent()).toMatch(/^热力榜第 1 名（共 \d+ 人）热度 [\d.]+$/);
    expect(await phone.getByTestId('record-session').count()).toBe(2);

    // The card the page shows is the server's 1080 × 1920 PNG.
    const image = phone.getByTestId('card-image');
    await image.waitFor();
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]))
      .toEqual([1080, 1920]);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE_WIDTH);
    await shoot(phone, 'records-mine-phone');

    // The same card as PDF says it in text: the name, the figures, the rank, the verification link.
    const pdf = await rest.get(`/people/${MEMBER.sub}/card.pdf?period=${YEAR}`, token);
    expect(pdf.status).toBe(200);
    const texts = pdfTexts(pdf.bytes);
    expect(texts).toContain(MEMBER.name);
    expect(texts[texts.indexOf('发言') + 1]).toBe('2');
    expect(texts[texts.indexOf('评论') + 1]).toBe('2');
    expect(texts.some((t) => t.startsWith('热力榜第 1 名'))).toBe(true);
    const start = texts.findIndex((t) => t.startsWith('http'));
    const link = texts
      .slice(
        start,
        texts.findIndex((t) => t.startsWith('生成于')),
      )
      .join('');
    expect(link).toMatch(new RegExp(`^${server.url}/records/verify\\?`));

    // The board: first, marked as theirs, the formula beside it.
    await phone.getByTestId('nav-board').click();
    const mine = phone.locator(`[data-testid="board-row"][data-person="${MEMBER.sub}"]`);
    await mine.waitFor();
    expect(await mine.getAttribute('data-rank')).toBe('1');
    expect(await mine.textContent()).toContain('张委员（我）');
    expect(await phone.getByTestId('board-me').getAttribute('data-rank')).toBe('1');
    expect(await phone.getByTestId('board-formula').textContent()).toContain('发言次数 × 5');
    await shoot(phone, 'records-board-phone');

    // In English: the same record, and the card made again in English.
    await phone.getByTestId('lang-switch').click();
    await phone.getByTestId('nav-home').click();
    await phone.getByRole('heading', { level: 1, name: 'My record' }).waitFor();
    expect(await phone.getByTestId('fig-speeches').locator('dt').textContent()).toBe('Speeches');
    const englishCard = phone.getByRole('img', { name: "张委员's record card" });
    await expect.poll(() => englishCard.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1080);
    await shoot(phone, 'records-mine-phone-en');
    await phone.getByTestId('lang-switch').click();

    // A guest's token has no record: the page says so (and the office may still sign in).
    const guest = await room.newPage(PHONE);
    const guestToken = server.token({ sub: 'g-1', name: '嘉宾', role: 'guest', room: ROOMS[0] });
    await guest.goto(`${server.url}/records#/?token=${encodeURIComponent(guestToken)}`);
    expect(await guest.getByTestId('key-error').textContent()).toBe(
      '这个凭证没有履职记录：嘉宾、列席和承办单位不参与排名。',
    );

    // Anyone holding the card opens its link: the same figures, signed by this server.
    const stranger = await room.newPage(PHONE);
    await stranger.goto(link);
    const result = stranger.getByTestId('verify-result');
    await result.waitFor();
    expect(await result.getAttribute('data-current')).toBe('true');
    expect(await result.textContent()).toContain(MEMBER.name);
    expect(await stranger.getByTestId('verify-figures').textContent()).toContain('发言2');
    await shoot(stranger, 'records-verify-phone');
    // A link changed by hand is refused.
    await stranger.goto(link.replace(`p=${MEMBER.sub}`, 'p=chair-wang'));
    await stranger.getByTestId('verify-error').waitFor();
    expect(await stranger.getByTestId('verify-error').textContent()).toBe(
      '核验未通过：此链接不是本平台签发的，或已被改动，或已过期。',
    );
    await shoot(stranger, 'records-verify-refused-phone');
  });

  it('lets the office manage the directory: import a roster, add, merge, take off the board, invite, records and exports', async () => {
    const { server } = room;
    const office = await room.newPage();
    await office.goto(`${server.url}/records`);
    await office.getByLabel('主办方密钥').fill(ORGANISER_KEY);
    await office.getByRole('button', { name: '进入' }).click();
    await office.getByRole('heading', { level: 1, name: '委员名录' }).waitFor();
    const person = (id: string) => office.locator(`[data-testid="dir-person"][data-person="${id}"]`);
    // Those seen in tokens are there already.
    await person(MEMBER.sub).waitFor();

    // A roster (CSV, Chinese headers) adds two people.
    await office.getByTestId('dir-import-open').click();
    await office.getByTestId('dir-import-file').setInputFiles({
      name: 'roster.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        '编号,姓名,界别,届别,单位\nr-1,赵委员,教育界,第十四届,县一中\nr-2,赵 委员,教育界,第十四届,\n',
        'utf8',
      ),
    });
    await office.getByTestId('dir-import').click();
    expect(await office.getByTestId('dir-import-done').textContent()).toBe(
      '导入完成：新增 2 人，更新 0 人，未变 0 人。',
    );
    await person('r-2').waitFor();
    expect(await person('r-1').textContent()).toContain('教育界 · 第十四届 · 县一中');

    // One added by hand.
    await office.getByTestId('dir-add-open').click();
    await office.getByTestId('person-id').fill('r-3');
    await office
      .locator('form', { has: office.getByTestId('dir-add') })
      .getByTestId('person-name')
      .fill('钱委员');
    await office.getByTestId('dir-add').click();
    await person('r-3').waitFor();

    // r-2 is r-1 typed twice: merged; r-3 taken off the board.
    await office.getByTestId('dir-merge-open').click();
    await office.getByTestId('merge-from').fill('r-2');
    await office.getByTestId('merge-into').fill('r-1');
    await office.getByTestId('dir-merge').click();
    await office.locator('[data-testid="dir-person"][data-person="r-2"][data-status="merged"]').waitFor();
    await person('r-3').getByTestId('dir-status').click();
    await office.locator('[data-testid="dir-person"][data-person="r-3"][data-status="removed"]').waitFor();
    await shoot(office, 'records-directory-desktop');

    // The organiser pages invite a directory person: their link carries their directory id and name.
    await office.goto(`${server.url}/organiser#/topics/${ROOMS[0]}/invite`);
    await office.getByTestId('invite-person').selectOption('r-1');
    await office.getByTestId('invite-submit').click();
    const invitation = office.getByTestId('invitation').first();
    expect(await invitation.textContent()).toContain('赵委员');
    const claims = JSON.parse(
      Buffer.from((await invitation.getAttribute('data-invitation'))?.split('.')[1] ?? '', 'base64url').toString(),
    );
    expect(claims).toMatchObject({ sub: 'r-1', name: '赵委员', sector: '教育界', role: 'member', room: ROOMS[0] });
    await office.goto(`${server.url}/records`);
    await person(MEMBER.sub).waitFor();

    // The member's record and card, from the directory.
    await person(MEMBER.sub).getByRole('link', { name: MEMBER.name }).click();
    await office.getByRole('heading', { level: 1, name: MEMBER.name }).waitFor();
    expect(await figure(office, 'speeches')).toBe('2');
    await office.getByTestId('card-image').waitFor();

    // The exports of the period's records.
    await office.getByRole('link', { name: '← 返回委员名录' }).click();
    const [download] = await Promise.all([office.waitForEvent('download'), office.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = await fs.readFile(await download.path(), 'utf8');
    expect(csv).toContain(MEMBER.name);
    expect(csv).toContain('赵委员');
  });
});
