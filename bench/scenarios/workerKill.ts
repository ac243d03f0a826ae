import os from 'node:os';
import type { Browser, Page } from 'playwright-core';
import type { MediasoupGateway } from '@yishi/sfu';
import { joinUrl } from '@yishi/signaling';
import { inboundStats, joinRoom, launchChromium, waitForMediaFrom } from '../../tests/support/browser.js';
import { until } from '../../tests/support/media.js';
import { openTopic, startTestServer } from '../../tests/support/server.js';
import { watchFirstMedia, watchInPage } from '../lib/pageWatch.js';
import { spread } from '../stats.js';

const ROOM = 'bench';
const PEOPLE = [
  ['alice', '委员甲'],
  ['bob', '委员乙'],
  ['carol', '委员丙'],
] as const;
/** Media flowing this long before the kill, so the room is in its steady state. */
const SETTLE_MS = 1000;

/**
 * In the page: the Date.now() when the session handles `media:reset` (phase "restoring") and when
 * it has rebuilt its transports and producers (phase "joined" again), from the session's state.
 */
const PHASE_WATCH = `(async () => {
  const state = window.yishi.session.state;
  const marks = {};
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('phase not back to joined: ' + JSON.stringify(marks))), 30000);
    const off = state.subscribe((s) => {
      const at = Date.now();
      if (s.phase === 'restoring') marks.restoring ??= at;
      else if (s.phase === 'joined' && marks.restoring !== undefined) {
        marks.joined = at;
        off();
        clearTimeout(timer);
        resolve(marks);
      } else if (s.phase !== 'joined') {
        off();
        clearTimeout(timer);
        reject(new Error('phase went to ' + s.phase));
      }
    });
  });
  return () => done;
})()`;

/** One page's figures in one run, ms from the kill; `from`: per other page, its first audio and video. */
type PageSample = {
  page: string;
  reset: number;
  joined: number;
  from: Record<string, { audio: number; video: number }>;
};

/**
 * worker-kill: time to media restored after the mediasoup worker hosting a room is SIGKILLed.
 * `pages` (2, the default, or 3) headless Chromium pages (fake camera and microphone, open floor
 * so every microphone carries audio) are in one room of a server with one worker, each receiving
 * the others' audio and video. Each run starts a fresh server, so every kill is the pool's first
 * death of the minute (later ones are respawned after a growing delay, against crash loops). From
 * the kill: the server's replacement worker is up; each page has handled `media:reset` (phase
 * "restoring") and rebuilt its transports and producers (phase "joined"); the first audio packet
 * and the first decoded video frame from each other page arrive on new consumers (getStats
 * polled every 20 ms in the page). All clocks are this machine's.
 */
export async function workerKill(options: { runs: number; pages?: number }) {
  const people = PEOPLE.slice(0, Math.max(2, Math.min(options.pages ?? 2, PEOPLE.length)));
  // The machine is shared: its 1-minute load average, before and after, says how quiet it was.
  const loadBefore = os.loadavg()[0] as number;
  const browser = await launchChromium();
  const runs: Array<{ oldPid: number; newPid: number; workerUp: number; pages: PageSample[] }> = [];
  try {
    for (let i = 0; i < options.runs; i++) runs.push(await killOnce(browser, people));
  } finally {
    await browser.close();
  }

  const samples = {
    workerUp: runs.map((r) => r.workerUp),
    resetHandled: runs.flatMap((r) => r.pages.map((p) => p.reset)),
    rejoined: runs.flatMap((r) => r.pages.map((p) => p.joined)),
    audio: runs.flatMap((r) => r.pages.flatMap((p) => Object.values(p.from).map((m) => m.audio))),
    video: runs.flatMap((r) => r.pages.flatMap((p) => Object.values(p.from).map((m) => m.video))),
    allRestored: runs.map((r) =>
      Math.max(...r.pages.flatMap((p) => Object.values(p.from).flatMap((m) => [m.audio, m.video]))),
    ),
  };
  const row = (figure: string, values: number[]) => ({ figure, ...spread(values), n: values.length });
  return {
    table: [
      row('kill → new worker up (ms)', samples.workerUp),
      row('kill → page handled media:reset (ms)', samples.resetHandled),
      row('kill → page rebuilt its media, phase joined (ms)', samples.rejoined),
      row('kill → first audio packet from each other page (ms)', samples.audio),
      row('kill → first decoded video frame from each other page (ms)', samples.video),
      row('kill → every page has audio + video from all (ms)', samples.allRestored),
    ],
    data: {
      runs: options.runs,
      pages: people.length,
      workers: 1,
      loadAverage: { before: loadBefore, after: os.loadavg()[0] as number },
      samplesMs: samples,
      ...Object.fromEntries(
        (['p50', 'p95', 'max'] as const).map((q) => [
          `${q}Ms`,
          Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, spread(v)[q]])),
        ]),
      ),
      perRun: runs,
    },
  };
}

/** One run: a fresh server and room, the pages joined and receiving each other, then the kill. */
async function killOnce(browser: Browser, people: ReadonlyArray<readonly [string, string]>) {
  const server = await startTestServer({ rooms: [] });
  const contexts = [];
  try {
    await openTopic(server.sessions, ROOM, { mode: 'open' });
    const pages = new Map<string, Page>();
    for (const [sub, name] of people) {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await joinRoom(page, joinUrl(server.url, ROOM, server.token({ sub, name, room: ROOM })));
      pages.set(sub, page);
    }
    const others = (sub: string) => people.map(([p]) => p).filter((p) => p !== sub);
    for (const [sub, page] of pages) for (const other of others(sub)) await waitForMediaFrom(page, other);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

    const gateway = server.gateway as MediasoupGateway;
    const oldPid = await (await gateway.openRoom(ROOM)).workerPid();
    const watches = await Promise.all(
      [...pages].map(async ([sub, page]) => {
        const before = (await inboundStats(page)).map((r) => r.consumerId);
        return {
          sub,
          phase: await watchInPage<{ restoring: number; joined: number }>(page, PHASE_WATCH),
          media: await watchFirstMedia(page, { from: others(sub), kinds: ['audio', 'video'], notConsumers: before }),
        };
      }),
    );
    let upAt: number | undefined;
    gateway.pool.once('workerRespawned', () => {
      upAt = Date.now();
    });

    const killedAt = Date.now();
    process.kill(oldPid, 'SIGKILL');

    const results = await Promise.all(
      watches.map(async ({ sub, phase, media }) => ({ sub, phase: await phase(), media: await media() })),
    );
    await until(() => upAt !== undefined, 'the worker is respawned', 30_000);
    const newPid = await (await gateway.openRoom(ROOM)).workerPid();
    if (newPid === oldPid) throw new Error('the room is still on the killed worker');
    const since = (t: number) => t - killedAt;
    return {
      oldPid,
      newPid,
      workerUp: since(upAt as number),
      pages: results.map(
        ({ sub, phase, media }): PageSample => ({
          page: sub,
          reset: since(phase.restoring),
          joined: since(phase.joined),
          from: Object.fromEntries(
            others(sub).map((from) => [
              from,
              { audio: since(media[`${from}/audio`] as number), video: since(media[`${from}/video`] as number) },
            ]),
          ),
        }),
      ),
    };
  } finally {
    for (const c of contexts) await c.close().catch(() => undefined);
    await server.close();
  }
}
