import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommentView, QueueView } from '@yishi/shared';
import { TestClient } from '../../tests/support/client.js';
import { signToken } from '../../signaling/src/auth/tokens.js';
import { RedisServer } from '../../tests/support/redis.js';
import { freePort, ServerProcess } from '../../tests/support/serverProcess.js';
import { TEST_SECRET } from '../../tests/support/server.js';
import { cpuMs, rss } from '../lib/proc.js';
import { quantile } from '../stats.js';

const ROOM = 'bench';

export interface SignalingOptions {
  /** Client counts to step through; clients are added to reach each. */
  sizes: number[];
  /** Comment rates (per second, whole room) tried at each size until p99 passes 100 ms. */
  commentRates: number[];
  grantTrials: number;
  /** False: grant trials only, no comment phases (`--no-comments`, for iterating on the grant path). */
  comments?: boolean;
  /** 1: the embedded store; 2: two server processes sharing a real redis-server, clients alternating. */
  nodes: 1 | 2;
}

/**
 * signaling: N socket.io clients (no media) join one session on a Yishi server running as its own
 * process. Measures join latency, server memory per connection, the fan-out of a floor grant
 * (chair's request until every client has the new queue state) and of comments (the highest rate
 * whose delivery p99 stays under 100 ms, and lost deliveries). With two nodes, memory and CPU are
 * those of both server processes together (Redis's own is not counted).
 */
export async function signaling(o: SignalingOptions) {
  const dataDirs: string[] = [];
  const redis = o.nodes === 2 ? await RedisServer.start() : undefined;
  // YISHI_PROFILE_DIR=<dir>: the server writes a V8 CPU profile there when it stops (profile-guided work).
  const profile = process.env.YISHI_PROFILE_DIR;
  const servers: ServerProcess[] = [];
  for (let n = 0; n < o.nodes; n++) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-bench-'));
    dataDirs.push(dataDir);
    servers.push(
      await ServerProcess.start({
        port: await freePort(),
        dataDir,
        demoRoom: ROOM,
        env: {
          LOG_LEVEL: 'error',
          // COMMENT_BATCH_MS from the bench's environment, to compare batching windows.
          ...(process.env.COMMENT_BATCH_MS ? { COMMENT_BATCH_MS: process.env.COMMENT_BATCH_MS } : {}),
          ...(redis ? { REDIS_URL: redis.url } : {}),
        },
        ...(profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profile}`] } : {}),
      }),
    );
  }
  const server = servers[0] as ServerProcess;
  const pids = servers.map((s) => s.child.pid as number);
  const totalRss = () => pids.reduce((sum, pid) => sum + rss(pid), 0);
  const totalCpuMs = () => pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const tokens = { secret: TEST_SECRET, issuer: 'yishi', audience: 'yishi' };
  const token = (sub: string, role: 'chair' | 'member') =>
    signToken(tokens, { sub, name: sub, role, room: ROOM }, '1h');
  const clients: TestClient[] = [];
  const results = [];
  try {
    const chair = await TestClient.connect(server.url, { token: token('chair', 'chair'), roomId: ROOM });
    const { rtpCapabilities } = await chair.call('media:routerCapabilities', {});
    await chair.call('room:join', { rtpCapabilities });
    const baseline = totalRss();

    for (const size of o.sizes) {
      // Join: connect + join, in batches of 50 concurrent clients.
      const joinMs: number[] = [];
      while (clients.length < size) {
        const batch = Array.from({ length: Math.min(50, size - clients.length) }, (_, i) => clients.length + i);
        clients.push(
          ...(await Promise.all(
            batch.map(async (i) => {
              const started = performance.now();
              const node = servers[i % servers.length] as ServerProcess;
              const client = await TestClient.connect(node.url, { token: token(`m${i}`, 'member'), roomId: ROOM });
              await client.call('room:join', { rtpCapabilities });
              joinMs.push(performance.now() - started);
              return client;
            }),
          )),
        );
      }
      await sleep(1000);
      const memoryPerConnectionKiB = Math.round((totalRss() - baseline) / clients.length / 1024);

      // Floor grant: a member asks (a different one each trial: requests are rate-limited per person);
      // once every client has seen the request (so that its fan-out is not still being sent and read
      // when the grant's starts), time from the chair's grant until every client saw it in queue:state.
      const grantAllMs: number[] = [];
      const grantFirstMs: number[] = [];
      const grantEachMs: number[] = [];
      const benchCpuBefore = process.cpuUsage();
      const serverCpuBefore = totalCpuMs();
      for (let trial = 0; trial < o.grantTrials; trial++) {
        const speaker = trial % clients.length;
        const requested = clients.map((c) =>
          c.next('queue:state', (q: QueueView) => q.entries.some((e) => e.speaker.id === `m${speaker}`), 20_000),
        );
        await (clients[speaker] as TestClient).call('queue:request', { kind: 'contribution' });
        await Promise.all(requested);
        const seen = clients.map((c) =>
          c
            .next('queue:state', (q: QueueView) => q.current?.speaker.id === `m${speaker}`, 20_000)
            .then(() => performance.now()),
        );
        const started = performance.now();
        await chair.call('floor:grant', {});
        const times = await Promise.all(seen);
        grantEachMs.push(...times.map((t) => t - started));
        grantAllMs.push(Math.max(...times) - started);
        grantFirstMs.push(Math.min(...times) - started);
        await chair.call('floor:end', {});
        await sleep(200);
      }
      const benchCpu = process.cpuUsage(benchCpuBefore);
      const grantCpuMs = {
        bench: Math.round((benchCpu.user + benchCpu.system) / 1000),
        server: totalCpuMs() - serverCpuBefore,
      };

      // Comments: every client posts in turn at `rate` per second for 4 s (at most 0.5/s each: the rate limit).
      const comments = [];
      for (const rate of o.comments === false ? [] : o.commentRates) {
        if (rate > clients.length / 2) break;
        const latencies: number[] = [];
        let delivered = 0;
        let messages = 0;
        const onComments = ({ comments }: { comments: CommentView[] }) => {
          messages++;
          for (const c of comments) {
            const sent = Number(/^bench (\d+(?:\.\d+)?)/.exec(c.text)?.[1]);
            if (!Number.isNaN(sent)) {
              latencies.push(Date.now() - sent);
              delivered++;
            }
          }
        };
        for (const c of clients) c.socket.on('comments:added', onComments);
        const total = rate * 4;
        let refused = 0;
        const cpuBefore = totalCpuMs();
        for (let i = 0; i < total; i++) {
          const poster = clients[(i * 7919) % clients.length] as TestClient;
          void poster.request('comment:post', { text: `bench ${Date.now()}` }).then((r) => {
            if (!r.ok) refused++;
          });
          await sleep(1000 / rate);
        }
        await sleep(2000);
        const serverCpuMs = totalCpuMs() - cpuBefore;
        for (const c of clients) c.socket.off('comments:added', onComments);
        const expected = (total - refused) * clients.length;
        const p99 = quantile(latencies, 0.99);
        comments.push({
          rate,
          p50Ms: quantile(latencies, 0.5),
          p99Ms: p99,
          lost: expected - delivered,
          refused,
          // Comments per message to one client (> 1 when the server batched a burst).
          commentsPerMessage: messages ? Math.round((delivered / messages) * 100) / 100 : null,
          // The server's CPU for this phase (6 s) per comment delivered to one client.
          serverCpuUsPerDelivery: delivered ? Math.round((serverCpuMs * 1000) / delivered) : null,
        });
        if (p99 > 100 || rate === o.commentRates.at(-1)) break;
        await sleep(11_000); // let every poster's rate-limit window pass
      }
      const sustained = comments.filter((c) => c.p99Ms <= 100 && c.lost === 0).at(-1)?.rate ?? 0;
      results.push({
        clients: clients.length,
        joinP50Ms: Math.round(quantile(joinMs, 0.5)),
        joinP99Ms: Math.round(quantile(joinMs, 0.99)),
        memoryPerConnectionKiB,
        grantAllP50Ms: Math.round(quantile(grantAllMs, 0.5)),
        grantAllP99Ms: Math.round(quantile(grantAllMs, 0.99)),
        grantEachP99Ms: Math.round(quantile(grantEachMs, 0.99)),
        grantTrials: grantAllMs.length,
        // The first client's arrival: the server's part, with the least of the load generator's.
        grantFirstP50Ms: Math.round(quantile(grantFirstMs, 0.5)),
        grantFirstP99Ms: Math.round(quantile(grantFirstMs, 0.99)),
        // CPU over all the grant trials (each: request, grant, end, 200 ms pause), bench process and server(s).
        grantCpuMs,
        grantAllMs: grantAllMs.map((ms) => Math.round(ms * 10) / 10),
        comments,
        commentRateP99Under100Ms: sustained,
      });
      process.stderr.write(`  ${clients.length} clients done\n`);
    }
    chair.close();
  } finally {
    for (const c of clients) c.close();
    await Promise.all(servers.map((s) => s.stop()));
    await redis?.stop();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  }
  return {
    table: results.map((r) => ({
      clients: r.clients,
      'join p50 ms': r.joinP50Ms,
      'join p99 ms': r.joinP99Ms,
      'KiB/conn': r.memoryPerConnectionKiB,
      'grant→all p50 ms': r.grantAllP50Ms,
      'grant→all p99 ms': r.grantAllP99Ms,
      'comments/s (p99<100ms)': r.commentRateP99Under100Ms,
    })),
    data: { nodes: o.nodes, commentBatchMs: Number(process.env.COMMENT_BATCH_MS ?? 50), results },
  };
}
