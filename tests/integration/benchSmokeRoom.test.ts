import { describe, expect, it } from 'vitest';
import { consultationRoom } from '../../bench/scenarios/consultationRoom.js';

/**
 * A tiny run of the consultation-room scenario, so the harness keeps working: it checks that
 * figures come out and packets flowed, never what the figures are (timings belong to `npm run bench`).
 */
describe('benchmark harness (smoke): consultation-room', () => {
  it('measures a consultation and an all-video grid of the same members, with GCM', async () => {
    // 12 members: enough for cameras off the first grid page (paused consumers).
    const { data, table } = await consultationRoom({ members: [12], warmupMs: 1500, windowMs: 1000 });
    expect(data.suite).toBe('AEAD_AES_256_GCM');
    expect(data.steps.map((s) => `${s.kind} ${s.members}`)).toEqual(['consultation 12', 'grid 12']);
    const [consultation, grid] = data.steps;
    // Per member: 1 large view + 8 tiles + the open microphones (one for the chair and the speaker).
    expect(consultation?.consumers).toEqual({ active: 12 * 9 + 2 * 1 + 10 * 2, paused: 12 * 2 });
    expect(grid?.consumers).toEqual({ active: 12 * 11 * 2, paused: 0 });
    for (const step of data.steps) {
      expect(step.timedOut).toBe(false);
      expect(step.forwardedPps).toBeGreaterThan(0);
      expect(step.forwardedMbps).toBeGreaterThan(0);
      expect(step.loss).toBeGreaterThanOrEqual(0);
      expect(step.workerCpu).toBeGreaterThanOrEqual(0);
    }
    expect(Object.keys(data.membersPerCore)).toEqual(['consultation', 'grid']);
    expect(data.ratio === null || data.ratio > 0).toBe(true);
    expect(data.sharedMachine.sink).toContain('UDP sink');
    expect(table).toHaveLength(2);
  }, 120_000);
});
