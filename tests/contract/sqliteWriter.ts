/**
 * A separate process writing to a SQLite store, forked by roomStore.test.ts to race real
 * processes (in one process better-sqlite3 is synchronous, so writers never truly overlap).
 *
 *   sqliteWriter.ts race <file> <stream> <writer> <count>   appends <count> events, retrying on
 *       Conflict, then sends { conflicts } and exits
 *   sqliteWriter.ts endless <file> <stream>                 appends one event at a time forever,
 *       sending { acked: version } after each; the parent kills it mid-flight
 */
import { Conflict } from '@yishi/shared';
import { SqliteRoomStore } from '../../signaling/src/store/SqliteRoomStore.js';

const [mode, file, stream, writer = 'endless', count = '0'] = process.argv.slice(2);
if (!file || !stream || (mode !== 'race' && mode !== 'endless')) throw new Error('usage: see the header comment');
const send = (message: unknown) => new Promise<void>((resolve) => process.send!(message, () => resolve()));
const store = SqliteRoomStore.open(file);

if (mode === 'race') {
  let conflicts = 0;
  for (let n = 0; n < Number(count); n += 1) {
    for (;;) {
      const current = await store.version(stream);
      try {
        await store.append(stream, current, [{ type: 'race', at: n, data: { writer, n } }]);
        break;
      } catch (err) {
        if (!(err instanceof Conflict)) throw err;
        conflicts += 1;
      }
    }
  }
  await store.close();
  await send({ conflicts });
  process.disconnect();
} else {
  // Never closed: the parent's SIGKILL is the crash under test.
  for (let n = 1; ; n += 1) {
    const version = await store.append(stream, n - 1, [{ type: 'tick', at: n, data: { n, text: `第${n}条` } }]);
    await send({ acked: version });
  }
}
