import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../support/client.js';
import { tamperJwt } from '../support/jwt.js';
import { rtpCapabilities } from '../support/mediaFixtures.js';
import { startTestServer } from '../support/server.js';
import { freePort, ServerProcess } from '../support/serverProcess.js';

/**
 * TURN REST credentials (coturn `use-auth-secret`) as a real server process hands them out: with
 * each join its own, expiring after YISHI_TURN_TTL, signed with the shared secret; none for a
 * client without a valid token; the secret and the passwords never in the logs; and nothing at
 * all from a server without TURN. That coturn accepts them (and refuses forged or expired ones)
 * is tests/e2e/blockedNetworks.test.ts.
 */

const ROOM = 'turn';
const URLS = ['turns:turn.example.org:443?transport=tcp', 'turn:turn.example.org:3478?transport=tcp'];
const SECRET = 'turn-shared-secret-never-sent-or-logged-0123456789';
const TTL = 600;
let dir: string;
let node: ServerProcess;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-turn-'));
  node = await ServerProcess.start({
    dataDir: dir,
    port: await freePort(),
    demoRoom: ROOM,
    env: {
      LOG_LEVEL: 'debug',
      YISHI_TURN_URLS: URLS.join(','),
      YISHI_TURN_SECRET: SECRET,
      YISHI_TURN_TTL: String(TTL),
    },
  });
}, 60_000);

afterAll(async () => {
  await node?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Joins as `sub` and returns the join answer's iceServers (closing the connection). */
async function iceServersOf(sub: string): Promise<unknown> {
  const client = await TestClient.connect(node.url, {
    token: node.token({ sub, name: sub, role: 'member', room: ROOM }),
    roomId: ROOM,
  });
  try {
    return (await client.call('room:join', { rtpCapabilities: rtpCapabilities() })).iceServers;
  } finally {
    client.close();
  }
}

describe('TURN credentials in the join answer', () => {
  it('gives each join its own credentials, valid for the TTL and signed with the shared secret', async () => {
    const before = Math.floor(Date.now() / 1000);
    const answers = [await iceServersOf('alice'), await iceServersOf('bob'), await iceServersOf('alice')];
    const after = Math.ceil(Date.now() / 1000);
    const usernames = new Set<string>();
    for (const servers of answers) {
      expect(servers).toEqual([{ urls: URLS, username: expect.any(String), credential: expect.any(String) }]);
      const [{ username, credential }] = servers as [{ username: string; credential: string }];
      const [expiry, id] = username.split(':');
      expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(Number(expiry)).toBeGreaterThanOrEqual(before + TTL);
      expect(Number(expiry)).toBeLessThanOrEqual(after + TTL);
      // What coturn computes with `static-auth-secret` to check the password.
      expect(credential).toBe(createHmac('sha1', SECRET).update(username).digest('base64'));
      usernames.add(username);
    }
    // Per join: two people, and the same person joining again, never share credentials.
    expect(usernames.size).toBe(3);
  });

  it('gives fresh credentials with each ICE restart too (a restart hours after the join makes a new allocation)', async () => {
    const client = await TestClient.connect(node.url, {
      token: node.token({ sub: 'erin', name: 'erin', role: 'member', room: ROOM }),
      roomId: ROOM,
    });
    try {
      const joined = await client.call('room:join', { rtpCapabilities: rtpCapabilities() });
      const { id } = await client.call('transport:create', { direction: 'recv' });
      const restarts = [
        await client.call('transport:restartIce', { transportId: id }),
        await client.call('transport:restartIce', { transportId: id }),
      ];
      const usernames = [joined, ...restarts].map((answer) => {
        expect(answer.iceServers).toEqual([
          { urls: URLS, username: expect.any(String), credential: expect.any(String) },
        ]);
        const username = answer.iceServers?.[0]?.username ?? '';
        expect(answer.iceServers?.[0]?.credential).toBe(createHmac('sha1', SECRET).update(username).digest('base64'));
        return username;
      });
      expect(new Set(usernames).size).toBe(3);
    } finally {
      client.close();
    }
  });

  it('gives none to a client without a valid token: the handshake is refused before any request', async () => {
    const token = node.token({ sub: 'mallory', name: 'mallory', role: 'member', room: ROOM });
    const refusals: Array<[auth: Record<string, string>, code: string]> = [
      [{ roomId: ROOM }, 'INVALID_REQUEST'],
      [{ token: 'not-a-jwt', roomId: ROOM }, 'UNAUTHENTICATED'],
      [{ token: tamperJwt(token, (claims) => ({ ...claims, sub: 'alice' })), roomId: ROOM }, 'UNAUTHENTICATED'],
      [
        { token: node.token({ sub: 'mallory', name: 'mallory', role: 'member', room: 'another' }), roomId: ROOM },
        'NOT_ALLOWED',
      ],
    ];
    for (const [auth, code] of refusals) {
      await expect(TestClient.connect(node.url, auth as { token: string }), JSON.stringify(auth)).rejects.toMatchObject(
        {
          code,
        },
      );
    }
  });

  it('logs which TURN username went to whom, never the secret or a password', async () => {
    const [server] = (await iceServersOf('carol')) as [{ username: string; credential: string }];
    await new Promise((resolve) => setTimeout(resolve, 500)); // the last log lines are written
    const logs = node.output;
    const issued = logs
      .split('\n')
      .filter((line) => line.includes(server.username))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(issued).toEqual([expect.objectContaining({ peerId: 'carol', turnUser: server.username })]);
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain(server.credential);
  });
});

describe('a server without TURN', () => {
  it('answers a join and an ICE restart without iceServers, as before', async () => {
    const server = await startTestServer();
    try {
      const client = await TestClient.connect(server.url, { token: server.token({ sub: 'dave' }) });
      const joined = await client.call('room:join', { rtpCapabilities: rtpCapabilities() });
      expect(joined.self.id).toBe('dave');
      expect(joined).not.toHaveProperty('iceServers');
      const { id } = await client.call('transport:create', { direction: 'recv' });
      expect(await client.call('transport:restartIce', { transportId: id })).not.toHaveProperty('iceServers');
      client.close();
    } finally {
      await server.close();
    }
  });
});
