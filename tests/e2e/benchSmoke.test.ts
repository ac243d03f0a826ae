import { describe, expect, it } from 'vitest';
import { grant } from '../../bench/scenarios/grant.js';
import { join } from '../../bench/scenarios/join.js';
import { workerKill } from '../../bench/scenarios/workerKill.js';
import { coturnUnavailable } from '../support/coturn.js';

/** One-run versions of the browser benchmarks: the harness produces its figures (values are not checked). */
describe('browser benchmark harness (smoke)', () => {
  it('join measures Yishi and the bare mediasoup app, their ratio and the join steps of each', async () => {
    const { data, table } = await join({ runs: 1, nodes: 1, bare: true });
    // Yishi's figures stay at the top level for older readers.
    expect(data).toMatchObject({ nodes: 1, samplesMs: [expect.any(Number)], p50Ms: expect.any(Number) });
    expect(data.yishi.samplesMs).toEqual(data.samplesMs);
    expect(data.yishi.samplesMs[0]).toBeGreaterThan(0);
    expect(data.bare?.samplesMs).toHaveLength(1);
    expect(data.bare?.samplesMs[0]).toBeGreaterThan(0);
    expect(data.ratioToBare).toEqual({ p50: expect.any(Number), p95: expect.any(Number) });
    for (const phases of [data.phases.yishi, data.phases.bare]) {
      expect(Object.keys(phases ?? {})).toEqual(
        expect.arrayContaining([
          'script',
          'media',
          'connected',
          'joined',
          'consumer-resumed-video',
          'first-remote-frame',
        ]),
      );
    }
    expect(table.map((r) => r.figure)).toContain('Yishi / bare p50');
    // Each round says how its publisher's top camera layer kept up (a stalled one spoils the round).
    for (const app of [data.yishi, data.bare]) {
      expect(app?.publisherTopLayerFps).toEqual([expect.any(Number)]);
      expect(app?.publisherStalledRounds).toEqual(expect.any(Number));
    }
    expect(data.publisherLayers).toEqual({ yishi: expect.any(Number), bare: expect.any(Number) });
  });

  it('join over two nodes produces a sample of a frame piped from the other node', async () => {
    const { data } = await join({ runs: 1, nodes: 2, bare: false });
    expect(data).toMatchObject({ nodes: 2, samplesMs: [expect.any(Number)] });
  });

  it.skipIf(coturnUnavailable() !== undefined)(
    'join --via turn measures relay-only rounds through coturn over TLS beside the direct ones',
    async () => {
      const { data, table } = await join({ runs: 1, nodes: 1, bare: false, via: 'turn' });
      expect(data.turn?.samplesMs).toEqual([expect.any(Number)]);
      expect(data.turn?.phases).toHaveProperty('first-remote-frame');
      expect(table.map((r) => r.figure)).toContain('TURN − direct p50 (ms)');
    },
  );

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
