import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { joinUrl } from '@yishi/signaling';
import type { Role } from '@yishi/shared';
import { openTopic, startTestServer, type TestServer, type TopicSettings } from './server.js';

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

/**
 * Headless Chromium with `CHROMIUM_ARGS` and `args`; `executablePath` e.g. a wrapper that starts
 * it in a network namespace (see netns.ts).
 */
export function launchChromium(options: { executablePath?: string; args?: string[] } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: options.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
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
  /** Width of the last decoded video frame: which simulcast layer arrives. */
  frameWidth?: number;
  /** Paused by the client's receive policy (data saver, off-page tiles). */
  paused?: boolean;
  /** The simulcast layer the client asked the SFU for. */
  spatialLayer?: number;
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

/** A test server and a Chromium shared by one test file; see `useBrowserRoom`. */
export interface BrowserRoom {
  /** The running server (available once the `beforeAll` hook has run). */
  readonly server: TestServer;
  /**
   * Opens a join link for `sub` in a fresh browser context (with `context` options instead of the
   * room's, e.g. a phone's viewport) and waits until joined.
   */
  open(sub: string, who?: Who, context?: BrowserContextOptions): Promise<Page>;
  /** The join link of `sub` (the pre-join screen: no `&autojoin=1`). */
  link(sub: string, who?: Who): string;
  /** A page in a fresh browser context, closed with the others. */
  newPage(context?: BrowserContextOptions): Promise<Page>;
}

type Who = string | { name?: string; role?: Role; sector?: string; unit?: string };

/**
 * Registers `beforeAll`/`afterAll` hooks that start a test server and Chromium, and close every
 * opened context, the browser and the server afterwards. Pages join room `roomId`; each gets its
 * own browser context (created with `context` options), so they are separate participants.
 */
export function useBrowserRoom(
  options: {
    roomId?: string;
    context?: BrowserContextOptions;
    settings?: TopicSettings;
    /** Server environment, e.g. MEDIASOUP_WORKERS. */
    env?: Record<string, string>;
  } = {},
): BrowserRoom {
  const roomId = options.roomId ?? 'room1';
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startTestServer({ rooms: [], ...(options.env ? { env: options.env } : {}) });
    await openTopic(server.sessions, roomId, options.settings);
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  const started = () => {
    if (!server || !browser) throw new Error('useBrowserRoom: the server and browser start in beforeAll');
    return { server, browser };
  };

  const link = (sub: string, who?: Who): string => {
    const { server } = started();
    const claims = typeof who === 'string' ? { name: who } : (who ?? {});
    return joinUrl(server.url, roomId, server.token({ sub, ...claims, room: roomId }));
  };
  const newPage = async (context?: BrowserContextOptions): Promise<Page> => {
    const { browser } = started();
    const created = await browser.newContext(context ?? options.context);
    contexts.push(created);
    return created.newPage();
  };

  return {
    get server() {
      return started().server;
    },
    async open(sub, who, context) {
      const page = await newPage(context);
      await joinRoom(page, link(sub, who));
      return page;
    },
    link,
    newPage,
  };
}

/** How a page's transport reaches the SFU, from its selected ICE candidate pair (web-client transports.ts). */
export interface SelectedPath {
  localType: string;
  protocol: string;
  relayProtocol: string | undefined;
  remoteType: string;
  remoteProtocol: string;
}

/** The selected candidate pairs of `page`'s send and receive transports. */
export function transportPaths(page: Page) {
  return page.evaluate(async () => (await window.yishi?.session?.paths()) ?? { send: undefined, recv: undefined });
}

/** Audio RTP packets `page` has received from `peerId` so far (all its consumers of that peer). */
export async function audioPacketsFrom(page: Page, peerId: string): Promise<number> {
  const rows = await inboundStats(page);
  return rows.filter((r) => r.peerId === peerId && r.kind === 'audio').reduce((n, r) => n + r.packetsReceived, 0);
}

declare global {
  interface Window {
    yishi?: {
      session:
        | {
            inboundStats(): Promise<InboundRow[]>;
            paths(): Promise<{ send: SelectedPath | undefined; recv: SelectedPath | undefined }>;
            consultation: { act(name: string, payload: unknown): Promise<unknown> };
            state: { get(): { activeSpeakerId: string | null; receiveMode: string; quality?: string } };
          }
        | undefined;
    };
  }
}
