import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadConfig, type RunningServer, startServer } from '@yishi/signaling';
import { FakeMediaGateway } from '../support/fakeGateway.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/server.js';
import { freePort, ServerProcess } from '../support/serverProcess.js';

/**
 * Issue 13's smaller holes of the HTTP server and its files, each against a real server: an open
 * /metrics, a data directory others can read, and Express's own error page (with its stack
 * trace) outside /api.
 */

const ORGANISER_KEY = 'organiser-key-for-the-hardening-tests-0123';
const cleanup: Array<() => unknown> = [];

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A server in this process with the organiser key and `env`, on a fake media gateway. */
async function server(env: Record<string, string> = {}): Promise<TestServer> {
  const started = await startTestServer({ env: { ORGANISER_KEY, ...env }, rooms: [], gateway: new FakeMediaGateway() });
  cleanup.push(() => started.close());
  return started;
}

describe('/metrics', () => {
  const METRICS_TOKEN = 'metrics-token-for-the-scraper-0123456789';
  const scrape = (s: RunningServer, auth?: string) =>
    fetch(`${s.url}/metrics`, auth === undefined ? {} : { headers: { authorization: auth } });

  it('with METRICS_TOKEN: only `Bearer <METRICS_TOKEN>` reads them', async () => {
    const s = await server({ METRICS_TOKEN });
    for (const auth of [
      undefined,
      'Bearer wrong-token',
      `Basic ${METRICS_TOKEN}`,
      `Bearer ${METRICS_TOKEN}x`,
      ORGANISER_KEY,
    ]) {
      const res = await scrape(s, auth);
      const text = await res.text();
      expect([auth, res.status]).toEqual([auth, 401]);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
      expect(text).not.toContain('yishi_');
    }
    const res = await scrape(s, `Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('yishi_');
  });

  it('in a deployment without METRICS_TOKEN (organiser key set, or NODE_ENV=production): refused', async () => {
    for (const env of [{}, { NODE_ENV: 'production' }] as Array<Record<string, string>>) {
      const s = await server(env);
      const res = await scrape(s);
      const text = await res.text();
      expect([env, res.status]).toEqual([env, 403]);
      expect(JSON.parse(text)).toMatchObject({
        error: { code: 'NOT_ALLOWED', message: expect.stringContaining('METRICS_TOKEN') },
      });
      expect(text).not.toContain('yishi_');
    }
  });

  it('on a developer machine (no organiser key, no NODE_ENV=production, no token): open, as before', async () => {
    const s = await startTestServer({ rooms: [], gateway: new FakeMediaGateway() });
    cleanup.push(() => s.close());
    const res = await scrape(s);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('yishi_');
  });
});

describe('DATA_DIR', () => {
  /** A server on `dataDir` without JWT_SECRET, so that it keeps its own secret there too. */
  async function serverOn(dataDir: string): Promise<RunningServer> {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      MEDIASOUP_WORKERS: '1',
      MEDIASOUP_LISTEN_IP: '127.0.0.1',
      MEDIASOUP_PORT: '0',
    });
    const s = await startServer(config, createLogger(config.logLevel), new FakeMediaGateway());
    cleanup.push(() => s.close());
    // Something written, so that SQLite has made its -wal and -shm files.
    await s.sessions.execute(
      'perm',
      {
        type: 'topic.create',
        id: 'perm',
        fields: { title: '议题', background: '', materials: [], sectors: [], organiser: '政协办公厅' },
        agenda: [],
        settings: {},
      },
      { id: 'organiser', name: '政协办公厅', role: 'organiser' },
    );
    return s;
  }

  const mode = (file: string) => fs.statSync(file).mode & 0o777;
  const modes = (dir: string) =>
    Object.fromEntries(
      ['.', 'jwt-secret', 'yishi.db', 'yishi.db-wal', 'yishi.db-shm'].map((f) => [
        f,
        mode(path.join(dir, f)).toString(8),
      ]),
    );
  const PRIVATE = { '.': '700', 'jwt-secret': '600', 'yishi.db': '600', 'yishi.db-wal': '600', 'yishi.db-shm': '600' };

  function scratch(): string {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-datadir-'));
    cleanup.push(() => fs.rmSync(parent, { recursive: true, force: true }));
    return parent;
  }

  it('is created 0700, with the store and the JWT secret 0600, whatever the umask', async () => {
    const dir = path.join(scratch(), 'data');
    const umask = process.umask(0o022); // the usual one: 0755 directories, 0644 files
    try {
      await serverOn(dir);
    } finally {
      process.umask(umask);
    }
    expect(modes(dir)).toEqual(PRIVATE);
  });

  it('left readable by others by an older version, is made private at start', async () => {
    const dir = path.join(scratch(), 'data');
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(dir, 'jwt-secret'), `${TEST_SECRET}\n`, { mode: 0o644 });
    for (const f of ['yishi.db', 'yishi.db-wal', 'yishi.db-shm'])
      fs.writeFileSync(path.join(dir, f), '', { mode: 0o644 });
    for (const f of ['jwt-secret', 'yishi.db', 'yishi.db-wal', 'yishi.db-shm']) fs.chmodSync(path.join(dir, f), 0o644);
    await serverOn(dir);
    expect(modes(dir)).toEqual(PRIVATE);
  });
});

describe('errors outside /api', () => {
  let dir: string;
  let node: ServerProcess;

  // A deployment as docs/deployment.md describes it: an organiser key, NODE_ENV left unset.
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-errors-'));
    node = await ServerProcess.start({
      dataDir: dir,
      port: await freePort(),
      demoRoom: 'errors',
      env: { ORGANISER_KEY, LOG_LEVEL: 'warn' },
    });
  }, 60_000);

  afterAll(async () => {
    await node?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('are a short typed answer without a stack trace, JSON under /api, and are logged', async () => {
    const stack = /Error:|\bat \/|node_modules|\.js:\d+/;
    // A path parameter whose %-escapes decode to no UTF-8: the router cannot match it.
    const malformed = ['/r/%E0', '/r/%', '/r/%E0%A4%A', '/r/%C0%AF', '/r/%E0?token=x'];
    for (const p of malformed) {
      const res = await fetch(`${node.url}${p}`);
      const text = await res.text();
      expect([p, res.status, res.headers.get('content-type')]).toEqual([p, 400, 'text/plain; charset=utf-8']);
      expect(text, p).toBe('the address is malformed\n');
      expect(res.headers.get('content-security-policy'), p).toContain("default-src 'self'");
    }
    // Elsewhere such a path matches nothing: the usual 404.
    for (const p of ['/%FF', '/organiser/%C0%AF']) {
      const res = await fetch(`${node.url}${p}`);
      const text = await res.text();
      expect([p, res.status]).toEqual([p, 404]);
      expect(text, p).not.toMatch(stack);
    }
    for (const p of ['/api/topics/%E0', '/api/sessions/%C0%AF/minutes.json']) {
      const res = await fetch(`${node.url}${p}`, { headers: { authorization: `Bearer ${ORGANISER_KEY}` } });
      const text = await res.text();
      expect([p, res.status]).toEqual([p, 400]);
      expect(JSON.parse(text), p).toEqual({ error: { code: 'INVALID_REQUEST', message: 'the address is malformed' } });
      expect(text, p).not.toMatch(stack);
    }
    // Logged once each, at warn, for an operator to see; the query (a join link's token) is not.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const logged = node.output.split('\n').filter((line) => line.includes('the address is malformed'));
    expect(logged).toHaveLength(malformed.length);
    expect(logged.join('\n')).not.toContain('token=x');
    expect(node.output).not.toMatch(stack);
  });
});

describe('the demo room', () => {
  /** Starts `npm start`'s server process with `env`; its output up to the ready banner, and the demo topic if any. */
  async function start(env: Record<string, string>, demoRoom?: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-demo-'));
    const node = await ServerProcess.start({
      dataDir: dir,
      port: await freePort(),
      env,
      ...(demoRoom ? { demoRoom } : {}),
    });
    cleanup.push(async () => {
      await node.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const topic = async (id: string) =>
      (await fetch(`${node.url}/api/topics/${id}`, { headers: { authorization: `Bearer ${ORGANISER_KEY}` } })).status;
    return { output: node.output, topic };
  }
  const tokenLink = /\/r\/[\w-]+[?#]token=ey/;

  it('is opened, with a join link per role, on a developer machine (no environment)', async () => {
    const { output } = await start({});
    expect(output).toContain('Demo room "demo"');
    expect(output.match(new RegExp(tokenLink, 'g'))?.length).toBeGreaterThanOrEqual(3);
  });

  it('is not opened in a deployment (ORGANISER_KEY set): no token on the output, no demo topic', async () => {
    const { output, topic } = await start({ ORGANISER_KEY });
    expect(output).toContain('No demo room in a deployment');
    expect(output).not.toMatch(tokenLink);
    expect(output).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    expect(await topic('demo')).toBe(404);
  });

  it('is not opened under NODE_ENV=production either', async () => {
    const { output } = await start({ NODE_ENV: 'production' });
    expect(output).toContain('No demo room in a deployment');
    expect(output).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });

  it('is opened in a deployment when DEMO_ROOM asks for it', async () => {
    const { output, topic } = await start({ ORGANISER_KEY }, 'trial');
    expect(output).toContain('Demo room "trial"');
    expect(output).toMatch(tokenLink);
    expect(await topic('trial')).toBe(200);
  });
});
