import JSZip from 'jszip';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { audioPacketsFrom, useBrowserRoom, waitForMediaFrom } from '../support/browser.js';

/**
 * A short consultation in real browsers, through the UI: moderated floor control must hold in
 * the media (a gated microphone carries no audio), comments reach everyone, and the secretary's
 * DOCX export carries what was said and summarised.
 */
describe('a consultation in the browser', () => {
  // A short turn so the server clock's expiry is part of the run.
  const room = useBrowserRoom({
    roomId: 'consult',
    settings: { turnSeconds: { contribution: 6 }, graceSeconds: 1 },
    context: { viewport: { width: 1280, height: 800 }, acceptDownloads: true },
  });

  /** Audio packets `listener` receives from `speakerId` over `ms`. */
  async function audioGrowth(listener: Page, speakerId: string, ms: number): Promise<number> {
    const before = await audioPacketsFrom(listener, speakerId);
    await listener.waitForTimeout(ms);
    return (await audioPacketsFrom(listener, speakerId)) - before;
  }

  it('gates microphones to the floor, delivers comments, and exports the minutes', async () => {
    const chair = await room.open('chair', { name: '王主席', role: 'chair' });
    const secretary = await room.open('secretary', { name: '李秘书', role: 'secretary' });
    const alice = await room.open('alice', { name: '甲委员', role: 'member', sector: '经济界' });
    const bob = await room.open('bob', { name: '乙委员', role: 'member', sector: '农业界' });
    await waitForMediaFrom(bob, 'chair');

    // Moderated (the default): Alice's microphone is locked and carries nothing to Bob.
    await alice.waitForSelector('[data-testid="mic-locked"]');
    await bob.waitForFunction(async () =>
      ((await window.yishi?.session?.inboundStats()) ?? []).some((r) => r.peerId === 'alice' && r.kind === 'audio'),
    );
    expect(await audioGrowth(bob, 'alice', 2000)).toBe(0);

    // Alice asks for the floor; the chair grants it; now Bob hears her.
    await alice.click('[data-testid="request-contribution"]');
    await chair.waitForSelector('[data-testid="queue-entry"][data-speaker-id="alice"]');
    await chair.click('[data-testid="grant-next"]');
    await bob.waitForSelector('[data-testid="current-turn"][data-speaker-id="alice"]');
    await expect.poll(() => audioGrowth(bob, 'alice', 500), { timeout: 10_000 }).toBeGreaterThan(0);

    // The server's clock ends the turn (6 s + 1 s grace); Alice is gated again.
    await chair.waitForSelector('[data-testid="current-turn"]', { state: 'detached', timeout: 15_000 });
    await alice.waitForSelector('[data-testid="mic-locked"]');
    await bob.waitForTimeout(500);
    expect(await audioGrowth(bob, 'alice', 2000)).toBe(0);

    // Alice comments; Bob sees it and replies; Alice sees the reply.
    await alice.click('[data-testid="tab-comments"]');
    await alice.fill('[data-testid="comment-input"]', '建议设立乡村人才专项基金。');
    await alice.click('[data-testid="comment-send"]');
    await bob.click('[data-testid="tab-comments"]');
    const comment = bob.locator('[data-testid="comment"]', { hasText: '建议设立乡村人才专项基金。' });
    await comment.waitFor();
    await comment.getByRole('button', { name: '回复' }).click();
    await bob.fill('[data-testid="comment-input"]', '赞成，并建议向边远乡镇倾斜。');
    await bob.click('[data-testid="comment-send"]');
    await alice.locator('.replies [data-testid="comment"]', { hasText: '赞成，并建议向边远乡镇倾斜。' }).waitFor();

    // The secretary summarises Alice's speech, promotes her comment and exports the DOCX.
    await secretary.click('[data-testid="tab-minutes"]');
    const summary = secretary
      .locator('[data-testid="minutes-turn"]', { hasText: '甲委员' })
      .getByTestId('summary-input');
    await summary.fill('甲委员建议加大乡村人才引进力度。');
    await summary.blur();
    await secretary.waitForSelector('[data-testid="minutes-turn"] .save-state[data-state="saved"]');
    await secretary.click('[data-testid="tab-comments"]');
    await secretary
      .locator('[data-testid="comment"]', { hasText: '建议设立乡村人才专项基金。' })
      .getByTestId('promote')
      .click();
    await secretary.click('[data-testid="tab-minutes"]');
    const [download] = await Promise.all([
      secretary.waitForEvent('download'),
      secretary.click('[data-testid="export-docx"]'),
    ]);
    const path = await download.path();
    const zip = await JSZip.loadAsync(await import('node:fs/promises').then((fs) => fs.readFile(path)));
    const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
    for (const text of [
      '甲委员',
      '经济界',
      '甲委员建议加大乡村人才引进力度。',
      '建议设立乡村人才专项基金。',
      '王主席',
      '李秘书',
    ]) {
      expect(xml).toContain(text);
    }
  });
});

describe('the chair removes a participant', () => {
  const room = useBrowserRoom({ roomId: 'removal', context: { viewport: { width: 1280, height: 800 } } });

  it('through the participants list: the member is told why, and their link no longer admits them', async () => {
    const chair = await room.open('chair', { name: '王主席', role: 'chair' });
    const carol = await room.open('carol', { name: '丙委员', role: 'member' });
    await chair.click('[data-testid="tab-participants"]');
    await chair.locator('[data-testid="remove-participant"][aria-label*="丙委员"]').click();
    await chair.fill('[data-testid="remove-reason"]', '与本议题无关');
    await chair.click('[data-testid="remove-confirm"]');
    await carol.waitForSelector('[data-testid="removed"]', { timeout: 15_000 });
    expect(await carol.textContent('[data-testid="removed"]')).toContain('与本议题无关');
    // The same join link again: refused, with a clear message.
    await carol.reload();
    const refused = await carol.waitForSelector('[data-testid="join-error"]', { timeout: 15_000 });
    expect(await refused.textContent()).not.toBe('');
  });
});
