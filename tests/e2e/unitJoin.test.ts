import { describe, expect, it } from 'vitest';
import { useBrowserRoom, waitForMediaFrom } from '../support/browser.js';

/**
 * A handling unit invited into a consultation joins through its link in a real browser: the room
 * shows it by its unit, it asks for the floor like a guest, and once the chair grants it its
 * camera and microphone reach the chair. Real Chromium, real server and mediasoup worker.
 */

const room = useBrowserRoom({ roomId: 'unit-room' });

describe('a handling unit in a consultation', () => {
  it('joins by its invitation, is shown by its unit, asks for the floor and is heard once granted', async () => {
    const chair = await room.open('chair', { name: '王主席', role: 'chair' });
    const unit = await room.open('dev-reform', { name: '张处长', role: 'unit', unit: '县发展和改革局' });

    await chair.click('[data-testid="tab-participants"]');
    const entry = chair.locator('[data-testid="participant"][data-person-id="dev-reform"]');
    await entry.waitFor();
    expect(await entry.getAttribute('data-role')).toBe('unit');
    expect(await entry.textContent()).toContain('县发展和改革局 · 张处长');

    await chair.click('[data-testid="tab-queue"]');
    await unit.click('[data-testid="request-contribution"]');
    const queued = chair.locator('[data-testid="queue-entry"][data-speaker-id="dev-reform"]');
    await queued.waitFor();
    expect(await queued.textContent()).toContain('县发展和改革局');
    await queued.locator('[data-testid="grant-entry"]').click();
    await waitForMediaFrom(chair, 'dev-reform');
  });
});
