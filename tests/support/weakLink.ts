import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { MediaRoom, MediasoupGateway } from '@yishi/sfu';
import { joinUrl } from '@yishi/signaling';
import type { Role } from '@yishi/shared';
import { audioPacketsFrom, joinRoom, launchChromium } from './browser.js';
import { NetNs } from './netns.js';
import { openTopic, startTestServer, type TestServer, type TopicSettings } from './server.js';

/**
 * A Yishi server on the host end of a NetNs link, one Chromium on the host (unshaped) and one
 * inside the namespace (behind the shaped link). Shared by the weak-link test and benchmark.
 */
export interface WeakLinkRig {
  readonly netns: NetNs;
  readonly server: TestServer;
  /**
   * Opens a join link for `sub` in a fresh context of the host's or the shaped browser and waits
   * until joined (room `roomId`, default the rig's first).
   */
  open(where: 'host' | 'shaped', sub: string, who: { name: string; role: Role }, roomId?: string): Promise<Page>;
  /** An empty page in a fresh context of the host's or the shaped browser (no Yishi page loaded). */
  blank(where: 'host' | 'shaped'): Promise<Page>;
  /** Creates and opens another room's topic. */
  addRoom(roomId: string, settings?: TopicSettings): Promise<void>;
  /** The SFU's room, to read what it sends each consumer. */
  mediaRoom(roomId?: string): Promise<MediaRoom>;
  /** Closes pages, browsers and server; the namespaces are removed whatever fails before. */
  close(): Promise<void>;
}

/** What a rig needs besides the link, made once the link exists and before the server starts. */
export interface RigExtras {
  /** More server environment (e.g. the TURN servers to hand out). */
  env?: Record<string, string>;
  /** More flags for the browser behind the link. */
  shapedArgs?: string[];
  /** Stops what was started for the rig (after the server). */
  close?: () => Promise<void>;
}

export async function startWeakLinkRig(
  roomId: string,
  settings?: TopicSettings,
  /** Things to start beside the server (e.g. a TURN server on the link's host address). */
  prepare?: (netns: NetNs) => Promise<RigExtras>,
): Promise<WeakLinkRig> {
  const netns = NetNs.create();
  let extras: RigExtras = {};
  let server: TestServer | undefined;
  const browsers: Browser[] = [];
  const contexts: BrowserContext[] = [];
  const close = async () => {
    try {
      for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
      for (const b of browsers.splice(0)) await b.close().catch(() => undefined);
      await server?.close();
      await extras.close?.();
    } finally {
      netns.close();
    }
  };
  try {
    if (prepare) extras = await prepare(netns);
    // The veth address exists only on this private link, and ports are chosen at run time.
    server = await startTestServer({
      rooms: [],
      env: { HOST: netns.hostAddress, MEDIASOUP_LISTEN_IP: netns.hostAddress, ...extras.env },
    });
    await openTopic(server.sessions, roomId, settings);
    // Not localhost, so not a secure context by default (no getUserMedia); the ws: origin too, or
    // Chromium upgrades the page's WebSocket to wss: as mixed content.
    const { host: hostPort } = new URL(server.url);
    const args = [`--unsafely-treat-insecure-origin-as-secure=http://${hostPort},ws://${hostPort}`];
    const host = await launchChromium({ args });
    browsers.push(host);
    const shaped = await launchChromium({
      args: [...args, ...(extras.shapedArgs ?? [])],
      executablePath: netns.chromiumWrapper(),
    });
    browsers.push(shaped);
    const started = server;
    return {
      netns,
      server: started,
      async open(where, sub, who, room = roomId) {
        const context = await (where === 'host' ? host : shaped).newContext({ viewport: { width: 1280, height: 800 } });
        contexts.push(context);
        const page = await context.newPage();
        await joinRoom(page, joinUrl(started.url, room, started.token({ sub, ...who, room })));
        return page;
      },
      async blank(where) {
        const context = await (where === 'host' ? host : shaped).newContext();
        contexts.push(context);
        return context.newPage();
      },
      addRoom: (id, roomSettings) => openTopic(started.sessions, id, roomSettings),
      mediaRoom: (room = roomId) => (started.gateway as MediasoupGateway).openRoom(room),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** How long `audioGrowth` counts. */
export const AUDIO_WINDOW_MS = 2000;

/** Audio packets each listener receives from its speaker over one window, counted together. */
export async function audioGrowth(pairs: Array<[listener: Page, speakerId: string]>): Promise<number[]> {
  const count = () => Promise.all(pairs.map(([page, id]) => audioPacketsFrom(page, id)));
  const before = await count();
  await new Promise((resolve) => setTimeout(resolve, AUDIO_WINDOW_MS));
  return (await count()).map((n, i) => n - (before[i] ?? 0));
}
