import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { LEDGER_STATUSES, type LedgerActor } from '@yishi/shared';
import { ledgerXlsx } from '../../signaling/src/export/ledgerXlsx.js';
import { LedgerService } from '../../signaling/src/ledger/LedgerService.js';
import { ledgerListJson, ledgerToday } from '../../signaling/src/ledger/rows.js';
import { SqliteRoomStore } from '../../signaling/src/store/SqliteRoomStore.js';
import { spread } from '../stats.js';

export interface LedgerBenchOptions {
  items: number;
  topics: number;
  /** Listings timed per filter. */
  runs: number;
}

const UNITS = Array.from({ length: 40 }, (_, i) => `承办单位${i}`);
const office: LedgerActor = { id: 'office', name: '委员会办公室', role: 'organiser' };

/**
 * ledger: `items` ledger items over `topics` topics in a SQLite store (each registered, assigned
 * and a quarter of them answered, through LedgerService), then read by a fresh service as a node
 * does after a start; `GET /api/ledger`'s work — list with a filter, rows, JSON — timed per filter
 * (no HTTP; each row's JSON made once, as the API does), whole and as its first page of 50 (`?limit=50`, what the pages ask for); then the
 * XLSX export of every item with its history (`GET /api/ledger.xlsx`'s work: list, history, render).
 */
export async function ledgerBench(o: LedgerBenchOptions) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-ledger-'));
  const store = SqliteRoomStore.open(path.join(dir, 'yishi.db'));
  const log = pino({ level: 'silent' });
  try {
    const writer = new LedgerService(store, log);
    const fillStarted = performance.now();
    for (let i = 0; i < o.items; i++) {
      const topicId = `topic-${i % o.topics}`;
      const item = await writer.register(
        {
          type: 'ledger.register',
          title: `问题 ${i}`,
          description: '基准测试条目',
          category: ['教育', '交通', '医疗', '养老'][i % 4] as string,
          source: { kind: 'site_visit' },
          topicId,
          dueDate: `2026-${String((i % 12) + 1).padStart(2, '0')}-15`,
          raisedBy: [],
        },
        office,
      );
      const unit = UNITS[i % UNITS.length] as string;
      await writer.execute(item.id, { type: 'ledger.assign', leadUnit: unit, coUnits: [] }, office);
      if (i % 4 === 0) {
        await writer.execute(
          item.id,
          { type: 'ledger.answer', text: '已办理' },
          { id: 'u', name: 'u', role: 'unit', unit },
        );
      }
    }
    const fillMs = performance.now() - fillStarted;

    const reader = new LedgerService(store, log);
    const loadStarted = performance.now();
    await reader.list({}, office);
    const loadMs = performance.now() - loadStarted;

    const filters = {
      'a topic': { topicId: 'topic-7' },
      'a status': { status: LEDGER_STATUSES[1] },
      'a unit': { unit: UNITS[3] },
      'a unit and a status': { unit: UNITS[4], status: 'answered' as const },
      everything: {},
    };
    const rows: Array<{ filter: string; items: number; kib: number; p50Ms: number; p95Ms: number; maxMs: number }> = [];
    const listings = Object.entries(filters).flatMap(([name, filter]) => [
      { name, filter, list: () => reader.list(filter, office) },
      {
        name: `${name}, first page of 50`,
        filter,
        list: async () => (await reader.page(filter, office, { limit: 50 })).items,
      },
    ]);
    for (const { name, list } of listings) {
      const times: number[] = [];
      let items = 0;
      let bytes = 0;
      for (let r = 0; r < o.runs; r++) {
        const started = performance.now();
        const listed = await list();
        const today = ledgerToday(Date.now());
        bytes = ledgerListJson(listed, today).length;
        times.push((performance.now() - started) * 1000); // µs, rounded by spread
        items = listed.length;
      }
      const { p50, p95, max } = spread(times);
      rows.push({
        filter: name,
        items,
        kib: Math.round(bytes / 1024),
        p50Ms: p50 / 1000,
        p95Ms: p95 / 1000,
        maxMs: max / 1000,
      });
    }
    // The whole ledger as XLSX, with every item's history, a few times.
    const xlsxTimes: number[] = [];
    let xlsxKib = 0;
    for (let r = 0; r < Math.min(o.runs, 3); r++) {
      const started = performance.now();
      const items = await reader.list({}, office);
      const file = await ledgerXlsx(items, {}, Date.now(), 'zh-CN', await reader.histories(items));
      xlsxTimes.push(performance.now() - started);
      xlsxKib = Math.round(file.length / 1024);
    }
    const xlsx = { runs: xlsxTimes.length, kib: xlsxKib, maxMs: Math.round(Math.max(...xlsxTimes)) };
    return {
      table: rows.map((r) => ({
        filter: r.filter,
        items: r.items,
        'JSON KiB': r.kib,
        'p50 ms': r.p50Ms,
        'p95 ms': r.p95Ms,
        'max ms': r.maxMs,
      })),
      summary: `${o.items} items over ${o.topics} topics: written in ${Math.round(fillMs)} ms, read by a fresh node in ${Math.round(loadMs)} ms; the whole ledger as XLSX (${xlsx.kib} KiB) in at most ${xlsx.maxMs} ms over ${xlsx.runs} runs`,
      data: { options: o, fillMs: Math.round(fillMs), loadMs: Math.round(loadMs), listings: rows, xlsx },
    };
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
