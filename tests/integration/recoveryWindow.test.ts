import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@yishi/shared';
import { TestClient } from '../support/client.js';
import { until } from '../support/media.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * A recovering connection is not connected until its handshake is over (token, limiter, session
 * and room checks: round trips to the store). What its rooms are sent in that window must reach it
 * after the packets it missed, each once. The window is held open here by a middleware after the
 * server's own handshake, in which another member posts a comment; a real server and worker.
 */

const ROOM = 'room1';
let server: TestServer;
/** Set by a test: runs while a recovered connection is between its handshake and 'connection'. */
let duringRecovery: (() => Promise<void>) | undefined;

beforeAll(async () => {
  server = await startTestServer({ env: { RECONNECT_GRACE_SECONDS: '30', COMMENT_BATCH_MS: '0' }, rooms: [ROOM] });
  server.io.use(async (socket, next) => {
    if (socket.recovered && duringRecovery) await duringRecovery();
    next();
  });
});
afterAll(() => server.close());

async function member(sub: string) {
  const client = await TestClient.connect(server.url, { token: server.token({ sub, name: sub, room: ROOM }) });
  const { rtpCapabilities } = await client.call('media:routerCapabilities', {});
  await client.call('room:join', { rtpCapabilities, instanceId: randomUUID() });
  const seen: string[] = [];
  client.socket.on('comments:added', ({ comments }) => seen.push(...comments.map((c) => c.text)));
  return { client, seen };
}

describe('a connection recovering its Socket.IO session', () => {
  it('gets what its rooms were sent during its handshake, after what it missed, each once', async () => {
    const socket = io(server.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: {
        token: server.token({ sub: 'roamer', name: 'roamer', room: ROOM }),
        roomId: ROOM,
        protocolVersion: PROTOCOL_VERSION,
      },
    });
    const seen: string[] = [];
    socket.on('comments:added', ({ comments }: { comments: Array<{ text: string }> }) =>
      seen.push(...comments.map((c) => c.text)),
    );
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const roamer = Object.assign(Object.create(TestClient.prototype), { socket }) as TestClient;
    const { rtpCapabilities } = await roamer.call('media:routerCapabilities', {});
    await roamer.call('room:join', { rtpCapabilities, instanceId: randomUUID() });
    const writer = await member('writer');
    const observer = await member('observer');

    await writer.client.call('comment:post', { text: '断线前' });
    await until(() => seen.length === 1, 'the roamer hears the first comment');
    socket.io.engine.close();
    await until(() => !socket.connected, 'the roamer sees the drop');
    await until(() => server.io.of('/').sockets.size === 2, 'the server sees the drop');
    await writer.client.call('comment:post', { text: '断线中' });

    // While the roamer's reconnection is being checked, another comment goes to the room: the
    // observer, connected, has it before the roamer's handshake may finish.
    duringRecovery = async () => {
      duringRecovery = undefined;
      await writer.client.call('comment:post', { text: '握手时' });
      await until(() => observer.seen.includes('握手时'), 'the room is sent the comment');
    };
    socket.connect();
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    expect(socket.recovered).toBe(true);

    await writer.client.call('comment:post', { text: '连上以后' });
    await until(() => seen.includes('连上以后'), 'the roamer hears the comment after it connected');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toEqual(['断线前', '断线中', '握手时', '连上以后']);
    for (const c of [roamer, writer.client, observer.client]) c.close();
  });
});
