import { describe, expect, it } from 'vitest';
import { exportMinutes } from '../../bench/scenarios/exportMinutes.js';
import { failover } from '../../bench/scenarios/failover.js';
import { ledgerBench } from '../../bench/scenarios/ledger.js';
import { overload } from '../../bench/scenarios/overload.js';
import { sfuFanout } from '../../bench/scenarios/sfuFanout.js';
import { signaling } from '../../bench/scenarios/signaling.js';

/**
 * Tiny runs of the benchmark scenarios, so the harness keeps working. They check that figures
 * come out, never what the figures are: timings belong to `npm run bench`.
 */
describe('benchmark harness (smoke)', () => {
  it('sfu-fanout measures both rigs and their ratio, for each SRTP suite', async () => {
    const { data, table } = await sfuFanout({
      steps: [3],
      warmupMs: 1500,
      windowMs: 1000,
      suites: ['AEAD_AES_256_GCM', 'AES_CM_128_HMAC_SHA1_80'],
    });
    expect(data.steps.map((s) => `${s.suite} ${s.rig}`)).toEqual([
      'AEAD_AES_256_GCM bare',
      'AEAD_AES_256_GCM yishi',
      'AES_CM_128_HMAC_SHA1_80 bare',
      'AES_CM_128_HMAC_SHA1_80 yishi',
    ]);
    expect(data.suite).toBe('AEAD_AES_256_GCM');
    expect(Object.keys(data.bySuite)).toEqual(['AEAD_AES_256_GCM', 'AES_CM_128_HMAC_SHA1_80']);
    for (const step of data.steps) {
      expect(step.consumers).toBe(3);
      expect(step.forwardedPps).toBeGreaterThan(0);
      expect(step.workerCpu).toBeGreaterThanOrEqual(0);
      expect(step.loss).toBeGreaterThanOrEqual(0);
    }
    expect(Object.keys(data.ratioToBare)).toEqual(['maxConsumers', 'cpuPerPacketAtCommonLoad']);
    expect(table).toHaveLength(4);
  }, 60_000);

  it('overload offers twice the capacity, with admission control and without', async () => {
    const { data } = await overload({ capacity: 6, maxWorkerLoad: 0.85, arrivalsPerSecond: 20, windowMs: 1500 });
    expect(data.runs.map((r) => r.admission)).toEqual([true, false]);
    for (const r of data.runs) {
      expect(r.first).toBe(3);
      expect(r.admitted + r.refused).toBeLessThanOrEqual(r.offered);
      expect(r.admittedLossPct).toBeGreaterThanOrEqual(0);
    }
    expect(data.admittedLossPct).toBe(data.runs[0]?.admittedLossPct);
  }, 60_000);

  it('ledger times listings of the ledger by filter, whole and first page, and its XLSX', async () => {
    const { data } = await ledgerBench({ items: 60, topics: 4, runs: 2 });
    expect(data.listings.map((l) => l.filter)).toEqual(
      ['a topic', 'a status', 'a unit', 'a unit and a status', 'everything'].flatMap((f) => [
        f,
        `${f}, first page of 50`,
      ]),
    );
    expect(data.listings.at(-2)?.items).toBe(60);
    expect(data.listings.at(-1)?.items).toBe(50);
    for (const listing of data.listings) expect(listing.p95Ms).toBeGreaterThanOrEqual(0);
    expect(data.xlsx.runs).toBe(2);
    expect(data.xlsx.kib).toBeGreaterThan(0);
  }, 60_000);

  it('signaling measures joins, memory, grant and comment fan-out', async () => {
    const { data } = await signaling({ sizes: [4], commentRates: [1], grantTrials: 1, nodes: 1 });
    const [result] = data.results;
    expect(result?.clients).toBe(4);
    expect(result?.joinP50Ms).toBeGreaterThan(0);
    expect(result?.grantAllP50Ms).toBeGreaterThanOrEqual(0);
    expect(result?.comments[0]).toMatchObject({
      rate: 1,
      lost: expect.any(Number),
      p99Ms: expect.any(Number),
      commentsPerMessage: expect.any(Number),
      serverCpuUsPerDelivery: expect.any(Number),
    });
  }, 60_000);

  it('signaling runs over two nodes sharing a real Redis', async () => {
    const { data } = await signaling({ sizes: [4], commentRates: [1], grantTrials: 1, nodes: 2 });
    expect(data.nodes).toBe(2);
    expect(data.results[0]).toMatchObject({ clients: 4, comments: [expect.objectContaining({ lost: 0 })] });
  }, 90_000);

  it('failover measures resuming on another node after a node is killed', async () => {
    const { data, table } = await failover({ runs: 1 });
    expect(data.runs).toBe(1);
    for (const samples of Object.values(data.samplesMs)) {
      expect(samples).toHaveLength(1);
      expect(samples[0]).toBeGreaterThan(0);
    }
    expect(table).toHaveLength(4);
  }, 90_000);

  it('export renders a session of the asked size in all three formats', async () => {
    const { data } = await exportMinutes({ runs: 1, turns: 5, comments: 20 });
    expect(data).toMatchObject({ turns: 5, comments: 20, runs: 1 });
    expect(data.docxBytes).toBeGreaterThan(0);
    expect(Object.keys(data.p50Ms)).toEqual(['document', 'json', 'markdown', 'docx']);
  });
});
