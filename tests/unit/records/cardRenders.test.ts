import { describe, expect, it } from 'vitest';
import { AppError, RateLimited, Unavailable } from '@yishi/shared';
import { CardRenders } from '../../../signaling/src/records/card/renders.js';

/** A render that finishes when the test says, counting the renders started and running. */
function renderer() {
  const finishers: Array<() => void> = [];
  const state = { started: 0, running: 0, most: 0 };
  const render =
    (body = 'card') =>
    () => {
      state.started += 1;
      state.running += 1;
      state.most = Math.max(state.most, state.running);
      return new Promise<Buffer>((resolve) => {
        finishers.push(() => {
          state.running -= 1;
          resolve(Buffer.from(body));
        });
      });
    };
  /** Finishes every render, also those that start as others finish, until three turns pass with none. */
  const finishAll = async () => {
    for (let idle = 0; idle < 3; ) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (finishers.length === 0) {
        idle += 1;
        continue;
      }
      idle = 0;
      for (const finish of finishers.splice(0)) finish();
    }
  };
  return { state, render, finishAll };
}

const refusal = (call: () => unknown): AppError => {
  try {
    call();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a refusal');
};

describe('the card renders of a node', () => {
  it('renders a card once: asked again, or asked while it is being made', async () => {
    const renders = new CardRenders();
    const { state, render, finishAll } = renderer();
    const asked = [renders.card('a', 'm-1', render('A')), renders.card('a', 'm-1', render('A'))];
    await finishAll();
    expect((await Promise.all(asked)).map(String)).toEqual(['A', 'A']);
    expect(String(await renders.card('a', 'm-2', render('A')))).toBe('A');
    expect(state.started).toBe(1);
  });

  it('refuses a caller past their share, typed with the wait; kept cards, other callers and the office still served', async () => {
    let now = 1_000_000;
    const renders = new CardRenders(() => now);
    const { state, render, finishAll } = renderer();
    const made = Array.from({ length: 10 }, (_, i) => renders.card(`p${i}`, 'm-1', render()));
    await finishAll();
    await Promise.all(made);

    const refused = refusal(() => renders.card('p10', 'm-1', render()));
    expect(refused).toBeInstanceOf(RateLimited);
    expect(refused.code).toBe('RATE_LIMITED');
    expect((refused as RateLimited).retryAfterSeconds).toBe(6);
    expect(state.started).toBe(10);

    // A card already made costs nothing; another member and the office have their own share.
    expect(String(await renders.card('p9', 'm-1', render()))).toBe('card');
    const others = [renders.card('q0', 'm-2', render()), renders.card('o0', null, render())];
    await finishAll();
    await Promise.all(others);
    expect(state.started).toBe(12);

    // Six seconds later the caller may have one more.
    now += 6_000;
    const next = renders.card('p10', 'm-1', render());
    await finishAll();
    await next;
    expect(refusal(() => renders.card('p11', 'm-1', render())).code).toBe('RATE_LIMITED');
  });

  it('runs two renders at once, queues sixteen, says it is busy past that, and takes more once they are done', async () => {
    const renders = new CardRenders();
    const { state, render, finishAll } = renderer();
    // The office is not limited per caller: only the node's slots bound it.
    const made = Array.from({ length: 18 }, (_, i) => renders.card(`c${i}`, null, render()));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(state.running).toBe(2);

    const busy = refusal(() => renders.card('c18', null, render()));
    expect(busy).toBeInstanceOf(Unavailable);
    expect(busy.code).toBe('UNAVAILABLE');
    expect((busy as Unavailable).retryAfterSeconds).toBe(2);

    await finishAll();
    expect((await Promise.all(made)).length).toBe(18);
    expect(state.most).toBe(2);
    const after = renders.card('c18', null, render());
    await finishAll();
    expect(String(await after)).toBe('card');
  });

  it('charges nothing for a card being made, and a full queue never drops one unfinished', async () => {
    const renders = new CardRenders();
    const { state, render, finishAll } = renderer();
    let slowRenders = 0;
    let finishSlow = () => {};
    const slow = () => {
      slowRenders += 1;
      return new Promise<Buffer>((resolve) => {
        finishSlow = () => resolve(Buffer.from('S'));
      });
    };
    const first = renders.card('slow', 'm-1', slow);
    // Asked again and again while it is made: one render, the caller's share untouched.
    const again = Array.from({ length: 15 }, () => renders.card('slow', 'm-1', slow));
    // The queue fills and empties many times over meanwhile (more cards than are kept).
    for (let round = 0; round < 4; round++) {
      const others = Array.from({ length: 16 }, (_, i) => renders.card(`o${round}-${i}`, null, render()));
      await finishAll();
      await Promise.all(others);
    }
    expect(state.started).toBe(64);
    finishSlow();
    expect((await Promise.all([first, ...again])).map(String)).toEqual(Array(16).fill('S'));
    expect(slowRenders).toBe(1);
    // Nine more new cards are still within m-1's share of ten.
    const more = Array.from({ length: 9 }, (_, i) => renders.card(`m${i}`, 'm-1', render()));
    await finishAll();
    await Promise.all(more);
  });

  it('keeps no card whose render failed: the next ask renders again', async () => {
    const renders = new CardRenders();
    await expect(renders.card('x', 'm-1', () => Promise.reject(new Error('font missing')))).rejects.toThrow(
      'font missing',
    );
    expect(String(await renders.card('x', 'm-1', async () => Buffer.from('again')))).toBe('again');
  });
});
