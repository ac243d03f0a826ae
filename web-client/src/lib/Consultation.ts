import type {
  CommentView,
  ConsultationRequestName,
  MinutesView,
  PollsView,
  QueueView,
  RequestInput,
  ResponseMap,
  SessionSnapshot,
  SessionView,
  SitesView,
} from '@yishi/shared';
import { Outbox } from './Outbox.js';
import type { Signaling } from './signaling.js';
import { Store } from './store.js';

export interface ConsultationState {
  session: SessionView;
  queue: QueueView;
  /** Local time the queue view arrived: the turn clock counts down from there. */
  queueReceivedAt: number;
  comments: CommentView[];
  hasMoreComments: boolean;
  /** Chair and secretary only. */
  minutes: MinutesView | undefined;
  polls: PollsView;
  sites: SitesView;
  /** This person's own answers (poll id → option): the views never say it for an anonymous poll. */
  myAnswers: Record<string, number>;
}

/**
 * The consultation as this client sees it: session, queue and floor, comments, minutes. The
 * server sends whole slices, stamped with the log version; an older slice never replaces a newer.
 */
export class Consultation {
  readonly state: Store<ConsultationState>;
  /** Comments and minutes edits on their way; they survive a dropped connection. */
  readonly outbox: Outbox;
  readonly #signaling: Signaling;

  constructor(signaling: Signaling, snapshot: SessionSnapshot) {
    this.#signaling = signaling;
    this.outbox = new Outbox((name, payload) => signaling.request(name, payload as never));
    this.state = new Store(fromSnapshot(snapshot));
    signaling.on('session:state', (session) =>
      this.state.update((s) => (session.version < s.session.version ? s : { ...s, session })),
    );
    signaling.on('queue:state', (queue) =>
      this.state.update((s) => (queue.version < s.queue.version ? s : { ...s, queue, queueReceivedAt: Date.now() })),
    );
    signaling.on('comments:added', ({ comments }) =>
      this.state.update((s) => {
        // A comment can also be in the snapshot of a join that happened while its batch was pending.
        const known = new Set(s.comments.map((c) => c.id));
        const added = comments.filter((c) => !known.has(c.id));
        return added.length === 0 ? s : { ...s, comments: [...s.comments, ...added] };
      }),
    );
    signaling.on('comment:updated', (comment) =>
      this.state.update((s) => ({ ...s, comments: s.comments.map((c) => (c.id === comment.id ? comment : c)) })),
    );
    signaling.on('polls:state', (polls) =>
      this.state.update((s) => (polls.version < s.polls.version ? s : { ...s, polls })),
    );
    signaling.on('sites:state', (sites) =>
      this.state.update((s) => (sites.version < s.sites.version ? s : { ...s, sites })),
    );
    signaling.on('minutes:state', (minutes) =>
      this.state.update((s) => (s.minutes && minutes.version < s.minutes.version ? s : { ...s, minutes })),
    );
  }

  /**
   * After a reconnect: the server's current picture replaces ours. When Socket.IO recovered the
   * connection (what was missed has been replayed), earlier comment pages loaded before stay.
   */
  reset(snapshot: SessionSnapshot, recovered = false): void {
    this.state.update((s) => {
      const next = fromSnapshot(snapshot);
      const first = snapshot.comments[0];
      const at = recovered && first ? s.comments.findIndex((c) => c.id === first.id) : -1;
      if (at <= 0) return next;
      return { ...next, comments: [...s.comments.slice(0, at), ...next.comments], hasMoreComments: s.hasMoreComments };
    });
  }

  /** Sends one consultation request; rejects with a RequestError when refused. */
  act<K extends ConsultationRequestName>(name: K, payload: RequestInput<K>): Promise<ResponseMap[K]> {
    return this.#signaling.request(name, payload);
  }

  /**
   * Like `act`, for what must not be lost (comments, minutes): queued through a dropped
   * connection and sent again once back; `key` lets a newer edit replace an unsent one.
   */
  deliver<K extends ConsultationRequestName>(name: K, payload: RequestInput<K>, key?: string): Promise<ResponseMap[K]> {
    return this.outbox.deliver(name, payload, key);
  }

  /** Answers a poll, and remembers the answer here once the server took it. */
  async answer(pollId: string, option: number): Promise<void> {
    await this.#signaling.request('poll:answer', { pollId, option });
    this.state.update((s) => ({ ...s, myAnswers: { ...s.myAnswers, [pollId]: option } }));
  }

  async loadEarlierComments(): Promise<void> {
    const first = this.state.get().comments[0];
    const page = await this.#signaling.request('comments:page', { ...(first ? { before: first.id } : {}), limit: 50 });
    this.state.update((s) => ({
      ...s,
      comments: [...page.comments.filter((c) => !s.comments.some((x) => x.id === c.id)), ...s.comments],
      hasMoreComments: page.hasMore,
    }));
  }
}

function fromSnapshot(snapshot: SessionSnapshot): ConsultationState {
  return {
    session: snapshot.session,
    queue: snapshot.queue,
    queueReceivedAt: Date.now(),
    comments: snapshot.comments,
    hasMoreComments: snapshot.hasMoreComments,
    minutes: snapshot.minutes,
    polls: snapshot.polls,
    sites: snapshot.sites,
    myAnswers: snapshot.myAnswers,
  };
}

/** Milliseconds left of the current turn now, counted down locally from the last queue view. */
export function remainingNow(state: ConsultationState, now = Date.now()): number | undefined {
  const current = state.queue.current;
  if (!current) return undefined;
  return current.paused ? current.remainingMs : current.remainingMs - (now - state.queueReceivedAt);
}
