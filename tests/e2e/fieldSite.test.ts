import { readFile } from 'node:fs/promises';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { useBrowserRoom } from '../support/browser.js';

/**
 * A field site (坝坝会: a TV in a village hall) in real Chromium, with a real server and mediasoup
 * worker: it joins, reports 30 present, asks for the floor; the chair grants it and its operator
 * names who speaks; the chair asks a quick poll that a member answers and the site counts hands
 * for; the secretary's DOCX carries both the speaker at the site and the poll.
 */

const room = useBrowserRoom({ roomId: 'village-hall', context: { viewport: { width: 1280, height: 800 } } });
const SITE = '威远县向义镇水口村';

describe('a field site', () => {
  it('reports its headcount, speaks through its operator, counts hands in a poll, and the DOCX shows both', async () => {
    const chair = await room.open('chair', { name: '王主席', role: 'chair' });
    const secretary = await room.open('secretary', { name: '李秘书', role: 'secretary' });
    const member = await room.open('member', { name: '张委员', role: 'member', sector: '农业界' });
    const site = await room.open('shuikou', { name: SITE, role: 'site' });

    // A site's page is the big-screen layout by itself.
    expect(await site.getAttribute('[data-testid="room"]', 'class')).toContain('big-screen');
    // A remote (arrows, digits, OK) alone: into the headcount field, 30, down to Save, OK. Up and
    // Down leave a one-line field, or a remote could never get out of it.
    const focused = () => site.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    await site.focus('[data-testid="site-headcount-save"]');
    await site.keyboard.press('ArrowDown');
    expect(await focused()).not.toBe('site-headcount-save');
    await site.keyboard.press('ArrowUp');
    expect(await focused()).toBe('site-headcount-save');
    await site.keyboard.press('ArrowUp');
    expect(await focused()).toBe('site-headcount');
    await site.keyboard.type('30');
    await site.keyboard.press('ArrowDown');
    expect(await focused()).toBe('site-headcount-save');
    await site.keyboard.press('Enter');
    await chair.locator('[data-testid="site"]', { hasText: '30' }).waitFor();

    await site.click('[data-testid="request-contribution"]');
    await chair.locator('[data-testid="queue-entry"][data-speaker-id="shuikou"] [data-testid="grant-entry"]').click();
    await site.fill('[data-testid="site-speaker"]', '村民代表 王某');
    await site.click('[data-testid="site-speaker-save"]');
    await chair.locator('[data-testid="current-speaker"]', { hasText: `村民代表 王某（${SITE}）` }).waitFor();

    await chair.fill('[data-testid="poll-question"]', '是否同意通村公路改造方案？');
    await chair.click('[data-testid="poll-open"]');
    await member.click('[data-testid="poll-answer-0"]');
    await member.locator('[data-testid="poll-mine"]').waitFor();
    for (const [i, n] of ['20', '5', '5'].entries()) await site.fill(`[data-testid="poll-count-${i}"]`, n);
    await site.click('[data-testid="poll-counts-save"]');
    // Live for everyone: the member's answer plus the site's hands.
    await member.locator('[data-testid="poll-total-0"]', { hasText: '21' }).waitFor();
    await chair.locator('[data-testid="poll-total-1"]', { hasText: '5' }).waitFor();
    await chair.click('[data-testid="poll-close"]');
    await member.locator('[data-testid="poll"][data-open="false"]').waitFor();

    await secretary.click('[data-testid="tab-minutes"]');
    const [download] = await Promise.all([
      secretary.waitForEvent('download'),
      secretary.click('[data-testid="export-docx"]'),
    ]);
    const zip = await JSZip.loadAsync(await readFile(await download.path()));
    const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
    for (const text of [
      `村民代表 王某 在${SITE}`,
      '表决与意见征询',
      '是否同意通村公路改造方案？',
      '提问人：王主席',
      `${SITE}</w:t>`,
      '30 人',
    ]) {
      expect(xml).toContain(text);
    }
  });
});
