import { type Browser, chromium, type Page } from 'playwright-core';

/** Flags for Debian's Chromium in CI: no sandbox as root, fake camera and mic, no network chatter. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--disable-background-networking',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

export interface InboundRow {
  consumerId: string;
  peerId: string;
  source: string;
  kind: string;
  packetsReceived: number;
  framesDecoded: number;
}

/** The page's received-media counters, read from RTCPeerConnection getStats() through the client's debug hook. */
export function inboundStats(page: Page): Promise<InboundRow[]> {
  return page.evaluate(async () => (await window.yishi?.session?.inboundStats()) ?? []);
}

/**
 * Waits until `page` decodes video frames and receives audio packets from `peerId` (through
 * consumers other than `notConsumers`), and returns the counters seen then.
 */
export async function waitForMediaFrom(
  page: Page,
  peerId: string,
  { timeoutMs = 30_000, notConsumers = [] as string[] } = {},
): Promise<InboundRow[]> {
  const deadline = Date.now() + timeoutMs;
  let rows: InboundRow[] = [];
  while (Date.now() < deadline) {
    rows = (await inboundStats(page)).filter((r) => r.peerId === peerId && !notConsumers.includes(r.consumerId));
    const video = rows.find((r) => r.kind === 'video');
    const audio = rows.find((r) => r.kind === 'audio');
    if (video && video.framesDecoded > 0 && audio && audio.packetsReceived > 0) return rows;
    await page.waitForTimeout(250);
  }
  throw new Error(`no media from ${peerId} after ${timeoutMs} ms: ${JSON.stringify(rows)}`);
}

/** Opens a join link with `&autojoin=1` and waits until the client has joined the room. */
export async function joinRoom(page: Page, url: string): Promise<void> {
  await page.goto(`${url}&autojoin=1`);
  await page.waitForSelector('[data-testid="room"][data-phase="joined"]', { timeout: 30_000 });
}

declare global {
  interface Window {
    yishi?: { session: { inboundStats(): Promise<InboundRow[]> } | undefined };
  }
}
