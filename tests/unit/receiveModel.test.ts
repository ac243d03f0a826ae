import { describe, expect, it } from 'vitest';
import { CHAIR, SPEAKER, type Subscription, subscriptions } from '../../bench/lib/receiveModel.js';

const received = (subs: Subscription[]) => subs.filter((s) => !s.paused);
const cameras = (subs: Subscription[], layer: number) =>
  received(subs)
    .filter((s) => s.source === 'camera' && s.layer === layer)
    .map((s) => s.from);

describe('the consultation-room bench model (what each member receives)', () => {
  it('a moderated consultation receives what the web client asks for: speaker large, one grid page, the open microphones', () => {
    const plan = subscriptions('consultation', 20);
    plan.forEach((subs, self) => {
      // Every other camera is consumed; the open microphones are the chair's and the speaker's.
      expect(subs.filter((s) => s.source === 'camera')).toHaveLength(19);
      expect(subs.filter((s) => s.source === 'mic').map((s) => s.from)).toEqual(
        [CHAIR, SPEAKER].filter((m) => m !== self),
      );
      expect(subs.filter((s) => s.source === 'mic').every((s) => !s.paused)).toBe(true);
      // The large view: the speaker, and for the speaker the chair.
      expect(cameras(subs, 2)).toEqual([self === SPEAKER ? CHAIR : SPEAKER]);
      // The first grid page holds 9 tiles, one of them the member's own: 8 remote cameras at layer 1.
      const tiles = cameras(subs, 1);
      expect(tiles).toHaveLength(8);
      if (self !== CHAIR && self !== SPEAKER) expect(tiles).toContain(CHAIR);
      expect(subs.filter((s) => s.paused)).toHaveLength(19 - 9);
      expect(subs.filter((s) => s.paused).every((s) => s.source === 'camera' && s.layer === undefined)).toBe(true);
    });
  });

  it('a small consultation shows every camera: none paused', () => {
    for (const subs of subscriptions('consultation', 5)) expect(subs.every((s) => !s.paused)).toBe(true);
  });

  it('an all-video grid receives every other camera at the top layer and every other microphone', () => {
    const plan = subscriptions('grid', 20);
    plan.forEach((subs, self) => {
      const others = Array.from({ length: 20 }, (_, m) => m).filter((m) => m !== self);
      expect(cameras(subs, 2)).toEqual(others);
      expect(
        received(subs)
          .filter((s) => s.source === 'mic')
          .map((s) => s.from),
      ).toEqual(others);
      expect(subs).toHaveLength(38);
    });
  });

  it('refuses a room of fewer than two members', () => {
    expect(() => subscriptions('grid', 1)).toThrow(RangeError);
  });
});
