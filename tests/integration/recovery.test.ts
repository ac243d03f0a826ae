import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@yishi/shared';
import { TestClient } from '../support/client.js';
import { until } from '../support/media.js';
import { RedisServer } from '../support/redis.js';
import { ClientPool } from '../support/room.js';
import { freePort, ServerProcess } from '../support/serverProcess.js';
import { TcpProxy } from '../support/tcpProxy.js';

/**
 * Socket.IO's connection-state recovery across nodes (the Redis streams adapter): a client whose
 * connection drops and whose reconnection the proxy sends to another node is sent, in order,
 * what it missed; when recovery is not possible (the grace has passed) it resyncs from the full
 * snapshot of its join. Also the per-person connection limit, counted over both nodes. Two real
 * node processes, a real redis-server, a TCP proxy in front.
 */

const ROOM = 'plenary';
const GRACE_SECONDS = 3;
const CONNECTS_PER_MINUTE = 4;
const pool = new ClientPool();
const dirs: string[] = [];
let redis: RedisServer;
let a: ServerProcess;
let b: ServerProcess;
let proxy: TcpProxy;
const ports = { a: 0, b: 0 };

async function startNode(prefix: string, port: number): Promise<ServerProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-recovery-'));
  dirs.push(dataDir);
  return ServerProcess.start({
    dataDir,
    port,
    demoRoom: ROOM,
    env: {
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS),
      CONNECTS_PER_MINUTE: String(CONNECTS_PER_MINUTE),
    },
  });
}

beforeAll(async () => {
  redis = await RedisServer.start();
  const prefix = `yishi-${randomUUID().slice(0, 8)}:`;
  ports.a = await freePort();
  ports.b = await freePort();
  a = await startNode(prefix, ports.a);
  b = await startNode(prefix, ports.b);
  proxy = await TcpProxy.start(ports.a);
}, 90_000);

afterAll(async () => {
  pool.closeAll();
  // Whatever started, even if the set-up failed half-way: no node or Redis outlives the tests.
  await proxy?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  proxy.target = ports.a;
});

const token = (sub: string) => a.token({ sub, name: sub, role: 'member', room: ROOM });

/**
 * A client as the browser's is: through the proxy, reconnecting with its Socket.IO session
 * (the library's own recovery), recording the comments it is told of.
 */
async function roamingClient(sub: string) {
  const socket = io(proxy.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { token: token(sub), roomId: ROOM, protocolVersion: PROTOCOL_VERSION },
  });
  const seen: string[] = [];
  socket.on('comments:added', ({ comments }: { comments: Array<{ text: string }> }) =>
    seen.push(...comments.map((c) => c.text)),
  );
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const client = Object.assign(Object.create(TestClient.prototype), { socket }) as TestClient;
  const { rtpCapabilities } = await client.call('media:routerCapabilities', {});
  const page = randomUUID();
  await client.call('room:join', { rtpCapabilities, instanceId: page });
  return { socket, client, seen, page, rtpCapabilities };
}

/** Drops the connection (no goodbye), lets the node notice, then reconnects — through the proxy, to `target`. */
async function dropAndReconnect(roamer: Awaited<ReturnType<typeof roamingClient>>, meanwhile: () => Promise<void>) {
  roamer.socket.io.engine.close();
  await until(() => !roamer.socket.connected, 'the client sees the drop');
  await meanwhile();
  roamer.socket.connect();
  await new Promise<void>((resolve) => roamer.socket.once('connect', () => resolve()));
}

describe('connection-state recovery across nodes', () => {
  it('sends a client reconnecting to another node the comments it missed, in order, before it joins again', async () => {
    const roamer = await roamingClient('roamer');
    const writer = await pool.join(b.url, token('writer'), ROOM);
    await writer.client.call('comment:post', { text: '断线前' });
    await until(() => roamer.seen.includes('断线前'), 'the roamer hears the first comment');

    await dropAndReconnect(roamer, async () => {
      for (const text of ['断线中一', '断线中二', '断线中三']) await writer.client.call('comment:post', { text });
      proxy.target = ports.b; // node A is draining, say: the proxy sends the reconnection to B
    });
    expect(roamer.socket.recovered).toBe(true);
    // Replayed at once on reconnecting, before any request of the client's.
    await until(() => roamer.seen.length === 4, 'the missed comments are replayed');
    expect(roamer.seen).toEqual(['断线前', '断线中一', '断线中二', '断线中三']);

    // Back in the room on node B; what comes next reaches it there, once.
    const back = await roamer.client.call('room:join', {
      rtpCapabilities: roamer.rtpCapabilities,
      instanceId: roamer.page,
    });
    expect(back.snapshot.comments.map((c) => c.text)).toEqual(roamer.seen);
    await writer.client.call('comment:post', { text: '回来以后' });
    await until(() => roamer.seen.includes('回来以后'), 'the next comment arrives on node B');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(roamer.seen.filter((t) => t === '回来以后')).toHaveLength(1);
    roamer.socket.close();
  }, 60_000);

  it('falls back to the full snapshot when the session can no longer be recovered (after the grace)', async () => {
    const roamer = await roamingClient('late');
    const writer = await pool.join(b.url, token('writer2'), ROOM);
    await writer.client.call('comment:post', { text: '离开前' });
    await until(() => roamer.seen.includes('离开前'), 'the roamer hears the comment');

    await dropAndReconnect(roamer, async () => {
      await writer.client.call('comment:post', { text: '离开很久时' });
      await new Promise((resolve) => setTimeout(resolve, (GRACE_SECONDS + 2) * 1000));
      proxy.target = ports.b;
    });
    expect(roamer.socket.recovered).toBe(false);
    const back = await roamer.client.call('room:join', {
      rtpCapabilities: roamer.rtpCapabilities,
      instanceId: roamer.page,
    });
    expect(back.resumed).toBe(false);
    expect(back.snapshot.comments.map((c) => c.text)).toContain('离开很久时');
    roamer.socket.close();
  }, 60_000);
});

describe('the per-person connection limit', () => {
  it('counts connections through both nodes together', async () => {
    const token = a.token({ sub: 'hammer', name: 'hammer', role: 'member', room: ROOM });
    for (let i = 0; i < CONNECTS_PER_MINUTE; i++) {
      const client = await TestClient.connect((i % 2 === 0 ? a : b).url, { token, roomId: ROOM });
      client.close();
    }
    for (const node of [a, b]) {
      await expect(TestClient.connect(node.url, { token, roomId: ROOM })).rejects.toMatchObject({
        code: 'RATE_LIMITED',
      });
    }
  });
});
