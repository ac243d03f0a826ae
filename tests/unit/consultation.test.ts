import { describe, expect, it } from 'vitest';
import type { CommentView, SessionSnapshot } from '@yishi/shared';
import { Consultation } from '../../web-client/src/lib/Consultation.js';
import type { Signaling } from '../../web-client/src/lib/signaling.js';

/** Signaling that never delivers anything: these tests drive the state directly. */
const quiet = { on: () => undefined, request: () => new Promise(() => undefined) } as unknown as Signaling;

const comment = (id: string) => ({ id, text: id }) as unknown as CommentView;

/** A snapshot with comments `ids` (the newest page, oldest first). */
const snapshot = (ids: string[], hasMoreComments: boolean) =>
  ({
    session: { version: 1 },
    queue: { version: 1, entries: [] },
    comments: ids.map(comment),
    hasMoreComments,
  }) as unknown as SessionSnapshot;

describe('Consultation.reset after a reconnect', () => {
  /** A client that had loaded an earlier page (c1, c2) before the newest ones (c3, c4). */
  function paged(): Consultation {
    const consultation = new Consultation(quiet, snapshot(['c3', 'c4'], true));
    consultation.state.update((s) => ({
      ...s,
      comments: [comment('c1'), comment('c2'), ...s.comments],
      hasMoreComments: false,
    }));
    return consultation;
  }

  it('keeps the earlier pages when Socket.IO recovered the connection (nothing was missed)', () => {
    const consultation = paged();
    consultation.reset(snapshot(['c4', 'c5'], true), true);
    const { comments, hasMoreComments } = consultation.state.get();
    expect(comments.map((c) => c.id)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(hasMoreComments).toBe(false);
  });

  it('takes the snapshot as it is when the connection was not recovered', () => {
    const consultation = paged();
    consultation.reset(snapshot(['c4', 'c5'], true), false);
    const { comments, hasMoreComments } = consultation.state.get();
    expect(comments.map((c) => c.id)).toEqual(['c4', 'c5']);
    expect(hasMoreComments).toBe(true);
  });
});
