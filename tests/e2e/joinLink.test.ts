import { describe, expect, it } from 'vitest';
import { joinRoom, useBrowserRoom } from '../support/browser.js';

/**
 * A join link carries its token in the fragment (never sent to a server or a proxy's log); the
 * page takes it out of the address bar at once and keeps it for the tab, so a reload joins again.
 * Older `?token=` links still join, and are stripped the same way. Real Chromium, real server.
 */

const room = useBrowserRoom();
const joined = '[data-testid="room"][data-phase="joined"]';

describe('a join link', () => {
  it('with #token= joins, leaves no token in the address bar or the history, and joins again on reload', async () => {
    const link = room.link('fragment-member', '赵委员');
    expect(link).toMatch(/\/r\/room1#token=ey/);
    const page = await room.newPage();
    await joinRoom(page, link);
    expect(page.url()).toBe(`${room.server.url}/r/room1#autojoin=1`);
    // The blank page the tab opened on, and this one: the address with the token was replaced, not kept.
    expect(await page.evaluate(() => history.length)).toBe(2);

    await page.reload();
    await page.waitForSelector(joined, { timeout: 30_000 });
    expect(page.url()).not.toContain('token');
    expect(await page.getByTestId('room').getAttribute('data-phase')).toBe('joined');
  });

  it('with the older ?token= joins too, and is stripped the same way', async () => {
    const token = new URL(room.link('query-member', '钱委员').replace('#', '?')).searchParams.get('token');
    const page = await room.newPage();
    await page.goto(`${room.server.url}/r/room1?token=${token}&src=sms#autojoin=1`);
    await page.waitForSelector(joined, { timeout: 30_000 });
    expect(page.url()).toBe(`${room.server.url}/r/room1?src=sms#autojoin=1`);
  });

  it('refused while the link joins by itself shows the check screen with the reason, nothing unhandled', async () => {
    // A token for another room: the handshake refuses it, likely before the UI's code has run.
    const link = room.link('elsewhere', '孙委员').replace('/r/room1#', '/r/room2#');
    const page = await room.newPage();
    const unhandled: string[] = [];
    page.on('pageerror', (err) => unhandled.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') unhandled.push(msg.text());
    });
    await page.goto(`${link}&autojoin=1`);
    await page.getByTestId('prejoin').waitFor();
    await expect(page.getByTestId('join-error').textContent()).resolves.toContain(
      'this invitation is for another room',
    );
    expect(await page.locator(joined).count()).toBe(0);
    expect(unhandled).toEqual([]);
  });

  it('without a token in the link or the tab says so', async () => {
    const page = await room.newPage();
    await page.goto(`${room.server.url}/r/room1`);
    await page.getByText(/token/i).first().waitFor();
    expect(await page.locator(joined).count()).toBe(0);
  });
});
