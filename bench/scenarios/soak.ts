import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  JoinResult,
  QueueView,
  RequestInput,
  RequestName,
  ResponseMap,
  Role,
  RtpCapabilities,
} from '@yishi/shared';
import { TestClient } from '../../tests/support/client.js';
import { RestClient } from '../../tests/support/rest.js';
import { childPids, freePort, ServerProcess } from '../../tests/support/serverProcess.js';
import { cpuMs, openFds, rss } from '../lib/proc.js';

export interface SoakOptions {
  /** Simulated participants in all, the rooms' chairs included. */
  clients: number;
  minutes: number;
  rooms: number;
  sampleMs: number;
  /** The server's SESSION_CACHE_IDLE_SECONDS: short, so that a run of minutes shows sessions leave memory. */
  sessionIdleS: number;
}

/**
 * Pacing, in ms. A member acts at most once every 4 s, so it can never reach the comment limits
 * (5 per 10 s, 20 per minute per person) nor the connection's request budget: any RATE_LIMITED
 * ack is a finding, not load-generator noise. A visit lasts 20–120 s, then 1–10 s away; after
 * some dropped connections, longer than the server's reconnect grace (30 s by default).
 */
const ACTION_MS = [4_000, 16_000] as const;
const STAY_MS = [20_000, 120_000] as const;
const AWAY_MS = [1_000, 10_000] as const;
const PAST_GRACE_MS = [35_000, 50_000] as const;
const CHAIR_MS = [5_000, 10_000] as const;
/**
 * Meanwhile an organiser creates a topic and reads it back every second, so the server sees far
 * more sessions than it needs in memory; they must be dropped after SESSION_CACHE_IDLE_SECONDS.
 */
const TOPIC_EVERY_MS = 1_000;
/** Clients come in over this long, not all at once: the soak is about the steady state. */
const RAMP_MS = 20_000;
/** Growth between the first and last third (after warm-up) above this is reported as growing. */
const FLAT_PCT = 10;

const between = ([lo, hi]: readonly [number, number]) => lo + Math.random() * (hi - lo);
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
const MiB = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

interface RoomSim {
  id: string;
  rtpCapabilities: RtpCapabilities;
  /** Ids of recent comments, for reactions. */
  recent: string[];
}

/** One client's stay in a room: its connection and the latest queue it was sent. */
interface Visit {
  client: TestClient;
  queue: QueueView;
  /** Ends the visit: `room:leave` first, close the page (a clean disconnect), or drop the connection. */
  end(how: 'leave' | 'close' | 'drop'): Promise<void>;
}

interface Sample {
  t: number;
  online: number;
  connections: number;
  /** Participants on the server: those online and those dropped, still within the grace. */
  peers: number;
  rssMiB: number;
  heapMiB: number;
  /** V8's heap as reserved, and memory outside it (buffers): what RSS is made of besides code. */
  heapTotalMiB: number;
  externalMiB: number;
  workerRssMiB: number;
  fds: number;
  workerFds: number;
  /** Sessions in the server's memory, of `topics` created so far (yishi_sessions_cached). */
  sessionsCached: number;
  topics: number;
  /** Per window (since the previous sample). */
  serverCpuPct: number;
  /** The machine's 1-minute load average: the load generator and anything else share its cores. */
  load: number;
  joins: number;
  comments: number;
  clientErrors: number;
  serverErrors: number;
}

/** Prometheus text → `name{labels}` → value. */
function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const [, key, value] of text.matchAll(/^(\w+(?:\{[^}]*\})?) (\S+)$/gm)) values.set(key as string, Number(value));
  return values;
}

/** The server's refused requests so far, `event code` → count (from yishi_requests_total). */
function refusals(metrics: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of metrics) {
    const m = /^yishi_requests_total\{event="([^"]+)",code="([^"]+)"\}$/.exec(key);
    if (m && m[2] !== 'OK' && value > 0) out[`${m[1]} ${m[2]}`] = value;
  }
  return out;
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Average of the first and last third of `samples[key]`: growth in % and per minute. */
function trend(samples: Sample[], key: keyof Sample) {
  const n = Math.floor(samples.length / 3);
  if (n === 0) return null;
  const avg = (s: Sample[], k: keyof Sample) => s.reduce((a, x) => a + x[k], 0) / s.length;
  const [head, tail] = [samples.slice(0, n), samples.slice(-n)];
  const first = avg(head, key);
  const last = avg(tail, key);
  const minutes = (avg(tail, 't') - avg(head, 't')) / 60;
  const growthPct = first ? ((last - first) / first) * 100 : 0;
  return {
    first: Math.round(first * 10) / 10,
    last: Math.round(last * 10) / 10,
    growthPct: Math.round(growthPct * 10) / 10,
    perMinute: Math.round(((last - first) / minutes) * 100) / 100,
    flat: growthPct <= FLAT_PCT,
  };
}

/**
 * soak: the real server as its own process (SQLite store, one mediasoup worker) under a few
 * hundred signaling-level clients in churn for a bounded time. Each room has a chair who grants
 * and ends turns; members join (with a receive transport), comment, react, ask for and withdraw
 * from the floor, and leave (half with room:leave, half by dropping the connection) and come back.
 * Every `sampleMs` the server's and its worker's RSS and open fds, its heap and refused requests
 * are sampled; the verdict compares the first and last third of the samples after warm-up.
 */
export async function soak(o: SoakOptions) {
  if (!(o.clients > o.rooms) || !(o.minutes > 0)) throw new Error(`--clients must exceed ${o.rooms}, --minutes be > 0`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-soak-'));
  // LOG_LEVEL warn: every warning or error the server logs during the soak is counted below.
  const server = await ServerProcess.start({
    port: await freePort(),
    dataDir,
    demoRoom: 'soak-demo',
    env: { LOG_LEVEL: 'warn', SESSION_CACHE_IDLE_SECONDS: String(o.sessionIdleS) },
  });
  const pid = server.child.pid as number;
  const rest = new RestClient(server.url);
  const durationMs = o.minutes * 60_000;
  const startedAt = Date.now();
  const running = () => Date.now() - startedAt < durationMs && server.running;
  /** Waits, but never past the end of the run. */
  const pause = (ms: number) => sleep(Math.min(ms, Math.max(0, durationMs - (Date.now() - startedAt))));

  const totals: Record<string, number> = {};
  const count = (key: string, n = 1) => {
    totals[key] = (totals[key] ?? 0) + n;
  };
  const errors: Record<string, number> = {};
  let errorCount = 0;
  const fail = (key: string) => {
    errors[key] = (errors[key] ?? 0) + 1;
    errorCount++;
  };
  let online = 0;

  /** A request whose refusal (or missing ack) is counted by request and code; undefined then. */
  async function send<K extends RequestName>(c: TestClient, name: K, payload: RequestInput<K>) {
    try {
      const res = await c.request(name, payload);
      if (res.ok) return res.data as ResponseMap[K];
      fail(`${name} ${res.error.code}`);
    } catch {
      fail(`${name} ${c.socket.connected ? 'NO_ACK' : 'NO_ACK (disconnected)'}`);
    }
    return undefined;
  }

  /**
   * Connects and joins as page `page`, keeps the latest queue; undefined on failure. A page back
   * within the grace after a drop (`resume`) must find its participant and media still there;
   * any other join opens a receive transport, so media objects come and go on the worker too.
   */
  async function enter(sub: string, role: Role, room: RoomSim, page?: string, resume = false) {
    let client: TestClient;
    try {
      client = await TestClient.connect(server.url, {
        token: server.token({ sub, name: sub, role, room: room.id }),
        roomId: room.id,
      });
    } catch (err) {
      fail(`connect ${(err as { code?: string }).code ?? (err as Error).message}`);
      return undefined;
    }
    let ending = false;
    client.socket.on('disconnect', (reason) => {
      if (!ending) fail(`disconnect: ${reason}`);
    });
    client.socket.on('protocol:error', (e) => fail(`protocol:error ${e.event} ${e.code}`));
    client.socket.on('session:replaced', () => fail('session:replaced'));
    const joined: JoinResult | undefined = await send(client, 'room:join', {
      rtpCapabilities: room.rtpCapabilities,
      ...(page ? { instanceId: page } : {}),
    });
    if (!joined) {
      ending = true;
      client.close();
      return undefined;
    }
    count(joined.resumed ? 'resumes' : 'joins');
    if (resume && !joined.resumed) fail('room:join not resumed within the grace');
    online++;
    const visit: Visit = {
      client,
      queue: joined.snapshot.queue,
      async end(how) {
        if (ending) return;
        if (how === 'leave' && client.socket.connected) await send(client, 'room:leave', {});
        ending = true;
        online--;
        if (how === 'drop') client.drop();
        else client.close();
      },
    };
    client.socket.on('queue:state', (q) => {
      visit.queue = q;
    });
    if (!joined.resumed && (await send(client, 'transport:create', { direction: 'recv' }))) count('transports');
    return visit;
  }

  /**
   * A member's visits until the end: come in, act every few seconds, then go one of three ways —
   * `room:leave`, closing the page, or a dropped connection — and come back after a while. After
   * half the drops the same page is back within the grace (a resume); otherwise a new page.
   */
  async function member(sub: string, room: RoomSim) {
    await pause(Math.random() * RAMP_MS);
    let page = randomUUID();
    let resume = false;
    while (running()) {
      const visit = await enter(sub, 'member', room, page, resume);
      let away = between(AWAY_MS);
      resume = false;
      if (visit) {
        const { client } = visit;
        const leaveAt = Date.now() + between(STAY_MS);
        while (running() && client.socket.connected && Date.now() < leaveAt) {
          await pause(between(ACTION_MS));
          if (!running() || !client.socket.connected) break;
          const mine = visit.queue.entries.find((e) => e.speaker.id === sub);
          const r = Math.random();
          if (mine && r < 0.4) {
            if (await send(client, 'queue:withdraw', { entryId: mine.id })) count('queue withdrawals');
          } else if (!mine && r < 0.06) {
            if (await send(client, 'queue:request', { kind: 'contribution' })) count('queue requests');
          } else if (r < 0.7 || room.recent.length === 0) {
            const posted = await send(client, 'comment:post', { text: `${sub}: 赞成这个意见` });
            if (posted?.id) {
              count('comments');
              room.recent = [...room.recent.slice(-49), posted.id];
            }
          } else {
            const commentId = pick(room.recent);
            const reaction = pick(['agree', 'applause', 'question'] as const);
            if (await send(client, 'comment:react', { commentId, reaction, on: Math.random() < 0.7 })) {
              count('reactions');
            }
          }
        }
        const how = running() && client.socket.connected ? pick(['leave', 'close', 'drop'] as const) : 'close';
        await visit.end(how);
        if (running()) count(`leaves (${how})`);
        if (how === 'drop' && Math.random() < 0.5) resume = true;
        else if (how === 'drop') away = between(PAST_GRACE_MS);
      }
      if (!resume) page = randomUUID();
      await pause(away);
    }
  }

  /** The chair stays: every few seconds ends the current turn, or gives the floor to the first in line. */
  async function chair(sub: string, room: RoomSim, first: Visit) {
    let visit: Visit | undefined = first;
    while (running()) {
      if (!visit?.client.socket.connected) {
        await visit?.end('close');
        visit = await enter(sub, 'chair', room);
        if (!visit) await pause(1000);
        continue;
      }
      await pause(between(CHAIR_MS));
      if (!running()) break;
      const q = visit.queue;
      if (q.current) {
        if (await send(visit.client, 'floor:end', {})) count('floor ends');
      } else if (q.entries.length > 0) {
        if (await send(visit.client, 'floor:grant', {})) count('floor grants');
      }
    }
    await visit?.end('close');
  }

  /** The organiser's topics: one a second, created, read back, then left alone. */
  async function topics() {
    for (let n = 0; running(); n++) {
      const id = `archive-${n}`;
      const token = server.token({ sub: `organiser-chair-${n}`, name: '政协办公厅', role: 'chair', room: id });
      const created = await rest.post('/topics', token, { title: `往期议题 ${n}`, organiser: '政协办公厅' });
      if (created.status !== 201 || (await rest.get(`/topics/${id}`, token)).status !== 200) fail('topic create/read');
      else count('topics');
      await pause(TOPIC_EVERY_MS);
    }
  }

  // One retry: a scrape may meet a keep-alive connection the server is just closing (ECONNRESET).
  const scrape = () => fetch(`${server.url}/metrics`).then((res) => res.text());
  const sampleServer = async () => {
    const workers = childPids(pid);
    const metrics = parseMetrics(await scrape().catch(() => sleep(500).then(scrape)));
    return {
      connections: metrics.get('yishi_connections') ?? 0,
      peers: metrics.get('yishi_peers') ?? 0,
      rooms: metrics.get('yishi_rooms') ?? 0,
      sessionsCached: metrics.get('yishi_sessions_cached') ?? 0,
      rssMiB: MiB(rss(pid)),
      heapMiB: MiB(metrics.get('nodejs_heap_size_used_bytes') ?? 0),
      heapTotalMiB: MiB(metrics.get('nodejs_heap_size_total_bytes') ?? 0),
      externalMiB: MiB(metrics.get('nodejs_external_memory_bytes') ?? 0),
      workerRssMiB: MiB(workers.reduce((a, w) => a + rss(w), 0)),
      fds: openFds(pid),
      workerFds: workers.reduce((a, w) => a + openFds(w), 0),
      refused: refusals(metrics),
    };
  };

  const samples: Sample[] = [];
  let before: Awaited<ReturnType<typeof sampleServer>> | undefined;
  let after: Awaited<ReturnType<typeof sampleServer>> | undefined;
  let crashed: string | undefined;
  try {
    before = await sampleServer();
    // Rooms: a topic each, created and opened by its chair through the organiser API.
    const rooms: RoomSim[] = [];
    const chairs: Promise<void>[] = [];
    for (let r = 0; r < o.rooms; r++) {
      const id = `soak-${r}`;
      const token = server.token({ sub: `chair-${r}`, name: `主席${r}`, role: 'chair', room: id });
      const created = await rest.post('/topics', token, { title: `浸泡测试 ${r}`, organiser: '政协办公厅' });
      const opened = await rest.post(`/topics/${id}/open`, token);
      if (created.status !== 201 || opened.status !== 200)
        throw new Error(`room ${id}: ${created.text} ${opened.text}`);
      const probe = await TestClient.connect(server.url, { token, roomId: id });
      const { rtpCapabilities } = await probe.call('media:routerCapabilities', {});
      probe.close();
      const room: RoomSim = { id, rtpCapabilities, recent: [] };
      const first = await enter(`chair-${r}`, 'chair', room);
      if (!first) throw new Error(`the chair of ${id} could not join`);
      rooms.push(room);
      chairs.push(chair(`chair-${r}`, room, first));
    }
    const members = Array.from({ length: o.clients - o.rooms }, (_, i) => member(`m${i}`, rooms[i % o.rooms]!));
    const organiser = topics();

    // Samples until the end; deltas per window for joins, comments and errors.
    let last = { joins: 0, comments: 0, errors: 0, serverErrors: 0, cpuMs: cpuMs(pid), at: Date.now() };
    while (running()) {
      await pause(o.sampleMs);
      if (!running()) break; // the clients are leaving now: not a steady-state sample
      // The server may die between the check and the reads: that is a crash, reported below.
      const s = await sampleServer().catch((err: unknown) => {
        if (server.running) throw err;
      });
      if (!s) break;
      const serverErrors = sum(s.refused);
      const now = {
        joins: totals.joins ?? 0,
        comments: totals.comments ?? 0,
        errors: errorCount,
        serverErrors,
        cpuMs: cpuMs(pid),
        at: Date.now(),
      };
      samples.push({
        t: Math.round((Date.now() - startedAt) / 1000),
        online,
        connections: s.connections,
        peers: s.peers,
        rssMiB: s.rssMiB,
        heapMiB: s.heapMiB,
        heapTotalMiB: s.heapTotalMiB,
        externalMiB: s.externalMiB,
        workerRssMiB: s.workerRssMiB,
        fds: s.fds,
        workerFds: s.workerFds,
        sessionsCached: s.sessionsCached,
        topics: totals.topics ?? 0,
        serverCpuPct: Math.round(((now.cpuMs - last.cpuMs) / (now.at - last.at)) * 100),
        load: Math.round((os.loadavg()[0] ?? 0) * 10) / 10,
        joins: now.joins - last.joins,
        comments: now.comments - last.comments,
        clientErrors: now.errors - last.errors,
        serverErrors: now.serverErrors - last.serverErrors,
      });
      last = now;
      const row = samples.at(-1) as Sample;
      process.stderr.write(
        `  t=${row.t}s online=${row.online} rss=${row.rssMiB}MiB fds=${row.fds} sessions=${row.sessionsCached}/${row.topics} errors=${row.clientErrors}\n`,
      );
    }
    await Promise.all([...members, ...chairs, organiser]);
    if (!server.running) crashed = `server exited (code ${server.child.exitCode}, signal ${server.child.signalCode})`;
    else {
      // Everyone gone (the dropped after the grace): connections, rooms and fds back where they started.
      const empty = (s: typeof before) => s && s.connections + s.peers + s.rooms === 0;
      for (let i = 0; i < 45 && !empty(await sampleServer()); i++) await sleep(1000);
      await sleep(2000);
      after = await sampleServer();
    }
  } finally {
    await server.stop().catch((err: unknown) => {
      crashed ??= `stop: ${(err as Error).message}`;
    });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const warmupS = Math.min(60, (durationMs / 1000) * 0.25);
  const steady = samples.filter((s) => s.t >= warmupS);
  const third = Math.floor(steady.length / 3);
  const errorsIn = (s: Sample[]) => s.reduce((a, x) => a + x.clientErrors + x.serverErrors, 0);
  const verdict = {
    warmupS,
    flatBelowPct: FLAT_PCT,
    serverRssMiB: trend(steady, 'rssMiB'),
    serverHeapMiB: trend(steady, 'heapMiB'),
    serverHeapTotalMiB: trend(steady, 'heapTotalMiB'),
    workerRssMiB: trend(steady, 'workerRssMiB'),
    serverFds: trend(steady, 'fds'),
    workerFds: trend(steady, 'workerFds'),
    sessionsCached: trend(steady, 'sessionsCached'),
    topicsCreated: totals.topics ?? 0,
    // Client-seen and server-counted errors in the first and last third of the steady samples.
    errorsFirstThird: third ? errorsIn(steady.slice(0, third)) : null,
    errorsLastThird: third ? errorsIn(steady.slice(-third)) : null,
    crashed: crashed ?? null,
  };
  const log = server.output.split('\n').filter((l) => /"level":(40|50|60)/.test(l));
  const summary = [
    `verdict (steady state from ${warmupS} s; first vs last third; flat when growth ≤ ${FLAT_PCT} %):`,
    // The V8 heap is shown for reference only: it swings with garbage collection.
    ...(
      [
        'serverRssMiB',
        'workerRssMiB',
        'serverFds',
        'workerFds',
        'sessionsCached',
        'serverHeapMiB',
        'serverHeapTotalMiB',
      ] as const
    ).map((k) => {
      const v = verdict[k];
      const word = k.includes('Heap') ? '(reference)' : v?.flat ? 'flat' : 'GROWING';
      return v
        ? `  ${k.padEnd(18)} ${v.first} → ${v.last}  ${v.growthPct >= 0 ? '+' : ''}${v.growthPct} %  ` +
            `(${v.perMinute}/min)  ${word}`
        : `  ${k}: too few samples`;
    }),
    `  topics created meanwhile: ${verdict.topicsCreated} (sessions kept in memory ${o.sessionIdleS} s unused)`,
    `  errors (client + server refusals) in the first third ${verdict.errorsFirstThird}, last ` +
      `${verdict.errorsLastThird}: ${(verdict.errorsLastThird ?? 0) > (verdict.errorsFirstThird ?? 0) ? 'GROWING' : 'not growing'}`,
    `  before: ${JSON.stringify({ ...before, refused: undefined })}`,
    `  after all left: ${JSON.stringify({ ...after, refused: undefined })}`,
    `  totals: ${JSON.stringify(totals)}`,
    `  client errors: ${JSON.stringify(errors)}`,
    `  server refusals (/metrics): ${JSON.stringify(after?.refused ?? {})}`,
    `  server log warnings/errors: ${log.length}${log.length ? `, last: ${log.at(-1)}` : ''}`,
    ...(crashed ? [`  SERVER CRASHED: ${crashed}\n${server.output.slice(-4000)}`] : []),
  ].join('\n');

  return {
    table: samples.map((s) => ({
      't s': s.t,
      online: s.online,
      conns: s.connections,
      peers: s.peers,
      'RSS MiB': s.rssMiB,
      'heap MiB': s.heapMiB,
      'worker RSS MiB': s.workerRssMiB,
      fds: s.fds,
      'worker fds': s.workerFds,
      sessions: `${s.sessionsCached}/${s.topics}`,
      'server CPU %': s.serverCpuPct,
      load: s.load,
      joins: s.joins,
      comments: s.comments,
      'client errors': s.clientErrors,
      'server refusals': s.serverErrors,
    })),
    summary,
    data: {
      options: o,
      samples,
      before,
      after,
      verdict,
      totals,
      clientErrors: errors,
      serverRefusals: after?.refused ?? null,
      serverLog: { warningsAndErrors: log.length, last: log.slice(-20) },
    },
  };
}
