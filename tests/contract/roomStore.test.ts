import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRoomStore, SQLITE_FILE } from '../../signaling/src/store/index.js';
import { MemoryRoomStore } from '../../signaling/src/store/MemoryRoomStore.js';
import { RedisEventBus } from '../../signaling/src/store/EventBus.js';
import { RedisRoomStore } from '../../signaling/src/store/RedisRoomStore.js';
import { redisKeys } from '../../signaling/src/redis/keys.js';
import { SqliteRoomStore } from '../../signaling/src/store/SqliteRoomStore.js';
import { RedisServer } from '../support/redis.js';
import { roomStoreContract } from './roomStore.contract.js';

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the OS temp dir, removed after the file's tests. */
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-store-'));
  tempDirs.push(dir);
  return dir;
}

roomStoreContract('memory', async () => ({ store: new MemoryRoomStore() }));

roomStoreContract('sqlite', async () => {
  const file = path.join(tempDir(), SQLITE_FILE);
  return { store: SqliteRoomStore.open(file), reopen: async () => SqliteRoomStore.open(file) };
});

// One real redis-server for this file; each store gets keys of its own under a fresh prefix.
const redis = await RedisServer.start();
afterAll(() => redis.stop());

roomStoreContract('redis', async () => {
  const prefix = `test-${randomUUID()}:`;
  return {
    store: await RedisRoomStore.open(redis.url, prefix),
    reopen: async () => RedisRoomStore.open(redis.url, prefix),
  };
});

const WRITER = fileURLToPath(new URL('./sqliteWriter.ts', import.meta.url));

/** Forks sqliteWriter.ts with tsx, resolving workspace packages to their sources like vitest does. */
function forkWriter(args: string[]): ChildProcess {
  return fork(WRITER, args, { execArgv: ['--import', 'tsx', '--conditions=source'], stdio: 'inherit' });
}

/** Resolves with the child's exit code (or signal) once it has exited. */
function exited(child: ChildProcess): Promise<number | NodeJS.Signals | null> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
}

describe('SqliteRoomStore on disk', () => {
  it('creates a missing data directory and opens the file in WAL mode', async () => {
    const dataDir = path.join(tempDir(), 'not', 'yet', 'there');
    const { store } = await createRoomStore({ dataDir });
    await store.append('room', 0, [{ type: 't', at: 1, data: null }]);
    await store.close();
    const file = path.join(dataDir, SQLITE_FILE);
    expect(fs.existsSync(file)).toBe(true);
    // journal_mode=WAL is a property of the file, so another connection sees it.
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      raw.close();
    }
  });

  it('refuses a file written by a newer schema', async () => {
    const file = path.join(tempDir(), SQLITE_FILE);
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => SqliteRoomStore.open(file)).toThrow(/schema version 99/);
  });

  it('four processes racing with retries: every event once, versions without gaps, file intact', async () => {
    const file = path.join(tempDir(), SQLITE_FILE);
    await SqliteRoomStore.open(file).close();
    const writers = ['p0', 'p1', 'p2', 'p3'];
    const perWriter = 25;
    const children = writers.map((w) => forkWriter(['race', file, 'busy', w, String(perWriter)]));
    expect(await Promise.all(children.map(exited))).toEqual(writers.map(() => 0));

    const store = SqliteRoomStore.open(file);
    try {
      const log = await store.load('busy');
      expect(log.map((e) => e.version)).toEqual(Array.from({ length: writers.length * perWriter }, (_, i) => i + 1));
      for (const w of writers) {
        const mine = log.filter((e) => (e.data as { writer: string }).writer === w);
        expect(mine.map((e) => (e.data as { n: number }).n)).toEqual(Array.from({ length: perWriter }, (_, n) => n));
      }
    } finally {
      await store.close();
    }
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      raw.close();
    }
  });

  it('a writer killed mid-flight loses none of the events it had acknowledged', async () => {
    const file = path.join(tempDir(), SQLITE_FILE);
    const child = forkWriter(['endless', file, 'ticks']);
    const done = exited(child);
    let acked = 0;
    await new Promise<void>((resolve) => {
      child.on('message', (m: { acked: number }) => {
        acked = Math.max(acked, m.acked);
        if (acked >= 50) resolve();
      });
    });
    child.kill('SIGKILL');
    expect(await done).toBe('SIGKILL');

    const store = SqliteRoomStore.open(file);
    try {
      const log = await store.load('ticks');
      // Events after the last acknowledgement may or may not have been committed; none before it is lost.
      expect(log.length).toBeGreaterThanOrEqual(acked);
      log.forEach((e, i) => {
        expect(e).toEqual({ version: i + 1, type: 'tick', at: i + 1, data: { n: i + 1, text: `第${i + 1}条` } });
      });
    } finally {
      await store.close();
    }
  });
});

describe('RedisRoomStore on a real server', () => {
  it('keeps every acknowledged append through a redis-server crash (appendfsync always)', async () => {
    const prefix = `crash-${randomUUID()}:`;
    const store = await RedisRoomStore.open(redis.url, prefix);
    let version = 0;
    for (let n = 0; n < 50; n++) version = await store.append('room', version, [{ type: 't', at: n, data: { n } }]);
    await store.close();
    await redis.crashAndRestart();
    const again = await RedisRoomStore.open(redis.url, prefix);
    try {
      const log = await again.load('room');
      expect(log.map((e) => e.data)).toEqual(Array.from({ length: 50 }, (_, n) => ({ n })));
      expect(await again.streams()).toEqual(['room']);
    } finally {
      await again.close();
    }
  });

  it('the bus catches up by itself after Redis restarts (what was published while it was away is lost)', async () => {
    const prefix = `resync-${randomUUID()}:`;
    const store = await RedisRoomStore.open(redis.url, prefix);
    const bus = await RedisEventBus.open(redis.url, redisKeys(prefix), () => store.versions());
    const heard: string[] = [];
    bus.subscribe((sessionId, version) => heard.push(`${sessionId}@${version}`));
    const told = async (what: string, times = 1) => {
      for (let deadline = Date.now() + 20_000; heard.filter((h) => h === what).length < times; ) {
        if (Date.now() > deadline)
          throw new Error(`the bus did not tell ${what} ×${times}; it told ${heard.join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    try {
      await store.append('会议', 0, [{ type: 'a', at: 1, data: null }]);
      await told('会议@1');
      // Nothing new, yet once reconnected the bus tells the current version again: its catch-up
      // read (pub/sub never replays anything). Listeners already at that version ignore it.
      await redis.crashAndRestart();
      await told('会议@1', 2);
      // Another node appends the moment Redis is back, likely before this bus has reconnected and
      // subscribed again, so that the announcement is lost: the catch-up still tells it.
      await redis.crashAndRestart();
      const other = await RedisRoomStore.open(redis.url, prefix);
      await other.append('会议', 1, [{ type: 'b', at: 2, data: null }]);
      await other.close();
      await told('会议@2');
    } finally {
      await bus.close();
      await store.close();
    }
  });

  it('announces each append on the bus, with its events, after it can be read', async () => {
    const prefix = `bus-${randomUUID()}:`;
    const store = await RedisRoomStore.open(redis.url, prefix);
    const bus = await RedisEventBus.open(redis.url, redisKeys(prefix));
    const heard: Array<{ sessionId: string; version: number; readable: number; events?: unknown }> = [];
    const done = new Promise<void>((resolve) =>
      bus.subscribe((sessionId, version, events) => {
        void store.version(sessionId).then((readable) => {
          heard.push({ sessionId, version, readable, events });
          if (heard.length === 3) resolve();
        });
      }),
    );
    // Beyond what an announcement carries: announced without its events (listeners read them).
    const large = { text: 'x'.repeat(40_000) };
    try {
      await store.append('会议-1', 0, [
        { type: 'a', at: 1, data: null },
        { type: 'b', at: 2, data: { n: 1, s: 'é "q"' } },
      ]);
      await store.append('会议-1', 2, []); // a version check writes and announces nothing
      await store.append('other', 0, [{ type: 'a', at: 3, data: large }]);
      await store.append('会议-1', 2, [{ type: 'c', at: 4, data: [1] }]);
      await done;
      expect(heard).toEqual([
        {
          sessionId: '会议-1',
          version: 2,
          readable: 2,
          events: [
            { version: 1, type: 'a', at: 1, data: null },
            { version: 2, type: 'b', at: 2, data: { n: 1, s: 'é "q"' } },
          ],
        },
        { sessionId: 'other', version: 1, readable: 1, events: undefined },
        { sessionId: '会议-1', version: 3, readable: 3, events: [{ version: 3, type: 'c', at: 4, data: [1] }] },
      ]);
      expect(await store.readRange('other', 1)).toEqual([{ version: 1, type: 'a', at: 3, data: large }]);
    } finally {
      await bus.close();
      await store.close();
    }
  });
});
