import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../support/client.js';
import { tamperJwt } from '../support/jwt.js';
import { rtpCapabilities } from '../support/mediaFixtures.js';
import { freePort, ServerProcess } from '../support/serverProcess.js';

/**
 * What a real server process writes and sends: no token, key or secret in its logs (at debug
 * level, through joins, refusals, bad requests and REST calls), and the security headers on HTTP.
 */

const ROOM = 'secure';
const ORGANISER_KEY = 'organiser-key-that-must-never-be-logged-0123456789';
let dir: string;
let node: ServerProcess;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-security-'));
  node = await ServerProcess.start({
    dataDir: dir,
    port: await freePort(),
    demoRoom: ROOM,
    env: { LOG_LEVEL: 'debug', ORGANISER_KEY },
  });
}, 60_000);

afterAll(async () => {
  await node?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The server's JSON log lines (the start banner with the demo join links is not a log). */
const logLines = () => node.output.split('\n').filter((line) => line.startsWith('{'));

describe('secrets stay out of the logs', () => {
  it('logs no token, key or signature, whatever happens', async () => {
    const token = node.token({ sub: 'leaky', name: '测试', role: 'member', room: ROOM });
    const forged = tamperJwt(token, (claims) => ({ ...claims, role: 'chair' }));
    const inQuery = node.token({ sub: 'linked', name: '链接', role: 'member', room: ROOM });

    const client = await TestClient.connect(node.url, { token, roomId: ROOM });
    await client.call('room:join', { rtpCapabilities: rtpCapabilities() });
    await client.call('comment:post', { text: '日志里不应有令牌' });
    expect(await client.request('comment:post', { text: 1 } as never)).toMatchObject({ ok: false });
    client.raw('no:such', { token });
    client.close();
    await expect(TestClient.connect(node.url, { token: forged, roomId: ROOM })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await fetch(`${node.url}/r/${ROOM}?token=${inQuery}`);
    await fetch(`${node.url}/api/topics`, { headers: { authorization: `Bearer ${ORGANISER_KEY}` } });
    await fetch(`${node.url}/api/topics`, { headers: { authorization: `Bearer ${forged}` } });
    await new Promise((resolve) => setTimeout(resolve, 500)); // the last log lines are written

    const logs = logLines().join('\n');
    expect(logs).toContain('leaky'); // the joins and refusals were logged…
    for (const secret of [token, forged, inQuery, ORGANISER_KEY, ...[token, forged].map((t) => t.split('.')[2])]) {
      expect(logs).not.toContain(secret as string); // …without what would let anyone in
    }
  });
});

describe('HTTP security headers', () => {
  it('are set on the client, the join page and the API', async () => {
    for (const url of [`${node.url}/`, `${node.url}/r/${ROOM}?token=x`, `${node.url}/api/topics`]) {
      const res = await fetch(url);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      // The join link carries the token: never sent on to another site as a Referer.
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('isolate the staff pages from other windows (COOP), not the room page a member opens', async () => {
    for (const page of ['/organiser', '/ledger', '/records', '/records/verify']) {
      const res = await fetch(`${node.url}${page}`);
      expect([page, res.headers.get('cross-origin-opener-policy')]).toEqual([page, 'same-origin']);
    }
    for (const page of ['/', `/r/${ROOM}?token=x`]) {
      const res = await fetch(`${node.url}${page}`);
      expect([page, res.status, res.headers.get('cross-origin-opener-policy')]).toEqual([page, 200, null]);
    }
  });
});
