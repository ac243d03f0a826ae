import { describe, expect, it } from 'vitest';
import { grant } from '../../bench/scenarios/grant.js';
import { join } from '../../bench/scenarios/join.js';
import { workerKill } from '../../bench/scenarios/workerKill.js';

/** One-run versions of the browser benchmarks: the harness produces its figures (values are not checked). */
describe('browser benchmark harness (smoke)', () => {
  it('join produces a join-to-first-frame sample', async () => {
    const { data } = await join({ runs: 1, nodes: 1 });
    expect(data.samplesMs).toHaveLength(1);
    expect(data.samplesMs[0]).toBeGreaterThan(0);
  });

  it('join over two nodes produces a sample of a frame piped from the other node', async () => {
    const { data } = await join({ runs: 1, nodes: 2 });
    expect(data).toMatchObject({ nodes: 2, samplesMs: [expect.any(Number)] });
  });

  it('grant produces a grant-to-audio sample', async () => {
    const { data } = await grant({ runs: 1 });
    expect(data.samplesMs).toHaveLength(1);
    expect(typeof data.p50Ms).toBe('number');
  });

  it('worker-kill measures media coming back after the worker is killed', async () => {
    const { data, table } = await workerKill({ runs: 1 });
    expect(data.perRun).toHaveLength(1);
    expect(data.perRun[0]?.newPid).not.toBe(data.perRun[0]?.oldPid);
    for (const samples of Object.values(data.samplesMs)) {
      expect(samples.length).toBeGreaterThan(0);
      for (const ms of samples) expect(ms).toBeGreaterThan(0);
    }
    expect(table).toHaveLength(6);
  });
});
