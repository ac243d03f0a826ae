import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { privateFile } from '../privateFiles.js';
import { checkInteger, checkStreamId, decodeEvent, encodeEvent, versionConflict } from './events.js';
import type { NewEvent, RoomStore, StoredEvent } from './RoomStore.js';

/** Bumped with every change of the schema below; a file from a newer build is refused. */
const SCHEMA_VERSION = 1;

/**
 * One table: the (stream, version) primary key is what makes a lost race impossible to write.
 * The partial index lists each stream's first event, so `streams()` does not scan every event.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    stream  TEXT    NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    type    TEXT    NOT NULL,
    at      INTEGER NOT NULL,
    data    TEXT    NOT NULL,
    PRIMARY KEY (stream, version)
  ) STRICT;
  CREATE INDEX IF NOT EXISTS events_stream_starts ON events (stream) WHERE version = 1;
`;

/** How long a writer waits for another connection's write transaction before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

interface EventRow {
  version: number;
  type: string;
  at: number;
  data: string;
}

/**
 * The embedded default RoomStore: one SQLite file, for a single server process (several
 * processes may share the file safely, but only one host). Every acknowledged append is on disk
 * (WAL with `synchronous = FULL`), so a crash or power cut loses nothing that was confirmed.
 */
export class SqliteRoomStore implements RoomStore {
  readonly #db: Database.Database;
  readonly #currentVersion: Database.Statement<[string], number>;
  readonly #insert: Database.Statement<[string, number, string, number, string]>;
  readonly #range: Database.Statement<[string, number, number], EventRow>;
  readonly #streams: Database.Statement<[], string>;
  readonly #appendBatch: Database.Transaction<(streamId: string, expected: number, events: NewEvent[]) => number>;

  /**
   * Opens (creating it and its directory if missing) the store in `file`, readable by its owner
   * only. Throws when the file is not a Yishi store this build understands.
   */
  static open(file: string): SqliteRoomStore {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the same mode.
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    for (const part of [file, `${file}-wal`, `${file}-shm`]) privateFile(part);
    const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    try {
      configure(db, file);
      return new SqliteRoomStore(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#currentVersion = db
      .prepare<[string], number>('SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = ?')
      .pluck();
    this.#insert = db.prepare('INSERT INTO events (stream, version, type, at, data) VALUES (?, ?, ?, ?, ?)');
    this.#range = db.prepare(
      'SELECT version, type, at, data FROM events WHERE stream = ? AND version BETWEEN ? AND ? ORDER BY version',
    );
    // Rows are never deleted, so rowids only grow: rowid order of first events is creation order.
    this.#streams = db.prepare<[], string>('SELECT stream FROM events WHERE version = 1 ORDER BY rowid').pluck();
    this.#appendBatch = db.transaction((streamId: string, expected: number, events: NewEvent[]): number => {
      const current = this.#currentVersion.get(streamId) ?? 0;
      if (current !== expected) throw versionConflict(streamId, expected, current);
      let version = current;
      // Encoding inside the transaction: whatever fails — a bad event or SQLite — rolls back the batch.
      for (const event of events) {
        const e = encodeEvent(event);
        version += 1;
        this.#insert.run(streamId, version, e.type, e.at, e.data);
      }
      return version;
    });
  }

  async load(streamId: string): Promise<StoredEvent[]> {
    return this.readRange(streamId, 1);
  }

  async append(streamId: string, expectedVersion: number, events: NewEvent[]): Promise<number> {
    checkStreamId(streamId);
    checkInteger('expectedVersion', expectedVersion, 0);
    try {
      // IMMEDIATE takes the write lock before reading the version, so another connection cannot
      // write between our check and our insert; a deferred transaction would fail with
      // SQLITE_BUSY_SNAPSHOT instead of waiting.
      return this.#appendBatch.immediate(streamId, expectedVersion, events);
    } catch (err) {
      // The primary key is the last line of defence should two writers ever pass the check.
      if (isUniqueViolation(err)) {
        throw versionConflict(streamId, expectedVersion, this.#currentVersion.get(streamId) ?? 0);
      }
      throw err;
    }
  }

  async readRange(streamId: string, fromVersion: number, toVersion?: number): Promise<StoredEvent[]> {
    checkStreamId(streamId);
    checkInteger('fromVersion', fromVersion, 0);
    if (toVersion !== undefined) checkInteger('toVersion', toVersion, 0);
    const rows = this.#range.all(streamId, fromVersion, toVersion ?? Number.MAX_SAFE_INTEGER);
    return rows.map((row) => decodeEvent(row.version, row));
  }

  async version(streamId: string): Promise<number> {
    checkStreamId(streamId);
    return this.#currentVersion.get(streamId) ?? 0;
  }

  async streams(): Promise<string[]> {
    return this.#streams.all();
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

/** Sets the durability pragmas (per connection) and creates or checks the schema. */
function configure(db: Database.Database, file: string): void {
  // WAL lets readers proceed during a write; FULL syncs the WAL on every commit, so an
  // acknowledged append survives power loss (NORMAL could lose the last commits).
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new Error(`${file}: SQLite refused WAL journal mode (got "${String(mode)}")`);
  db.pragma('synchronous = FULL');
  db.transaction(() => {
    const found = db.pragma('user_version', { simple: true }) as number;
    if (found > SCHEMA_VERSION) {
      throw new Error(`${file}: store schema version ${found} is newer than this build's ${SCHEMA_VERSION}`);
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/** True for SQLite's primary-key/unique violations (better-sqlite3 reports extended codes). */
function isUniqueViolation(err: unknown): boolean {
  const code = err instanceof Database.SqliteError ? err.code : undefined;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
