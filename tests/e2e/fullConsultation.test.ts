import fs from 'node:fs/promises';
import path from 'node:path';
import JSZip from 'jszip';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { audioPacketsFrom, inboundStats, useBrowserRoom, waitForMediaFrom } from '../support/browser.js';

/**
 * A whole consultation in real Chromium, through the UI only (clicks and typing; the page's
 * media statistics are read through its debug hook): the chair runs the session and the floor,
 * each member is heard only during their own turn, comments go back and forth and one is hidden,
 * the secretary writes, submits and exports the minutes the chair finalizes. Then a member on a
 * phone, and the language switch. Screenshots of every console go to test-results/screenshots/.
 */

const SCREENSHOTS = path.resolve('test-results/screenshots');
/** Where the members are: the browser's own widgets (date pickers) and clocks as they see them. */
const PLACE: BrowserContextOptions = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const DESKTOP: BrowserContextOptions = { ...PLACE, viewport: { width: 1280, height: 800 }, acceptDownloads: true };
const PHONE_WIDTH = 360;
const PHONE: BrowserContextOptions = {
  ...PLACE,
  viewport: { width: PHONE_WIDTH, height: 740 },
  isMobile: true,
  hasTouch: true,
};
/** The listening window of an audio measurement. */
const WINDOW_MS = 1500;

async function shoot(page: Page, name: string, fullPage = false): Promise<void> {
  await fs.mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
}

/**
 * On a phone the panels are below the video: scrolls the tabs to the top of the window and
 * shoots what the person sees there (a full-page shot would draw the docked controls over them).
 */
async function shootPanel(page: Page, name: string): Promise<void> {
  await page.locator('.side').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await shoot(page, name);
}

/** Audio packets `listener` receives from each of `speakers` over one window. */
async function audioGrowth(listener: Page, speakers: string[]): Promise<Record<string, number>> {
  const before = await Promise.all(speakers.map((id) => audioPacketsFrom(listener, id)));
  await listener.waitForTimeout(WINDOW_MS);
  const after = await Promise.all(speakers.map((id) => audioPacketsFrom(listener, id)));
  return Object.fromEntries(speakers.map((id, i) => [id, (after[i] ?? 0) - (before[i] ?? 0)]));
}

/** Waits until `listener` has an audio consumer of each of `speakers` (paused or not). */
async function waitForAudioConsumers(listener: Page, speakers: string[]): Promise<void> {
  await expect
    .poll(
      async () => {
        const rows = await inboundStats(listener);
        return speakers.every((id) => rows.some((r) => r.peerId === id && r.kind === 'audio'));
      },
      { timeout: 15_000 },
    )
    .toBe(true);
}

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

async function expectNoSideScroll(page: Page, step: string): Promise<void> {
  expect(await pageWidth(page), step).toBeLessThanOrEqual(PHONE_WIDTH);
}

const queueOrder = (page: Page) =>
  page.locator('[data-testid="queue-entry"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-speaker-id')));

describe('a full consultation in the browser', () => {
  const room = useBrowserRoom({ roomId: 'full', context: DESKTOP });

  it('runs the floor, gates each voice to its turn, moderates comments, and finalizes and exports the minutes', async () => {
    const chair = await room.open('chair', { name: '王主席', role: 'chair' });
    const secretary = await room.open('secretary', { name: '李秘书', role: 'secretary' });
    const alice = await room.open('alice', { name: '甲委员', role: 'member', sector: '经济界' });
    const bob = await room.open('bob', { name: '乙委员', role: 'member', sector: '农业界' });

    // --- The chair starts the session and opens the first agenda item; everyone sees it.
    await chair.getByRole('button', { name: '开始会议' }).click();
    await chair.waitForSelector('[data-testid="session-bar"][data-status="in_progress"]');
    await chair.click('[data-testid="next-agenda"]');
    for (const page of [chair, secretary, alice, bob]) {
      await page.waitForSelector('[data-testid="session-bar"][data-status="in_progress"]');
      await page.locator('[data-testid="session-bar"]', { hasText: '当前议程：议程一' }).waitFor();
    }
    // Members have no minutes tab; chair and secretary do.
    expect(await alice.getByTestId('tab-minutes').count()).toBe(0);
    expect(await chair.getByTestId('tab-minutes').count()).toBe(1);

    // --- Both members ask for the floor, Alice first; each sees where they stand.
    await alice.click('[data-testid="request-contribution"]');
    await chair.waitForSelector('[data-testid="queue-entry"][data-speaker-id="alice"]');
    await bob.click('[data-testid="request-contribution"]');
    await chair.waitForSelector('[data-testid="queue-entry"][data-speaker-id="bob"]');
    expect(await queueOrder(chair)).toEqual(['alice', 'bob']);
    await alice.locator('[data-testid="mic-locked"]', { hasText: '第 1 位' }).waitFor();
    await bob.locator('[data-testid="mic-locked"]', { hasText: '第 2 位' }).waitFor();
    await shoot(chair, 'full-chair-desktop');

    // --- Nobody holds the floor: neither member's microphone reaches the secretary.
    await waitForMediaFrom(secretary, 'chair');
    await waitForAudioConsumers(secretary, ['alice', 'bob']);
    await waitForAudioConsumers(alice, ['bob']);
    await waitForAudioConsumers(bob, ['alice']);
    expect(await audioGrowth(secretary, ['alice', 'bob'])).toEqual({ alice: 0, bob: 0 });

    // --- First grant: Alice speaks. Bob hears her; Bob, still waiting, is not heard.
    await chair.click('[data-testid="grant-next"]');
    await bob.waitForSelector('[data-testid="current-turn"][data-speaker-id="alice"]');
    await alice.waitForSelector('[data-testid="mic-locked"]', { state: 'detached' });
    await expect.poll(async () => (await audioGrowth(bob, ['alice'])).alice, { timeout: 15_000 }).toBeGreaterThan(0);
    const duringAlice = await audioGrowth(secretary, ['alice', 'bob']);
    expect(duringAlice.alice).toBeGreaterThan(0);
    expect(duringAlice.bob).toBe(0);
    await shoot(alice, 'full-member-desktop');

    // --- Second grant ends Alice's turn and gives Bob the floor: now only Bob is heard.
    await chair.click('[data-testid="grant-next"]');
    await alice.waitForSelector('[data-testid="current-turn"][data-speaker-id="bob"]');
    await alice.waitForSelector('[data-testid="mic-locked"]');
    await bob.waitForSelector('[data-testid="mic-locked"]', { state: 'detached' });
    await expect.poll(async () => (await audioGrowth(alice, ['bob'])).bob, { timeout: 15_000 }).toBeGreaterThan(0);
    const duringBob = await audioGrowth(secretary, ['alice', 'bob']);
    expect(duringBob.alice).toBe(0);
    expect(duringBob.bob).toBeGreaterThan(0);

    // --- The chair ends Bob's turn: silence from both again.
    await chair.click('[data-testid="end-turn"]');
    for (const page of [alice, bob, secretary]) {
      await page.waitForSelector('[data-testid="current-turn"]', { state: 'detached' });
    }
    await bob.waitForSelector('[data-testid="mic-locked"]');
    await secretary.waitForTimeout(500); // packets already in flight
    expect(await audioGrowth(alice, ['bob'])).toEqual({ bob: 0 });
    expect(await audioGrowth(secretary, ['alice', 'bob'])).toEqual({ alice: 0, bob: 0 });

    // --- Comments: Alice comments, Bob replies; each sees both.
    const proposal = '建议设立乡村人才专项基金，优先支持返乡创业青年。';
    const reply = '赞成，并建议向边远乡镇倾斜。';
    const offTopic = '顺便问一下，今晚食堂几点开饭？';
    for (const page of [alice, bob, chair, secretary]) await page.click('[data-testid="tab-comments"]');
    await alice.fill('[data-testid="comment-input"]', proposal);
    await alice.click('[data-testid="comment-send"]');
    const onBob = bob.locator('[data-testid="comment"]', { hasText: proposal });
    await onBob.waitFor();
    await onBob.getByRole('button', { name: '回复' }).click();
    await bob.locator('.replying', { hasText: '回复 甲委员' }).waitFor();
    await bob.fill('[data-testid="comment-input"]', reply);
    await bob.click('[data-testid="comment-send"]');
    for (const page of [alice, bob]) {
      await page.locator('[data-testid="comment"]', { hasText: proposal }).waitFor();
      await page.locator('.replies [data-testid="comment"]', { hasText: reply }).waitFor();
    }

    // --- Bob posts something off-topic; the chair hides it with a reason, inline.
    await bob.fill('[data-testid="comment-input"]', offTopic);
    await bob.click('[data-testid="comment-send"]');
    const offTopicOnChair = chair.locator('[data-testid="comment"]', { hasText: offTopic });
    await offTopicOnChair.waitFor();
    const hiddenId = await offTopicOnChair.getAttribute('data-comment-id');
    expect(hiddenId).toBeTruthy();
    await offTopicOnChair.getByTestId('hide').click();
    await offTopicOnChair.getByTestId('hide-reason').fill('与议题无关');
    await offTopicOnChair.getByTestId('hide-confirm').click();
    const hiddenNote = '该评论已被 王主席 隐藏（与议题无关）';
    for (const page of [alice, bob]) {
      const hidden = page.locator(`[data-testid="comment"][data-comment-id="${hiddenId}"]`);
      await hidden.locator('.muted', { hasText: hiddenNote }).waitFor();
      expect(await hidden.textContent()).not.toContain(offTopic);
      // Nothing left to react or reply to.
      expect(await hidden.getByRole('button').count()).toBe(0);
      expect(await page.locator('[data-testid="comments-panel"]').textContent()).not.toContain(offTopic);
    }
    // The moderators still see what was hidden (to review it), marked as hidden.
    await secretary
      .locator(`[data-testid="comment"].hidden[data-comment-id="${hiddenId}"]`, { hasText: hiddenNote })
      .waitFor();
    expect(await secretary.locator(`[data-comment-id="${hiddenId}"] .text`).textContent()).toBe(offTopic);
    await shoot(alice, 'full-member-comments-desktop');

    // --- The secretary promotes Alice's comment into the minutes.
    const promote = secretary.locator('[data-testid="comment"]', { hasText: proposal }).first().getByTestId('promote');
    await promote.click();
    await secretary
      .locator('[data-testid="comment"]', { hasText: proposal })
      .first()
      .getByRole('button', { name: '已纳入纪要' })
      .waitFor();

    // --- The secretary summarises each speech (saved as she types) ...
    await secretary.click('[data-testid="tab-minutes"]');
    const summaries = {
      甲委员: '甲委员建议加大乡村人才引进力度，设立专项基金。',
      乙委员: '乙委员建议完善农村基础设施，吸引人才留乡。',
    };
    for (const [speaker, text] of Object.entries(summaries)) {
      const turn = secretary.locator('[data-testid="minutes-turn"]', { hasText: speaker });
      await expect.poll(() => turn.count(), { timeout: 5_000 }).toBe(1);
      await turn.getByTestId('summary-input').fill(text);
      await turn.locator('.save-state[data-state="dirty"], .save-state[data-state="saving"]').waitFor();
      await turn.locator('.save-state[data-state="saved"]', { hasText: '已保存' }).waitFor();
    }
    // Both speakers' turns carry their sectors.
    expect(await secretary.locator('[data-testid="minutes-turn"]', { hasText: '甲委员' }).textContent()).toContain(
      '经济界',
    );
    expect(await secretary.locator('[data-testid="minutes-turn"]', { hasText: '乙委员' }).textContent()).toContain(
      '农业界',
    );

    // ... adds a consensus point and an action item ...
    const consensus = '与会委员一致认为应加快建立乡村人才振兴长效机制。';
    const consensusInput = secretary.getByRole('textbox', { name: '协商意见', exact: true });
    await consensusInput.fill(consensus);
    await consensusInput.press('Enter');
    await secretary.locator('ul.items li', { hasText: consensus }).waitFor();
    const action = { title: '研究制定乡村人才专项基金管理办法', owner: '省农业农村厅', due: '2026-09-30' };
    await secretary.getByRole('textbox', { name: '事项', exact: true }).fill(action.title);
    await secretary.getByRole('textbox', { name: '承办单位', exact: true }).fill(action.owner);
    await secretary.getByLabel('完成时限', { exact: true }).fill(action.due);
    await secretary
      .locator('form.inline-form', { has: secretary.getByRole('textbox', { name: '承办单位' }) })
      .getByRole('button', { name: '添加' })
      .click();
    const actionRow = secretary.locator('.actions-table tbody tr', { hasText: action.title });
    await actionRow.waitFor();
    expect(await actionRow.textContent()).toContain(action.owner);
    expect(await actionRow.textContent()).toContain(action.due);

    // ... previews the minutes (the summaries are in) ...
    await secretary.click('[data-testid="preview"]');
    const preview = secretary.getByTestId('minutes-preview');
    await preview.waitFor();
    for (const text of [...Object.values(summaries), consensus, action.title, proposal]) {
      expect(await preview.textContent()).toContain(text);
    }
    await shoot(secretary, 'full-secretary-desktop');
    await secretary.locator('ol.turns').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shoot(secretary, 'full-secretary-minutes-desktop');

    // ... and submits them for review; the chair finalizes.
    await secretary.getByRole('button', { name: '提交审核' }).click();
    await chair.click('[data-testid="tab-minutes"]');
    await chair.locator('#minutes-heading', { hasText: '审核中' }).waitFor();
    await chair.getByRole('button', { name: '定稿', exact: true }).click();
    for (const page of [chair, secretary]) {
      await page.locator('#minutes-heading', { hasText: '已定稿' }).waitFor();
      await page.locator('[data-testid="minutes-panel"] p.muted', { hasText: '第 1 版已定稿' }).waitFor();
    }
    // Finalized minutes are not editable any more.
    expect(await secretary.getByTestId('summary-input').first().isDisabled()).toBe(true);
    expect(await chair.locator('[data-testid="minutes-panel"] .save-state').count()).toBe(0);
    await shoot(chair, 'full-chair-minutes-desktop');

    // --- The secretary exports the DOCX: speakers, sectors, summaries, consensus, action, comment.
    const [download] = await Promise.all([
      secretary.waitForEvent('download'),
      secretary.click('[data-testid="export-docx"]'),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.docx$/);
    const zip = await JSZip.loadAsync(await fs.readFile(await download.path()));
    const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
    for (const text of [
      '甲委员',
      '经济界',
      '乙委员',
      '农业界',
      ...Object.values(summaries),
      consensus,
      action.title,
      action.owner,
      '2026年9月30日',
      proposal,
      '王主席',
      '李秘书',
    ]) {
      expect(xml, text).toContain(text);
    }
    // The hidden comment was never promoted: it is not in the minutes.
    expect(xml).not.toContain(offTopic);
  });
});

describe('a member on a phone, and the language switch', () => {
  const room = useBrowserRoom({ roomId: 'phone', context: DESKTOP });

  it('joins from the pre-join screen, queues, speaks, yields and comments without sideways scrolling', async () => {
    const chair = await room.open('chair', { name: '王主席', role: 'chair' }, PHONE);
    const secretary = await room.open('secretary', { name: '李秘书', role: 'secretary' }, PHONE);

    // The pre-join screen (no autojoin): camera check, then 加入.
    const carol = await room.newPage(PHONE);
    await carol.goto(room.link('carol', { name: '丙委员', role: 'member', sector: '教育界' }));
    await carol.waitForSelector('[data-testid="prejoin"] video');
    await expectNoSideScroll(carol, 'pre-join');
    await shoot(carol, 'full-member-phone-prejoin');
    await carol.getByRole('button', { name: '加入', exact: true }).click();
    await carol.waitForSelector('[data-testid="room"][data-phase="joined"]', { timeout: 30_000 });
    await expectNoSideScroll(carol, 'joined');

    // The chair starts the session.
    await chair.getByRole('button', { name: '开始会议' }).click();
    await carol.waitForSelector('[data-testid="session-bar"][data-status="in_progress"]');

    // Requesting the floor: the locked microphone says where she stands.
    await carol.getByTestId('mic-locked').waitFor();
    await carol.getByRole('button', { name: '申请发言' }).click();
    await carol.locator('[data-testid="mic-locked"]', { hasText: '主持模式：您在发言队列第 1 位' }).waitFor();
    await expectNoSideScroll(carol, 'queued');
    await shootPanel(carol, 'full-member-phone-queued');
    await chair.waitForSelector('[data-testid="queue-entry"][data-speaker-id="carol"]');
    await expectNoSideScroll(chair, 'chair with a queue');
    await shoot(chair, 'full-chair-phone');
    await shootPanel(chair, 'full-chair-phone-queue');

    // The chair (on a phone too) gives her the floor: 正在发言, the countdown, and she is heard.
    await chair.click('[data-testid="grant-next"]');
    const turn = carol.locator('[data-testid="current-turn"][data-speaker-id="carol"]');
    await turn.waitFor();
    expect(await turn.textContent()).toContain('正在发言');
    const clock = turn.getByRole('timer');
    await expect.poll(() => clock.textContent(), { timeout: 5_000 }).toMatch(/^剩余 \d+:\d\d$/);
    const shown = await clock.textContent();
    await expect.poll(() => clock.textContent(), { timeout: 5_000 }).not.toBe(shown); // it counts down
    await carol.getByTestId('mic-locked').waitFor({ state: 'detached' });
    await waitForAudioConsumers(secretary, ['carol']);
    await expect
      .poll(async () => (await audioGrowth(secretary, ['carol'])).carol, { timeout: 15_000 })
      .toBeGreaterThan(0);
    await expectNoSideScroll(carol, 'speaking');
    await shootPanel(carol, 'full-member-phone-speaking');

    // She yields (结束我的发言): the floor is free, her microphone locked again.
    await carol.getByRole('button', { name: '结束我的发言' }).click();
    await turn.waitFor({ state: 'detached' });
    await chair.waitForSelector('[data-testid="current-turn"]', { state: 'detached' });
    await carol.locator('[data-testid="mic-locked"]', { hasText: '主持模式：获准发言后才能开麦' }).waitFor();
    await secretary.waitForTimeout(500); // packets already in flight
    expect(await audioGrowth(secretary, ['carol'])).toEqual({ carol: 0 });
    await expectNoSideScroll(carol, 'yielded');

    // A comment, typed on the phone; the chair sees it.
    await carol.click('[data-testid="tab-comments"]');
    await carol.locator('[data-testid="comment-input"]').pressSequentially('建议增加乡村教师编制。');
    await carol.click('[data-testid="comment-send"]');
    await carol.locator('[data-testid="comment"]', { hasText: '建议增加乡村教师编制。' }).waitFor();
    await chair.click('[data-testid="tab-comments"]');
    await chair.locator('[data-testid="comment"]', { hasText: '建议增加乡村教师编制。' }).waitFor();
    await expectNoSideScroll(carol, 'commented');
    await shoot(carol, 'full-member-phone');
    await shootPanel(carol, 'full-member-phone-comments');

    // The secretary's console on a phone: the speech to summarise.
    await secretary.click('[data-testid="tab-minutes"]');
    await secretary.locator('[data-testid="minutes-turn"]', { hasText: '丙委员' }).waitFor();
    await expectNoSideScroll(secretary, 'secretary');
    await shoot(secretary, 'full-secretary-phone');
    await shootPanel(secretary, 'full-secretary-phone-minutes');
  });

  it('switches to English and back, and the choice survives a reload', async () => {
    const dan = await room.open('dan', { name: '丁委员', role: 'member', sector: '科技界' }, PHONE);
    const tabs = () => dan.locator('[role="tab"]').allTextContents();
    expect((await tabs()).map((s) => s.replace(/\d+$/, ''))).toEqual(['发言', '参会人员', '评论']);
    await dan.getByRole('button', { name: '申请发言' }).waitFor();

    await dan.click('[data-testid="lang-switch"]');
    await dan.waitForSelector('html[lang="en"]');
    const english = async () => {
      expect((await tabs()).map((s) => s.replace(/\d+$/, ''))).toEqual(['Floor', 'People', 'Comments']);
      await dan.getByRole('button', { name: 'Request to speak' }).waitFor();
      expect(await dan.getByTestId('lang-switch').textContent()).toBe('中文');
      expect(await dan.getByTestId('mic-locked').textContent()).toContain('Moderated');
      expect(await dan.getByTestId('leave').textContent()).toBe('Leave');
      await expectNoSideScroll(dan, 'English');
    };
    await english();
    await shoot(dan, 'full-member-phone-en');
    expect(await dan.evaluate(() => localStorage.getItem('yishi.locale'))).toBe('en');

    // A reload (the join link rejoins at once) keeps English.
    await dan.reload();
    await dan.waitForSelector('[data-testid="room"][data-phase="joined"]', { timeout: 30_000 });
    expect(await dan.getAttribute('html', 'lang')).toBe('en');
    await english();

    // And back to Chinese, also after a reload.
    await dan.click('[data-testid="lang-switch"]');
    await dan.waitForSelector('html[lang="zh-CN"]');
    expect((await tabs()).map((s) => s.replace(/\d+$/, ''))).toEqual(['发言', '参会人员', '评论']);
    await dan.getByRole('button', { name: '申请发言' }).waitFor();
    expect(await dan.evaluate(() => localStorage.getItem('yishi.locale'))).toBe('zh-CN');
    await dan.reload();
    await dan.waitForSelector('[data-testid="room"][data-phase="joined"]', { timeout: 30_000 });
    expect(await dan.getByTestId('tab-queue').textContent()).toBe('发言');
    expect(await dan.getByTestId('lang-switch').textContent()).toBe('English');
  });
});
