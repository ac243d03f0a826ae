import type { Browser, Page } from 'playwright-core';
import { joinUrl } from '@yishi/signaling';
import { launchChromium, transportPaths } from '../../tests/support/browser.js';
import { startCoturn } from '../../tests/support/coturn.js';
import { RedisServer } from '../../tests/support/redis.js';
import { startTestServer } from '../../tests/support/server.js';
import { type BareApp, startBareApp } from '../bare/server.js';
import { quantile } from '../stats.js';

/**
 * join: a publisher is in the room (a page in its own headless Chromium, as on its own device); a
 * fresh page of another Chromium opens a join link with autojoin, and we read when it shows the
 * first remote video frame (the client's `yishi:first-remote-frame` performance mark, relative to
 * navigation start). With `nodes: 2`
 * (two servers sharing a real Redis) the publisher is on the first node and the pages join the
 * second, whose first remote frame is piped from the first.
 *
 * With `bare`, a minimal mediasoup app (bench/bare) runs alongside with its own publisher page,
 * and its rounds alternate with Yishi's (Yishi, bare, Yishi, bare… each a fresh browser context)
 * in the same browser: `ratioToBare` is Yishi's time over the bare app's. Every round also
 * collects the page's join steps (`<app>:join:<phase>` marks): `phases` gives their medians.
 *
 * With `via: 'turn'`, a coturn (Debian's, TLS only, as tests/support/coturn.ts starts it) runs on
 * loopback and the server hands out its credentials with each join; every Yishi round is followed
 * by one whose page joins with `&relay=1`, so its media goes only through coturn over TLS (checked
 * on its selected candidate pairs): `turn` gives those rounds' figures beside the direct ones'.
 */
export async function join(options: { runs: number; nodes: 1 | 2; bare: boolean; via?: 'direct' | 'turn' }) {
  const redis = options.nodes === 2 ? await RedisServer.start() : undefined;
  const turn =
    options.via === 'turn'
      ? await startCoturn({ address: '127.0.0.1', peer: '127.0.0.1', allowLoopback: true })
      : undefined;
  const env: Record<string, string> = {
    MEDIASOUP_WORKERS: '1',
    ...(redis ? { REDIS_URL: redis.url } : {}),
    ...(turn ? { YISHI_TURN_URLS: turn.url, YISHI_TURN_SECRET: turn.secret } : {}),
  };
  const server = await startTestServer({ env, rooms: ['bench'] });
  const joinAt = redis ? await startTestServer({ env, rooms: [] }) : server;
  const bareApp = options.bare ? await startBareApp() : undefined;
  // The browser trusts the test coturn's self-signed certificate, as a deployment's trust its real one.
  const browser = await launchChromium({ args: turn ? [`--ignore-certificate-errors-spki-list=${turn.spki}`] : [] });
  // Each publisher is on a device of its own, as in a real room. Pages of one Chromium share its
  // fake camera: each joining page opening it stalled every page's frames for 150–650 ms (seen in
  // Chromium's encoder log); and until 063d69e, the chair's page stalled it for 0.5–2 s whenever
  // a member joined or left, the bare publisher's frames with it. Both delayed key frames at random.
  const chairBrowser = await launchChromium();
  const barePublisherBrowser = bareApp ? await launchChromium() : undefined;
  try {
    const host = await (await chairBrowser.newContext()).newPage();
    await host.addInitScript(pageProbe('host'));
    await host.goto(
      `${joinUrl(server.url, 'bench', server.token({ sub: 'host', name: '主持人', role: 'chair', room: 'bench' }))}&autojoin=1`,
    );
    await host.waitForSelector('[data-testid="room"][data-phase="joined"]');
    const barePublisher =
      bareApp && barePublisherBrowser ? await openBarePublisher(barePublisherBrowser, bareApp) : undefined;
    // Both publishers should send all three camera layers before the first round, so that both
    // apps' members are offered the same video: a new sender's bandwidth estimate turns its top
    // layer on only after a while. The JSON says how many each sent when the rounds began.
    const [yishiLayers, bareLayers] = await Promise.all([
      layersSent(host),
      barePublisher ? layersSent(barePublisher) : undefined,
    ]);
    const publisherLayers = { yishi: yishiLayers, ...(bareLayers === undefined ? {} : { bare: bareLayers }) };

    const rounds: Record<App | 'turn', Round[]> = { yishi: [], bare: [], turn: [] };
    for (let i = 0; i < options.runs; i++) {
      const url = joinUrl(joinAt.url, 'bench', joinAt.token({ sub: `guest-${i}`, name: `委员${i}`, room: 'bench' }));
      rounds.yishi.push(await watchPublisher(host, () => measureRound(browser, 'yishi', `${url}&autojoin=1`)));
      if (bareApp && barePublisher) {
        rounds.bare.push(await watchPublisher(barePublisher, () => measureRound(browser, 'bare', `${bareApp.url}/`)));
      }
      if (turn) {
        const relayed = joinUrl(
          joinAt.url,
          'bench',
          joinAt.token({ sub: `relayed-${i}`, name: `中继${i}`, room: 'bench' }),
        );
        rounds.turn.push(await measureRound(browser, 'yishi', `${relayed}&autojoin=1&relay=1`, 'relay'));
      }
    }
    const result = report(
      options.nodes,
      rounds.yishi,
      bareApp ? rounds.bare : undefined,
      turn ? rounds.turn : undefined,
    );
    return { ...result, data: { ...result.data, publisherLayers } };
  } finally {
    await browser.close();
    await chairBrowser.close();
    await barePublisherBrowser?.close();
    await bareApp?.close();
    if (joinAt !== server) await joinAt.close();
    await server.close();
    await turn?.close();
    await redis?.stop();
  }
}

type App = 'yishi' | 'bare';

/** One page's join: first remote frame and every join step, in ms since navigation start. */
interface Round {
  ms: number;
  phases: Record<string, number>;
  /** Frames a second the publisher's top camera layer encoded during the round. */
  publisherTopLayerFps?: number;
}

/** Below this many frames a second during a round, its publisher's top layer counts as stalled. */
const STALLED_FPS = 5;

/**
 * The join steps both apps mark (`<app>:join:<phase>`), in the order a page usually reaches them,
 * and the first remote frame (`<app>:first-remote-frame`).
 */
const JOIN_PHASES: Record<string, string> = {
  script: "the page's script runs (bundle loaded and evaluated)",
  media: 'camera and microphone acquired (getUserMedia)',
  connected: 'Socket.IO connected (Yishi: its handshake checks the token)',
  'router-capabilities': "the router's RTP capabilities answered",
  'device-loaded': 'mediasoup-client Device loaded',
  joined: 'room:join answered (bare: join, the producers to consume)',
  'send-transport-created': 'send transport created on the server (transport:create answered)',
  'recv-transport-created': 'receive transport created on the server (transport:create answered)',
  'send-transport-connected': "send transport's DTLS parameters answered (on the first produce)",
  'produced-mic': 'microphone producer answered',
  'produced-camera': 'camera producer answered',
  'consumer-created-audio': 'consumer of the remote microphone answered',
  'consumer-created-video': 'consumer of the remote camera answered',
  'consumed-audio': 'remote microphone consumed in the page',
  'consumed-video': 'remote camera consumed in the page',
  'recv-transport-connected': "receive transport's DTLS parameters answered (on the first consume)",
  'layers-set-video':
    "remote camera's preferred layer answered (the bare app keeps mediasoup's default, the top layer)",
  'consumer-resumed-audio': 'remote microphone resumed on the server (answered)',
  'consumer-resumed-video': 'remote camera resumed on the server (answered)',
  'recv-ice-dtls-up': 'receiving PeerConnection connected: ICE and DTLS done (getStats, polled every 10 ms)',
  'first-video-packet': 'first remote video packet received (getStats)',
  'first-keyframe-decoded': 'first remote keyframe decoded (getStats)',
  'first-remote-frame': 'first remote video frame shown (requestVideoFrameCallback)',
};

/** The bare app's publisher page: in the room, sending camera and microphone, for the whole run. */
async function openBarePublisher(browser: Browser, app: BareApp): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript(pageProbe('host'));
  await page.goto(`${app.url}/`);
  const joined = await page.waitForFunction(
    () => document.documentElement.dataset.phase === 'joined' || document.documentElement.dataset.error,
    undefined,
    { timeout: 30_000 },
  );
  const state = await joined.jsonValue();
  if (state !== true) throw new Error(`bare publisher page failed: ${state}`);
  return page;
}

/**
 * Put in every page before its own scripts (a string: the bench's transpiler wraps functions in
 * helpers a page does not have). Keeps the page's PeerConnections (`window.benchPcs`) and, in a
 * joining page, marks `<app>:join:<phase>` for what getStats shows, polled every 10 ms until the
 * first keyframe: the receiving PeerConnection connected (ICE and DTLS done), the first remote
 * video packet, the first keyframe decoded.
 */
const pageProbe = (app: App | 'host') => `(() => {
  const pcs = (window.benchPcs = []);
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config) { super(config); pcs.push(this); }
  };
  if (${JSON.stringify(app)} === 'host') return;
  const marked = new Set();
  const mark = (phase) => {
    if (marked.has(phase)) return;
    marked.add(phase);
    performance.mark(${JSON.stringify(`${app}:join:`)} + phase);
  };
  const poll = async () => {
    for (const pc of pcs) {
      if (pc.signalingState === 'closed') continue; // getStats refuses a closed one (mediasoup-client's probes)
      if (pc.connectionState === 'connected' && pc.getTransceivers().some((t) => t.direction === 'recvonly')) mark('recv-ice-dtls-up');
      for (const s of (await pc.getStats()).values()) {
        if (s.type !== 'inbound-rtp' || s.kind !== 'video') continue;
        if (s.packetsReceived > 0) mark('first-video-packet');
        if (s.keyFramesDecoded > 0) mark('first-keyframe-decoded');
      }
    }
    if (!marked.has('first-keyframe-decoded')) setTimeout(poll, 10);
  };
  setTimeout(poll, 10);
})();`;

/** Frames encoded so far by each of `page`'s camera layers (by rid). */
function framesEncoded(page: Page): Promise<Record<string, number>> {
  return page.evaluate(`(async () => {
    const frames = {};
    for (const pc of window.benchPcs) {
      if (pc.signalingState === 'closed') continue;
      for (const s of (await pc.getStats()).values()) {
        if (s.type === 'outbound-rtp' && s.kind === 'video' && s.rid) frames[s.rid] = s.framesEncoded;
      }
    }
    return frames;
  })()`) as Promise<Record<string, number>>;
}

/**
 * Runs one round and adds how many frames a second the publisher's top camera layer (`r2`, the
 * one both apps' members ask for) encoded meanwhile: a publisher whose top layer stalls makes the
 * members wait for its key frame, whatever the app they join.
 */
async function watchPublisher(publisher: Page, round: () => Promise<Round>): Promise<Round> {
  const before = await framesEncoded(publisher);
  const started = Date.now();
  const measured = await round();
  const after = await framesEncoded(publisher);
  const fps = ((after.r2 ?? 0) - (before.r2 ?? 0)) / ((Date.now() - started) / 1000);
  return { ...measured, publisherTopLayerFps: Number(fps.toFixed(1)) };
}

/**
 * How many camera layers `page` sends (each encoding frames), once all three do or after 20 s:
 * on a busy machine the browser's bandwidth estimate may keep the top layer off for longer.
 */
async function layersSent(page: Page): Promise<number> {
  const deadline = Date.now() + 20_000;
  let before = await framesEncoded(page);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await framesEncoded(page);
    const sending = Object.keys(now).filter((rid) => (now[rid] ?? 0) > (before[rid] ?? 0)).length;
    if (sending >= 3 || Date.now() > deadline) return sending;
    before = now;
  }
}

/**
 * Opens `url` in a fresh browser context and waits for its first remote frame; with `expect:
 * 'relay'`, fails unless both of the page's transports went through the TURN relay over TLS.
 */
async function measureRound(browser: Browser, app: App, url: string, expect?: 'relay'): Promise<Round> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(pageProbe(app));
    await page.goto(url);
    const frame = `${app}:first-remote-frame`;
    const handle = await page
      .waitForFunction((name) => performance.getEntriesByName(name)[0]?.startTime, frame, {
        timeout: 30_000,
        polling: 50,
      })
      .catch(async (err: unknown) => {
        const error = await page.evaluate(() => document.documentElement.dataset.error).catch(() => undefined);
        throw error ? new Error(`${app} page failed: ${error}`) : err;
      });
    const ms = Math.round((await handle.jsonValue()) as number);
    if (expect === 'relay') {
      // The page publishes once it has consumed: at its first frame its send transport may still connect.
      await page.waitForFunction(
        async () => {
          const paths = await window.yishi?.session?.paths();
          return paths?.send !== undefined && paths.recv !== undefined;
        },
        undefined,
        { timeout: 10_000, polling: 100 },
      );
      const paths = await transportPaths(page);
      const relayed = [paths.send, paths.recv].every((p) => p?.localType === 'relay' && p.relayProtocol === 'tls');
      if (!relayed) throw new Error(`a relay-only round did not go through TURN over TLS: ${JSON.stringify(paths)}`);
    }
    const phases = await page.evaluate((prefix) => {
      const first: Record<string, number> = {};
      for (const mark of performance.getEntriesByType('mark')) {
        const phase = mark.name.slice(prefix.length);
        if (mark.name.startsWith(prefix) && !(phase in first)) first[phase] = Math.round(mark.startTime);
      }
      return first;
    }, `${app}:join:`);
    return { ms, phases: { ...phases, 'first-remote-frame': ms } };
  } finally {
    await context.close();
  }
}

/** p50 and p95 of the rounds' first frames, and each phase's median over the rounds that reached it. */
function figures(rounds: Round[]) {
  const samplesMs = rounds.map((r) => r.ms);
  const byPhase = new Map<string, number[]>();
  for (const round of rounds) {
    for (const [phase, ms] of Object.entries(round.phases)) byPhase.set(phase, [...(byPhase.get(phase) ?? []), ms]);
  }
  const fps = rounds.map((r) => r.publisherTopLayerFps ?? null);
  return {
    data: {
      samplesMs,
      p50Ms: quantile(samplesMs, 0.5),
      p95Ms: quantile(samplesMs, 0.95),
      /** Each round's join steps (ms since navigation start). */
      phasesMs: rounds.map((r) => r.phases),
      /** Each round's publisher top-layer frame rate, and the rounds in which it stalled. */
      publisherTopLayerFps: fps,
      publisherStalledRounds: fps.filter((f) => f !== null && f < STALLED_FPS).length,
    },
    phases: new Map([...byPhase].map(([phase, ms]) => [phase, quantile(ms, 0.5)])),
  };
}

function report(nodes: 1 | 2, yishiRounds: Round[], bareRounds: Round[] | undefined, turnRounds: Round[] | undefined) {
  const { data: yishi, phases: yishiPhases } = figures(yishiRounds);
  const turn = turnRounds ? figures(turnRounds) : undefined;
  const { data: bare, phases: barePhases } = bareRounds ? figures(bareRounds) : { data: null, phases: undefined };
  const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
  const ratioToBare = bare ? { p50: ratio(yishi.p50Ms, bare.p50Ms), p95: ratio(yishi.p95Ms, bare.p95Ms) } : null;
  // Known phases in their usual order, then any other a page marked; both apps' in one list.
  const names = [...new Set([...Object.keys(JOIN_PHASES), ...yishiPhases.keys(), ...(barePhases?.keys() ?? [])])];
  const reached = (phases: Map<string, number>) =>
    Object.fromEntries(names.filter((n) => phases.has(n)).map((n) => [n, phases.get(n) as number]));
  return {
    table: [
      { figure: 'Yishi: join → first remote frame p50 (ms)', value: yishi.p50Ms },
      { figure: 'Yishi: join → first remote frame p95 (ms)', value: yishi.p95Ms },
      ...(bare && ratioToBare
        ? [
            { figure: 'bare mediasoup: join → first remote frame p50 (ms)', value: bare.p50Ms },
            { figure: 'bare mediasoup: join → first remote frame p95 (ms)', value: bare.p95Ms },
            { figure: 'Yishi / bare p50', value: ratioToBare.p50 },
            { figure: 'Yishi / bare p95', value: ratioToBare.p95 },
          ]
        : []),
      {
        figure: `Yishi rounds whose publisher's top layer stalled (< ${STALLED_FPS} fps)`,
        value: yishi.publisherStalledRounds,
      },
      ...(bare
        ? [
            {
              figure: `bare rounds whose publisher's top layer stalled (< ${STALLED_FPS} fps)`,
              value: bare.publisherStalledRounds,
            },
          ]
        : []),
      ...(turn
        ? [
            { figure: 'Yishi through TURN/TLS (relay only): p50 (ms)', value: turn.data.p50Ms },
            { figure: 'Yishi through TURN/TLS (relay only): p95 (ms)', value: turn.data.p95Ms },
            { figure: 'TURN − direct p50 (ms)', value: turn.data.p50Ms - yishi.p50Ms },
          ]
        : []),
      { figure: 'runs', value: yishi.samplesMs.length },
    ],
    summary: [
      phaseTable(names, yishiPhases, barePhases),
      ...(turn ? [`through TURN/TLS (relay only):\n${phaseTable(names, turn.phases, undefined)}`] : []),
    ].join('\n'),
    data: {
      nodes,
      // Yishi's figures at the top level too, for readers of the results before the bare mode.
      samplesMs: yishi.samplesMs,
      p50Ms: yishi.p50Ms,
      p95Ms: yishi.p95Ms,
      yishi,
      bare,
      ratioToBare,
      /** The relay-only rounds through coturn over TLS (`--via turn`), else null. */
      turn: turn ? { ...turn.data, phases: reached(turn.phases) } : null,
      /** Per app, each join step's median time since navigation start (ms): JOIN_PHASES says what each is. */
      phases: { yishi: reached(yishiPhases), bare: barePhases ? reached(barePhases) : null },
    },
  };
}

/** Medians of the join steps side by side, in the order Yishi's page reached them. */
function phaseTable(names: string[], yishi: Map<string, number>, bare: Map<string, number> | undefined): string {
  const at = (phase: string) => yishi.get(phase) ?? bare?.get(phase) ?? Number.POSITIVE_INFINITY;
  const rows = names.filter((n) => yishi.has(n) || bare?.has(n)).sort((a, b) => at(a) - at(b));
  const cell = (ms: number | undefined) => (ms === undefined ? '—' : String(ms)).padStart(7);
  const lines = rows.map((phase) => {
    const y = yishi.get(phase);
    const b = bare?.get(phase);
    const gap = y !== undefined && b !== undefined ? `${y - b >= 0 ? '+' : ''}${y - b}` : '';
    return `  ${phase.padEnd(26)}${cell(y)}${bare ? `${cell(b)}${gap.padStart(11)}` : ''}`;
  });
  const head = `  ${'phase'.padEnd(26)}${'Yishi'.padStart(7)}${bare ? `${'bare'.padStart(7)}${'Yishi−bare'.padStart(11)}` : ''}`;
  // A step only one app took: say which, and what it is.
  const oneSided = bare
    ? rows
        .filter((phase) => yishi.has(phase) !== bare.has(phase))
        .map((phase) => `  ${phase}: ${yishi.has(phase) ? 'Yishi' : 'bare'} only — ${JOIN_PHASES[phase] ?? '?'}`)
    : [];
  return ['join steps, median ms since navigation start (—: no such step):', head, ...lines, ...oneSided].join('\n');
}
