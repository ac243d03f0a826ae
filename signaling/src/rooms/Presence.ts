import { AppError, type PeerInfo, type Person } from '@yishi/shared';
import type { Logger } from 'pino';
import { type SessionService, SYSTEM } from '../sessions/SessionService.js';
import type { Connection } from './channels.js';

export interface Participant {
  info: PeerInfo;
  connection: Connection;
  /** What the floor allowed this participant's microphone when last checked. */
  micAllowed: boolean;
  /** The page they joined from (see `room:join`): the same page coming back resumes. */
  instanceId: string | undefined;
  /** While their connection is lost: they go when the timer fires, or come back first. */
  away?: { timer: NodeJS.Timeout; release: () => void } | undefined;
}

/** Recording a departure while the store is unreachable: tried again every 2 s for 5 minutes. */
const LEAVE_RETRY_MS = 2_000;
const LEAVE_ATTEMPTS = 150;

/**
 * Who is in a room on this node — one participant per person, on their newest connection — and
 * their attendance in the session. A participant whose connection was lost is kept for the
 * reconnect grace, for their page to come back on a new connection.
 */
export class Presence {
  readonly #sessionId: string;
  readonly #sessions: SessionService;
  readonly #graceMs: number;
  readonly #log: Logger;
  readonly #participants = new Map<string, Participant>();

  constructor(sessionId: string, sessions: SessionService, graceMs: number, log: Logger) {
    this.#sessionId = sessionId;
    this.#sessions = sessions;
    this.#graceMs = graceMs;
    this.#log = log;
  }

  get size(): number {
    return this.#participants.size;
  }

  get(personId: string): Participant | undefined {
    return this.#participants.get(personId);
  }

  has(personId: string): boolean {
    return this.#participants.has(personId);
  }

  all(): IterableIterator<Participant> {
    return this.#participants.values();
  }

  peers(): PeerInfo[] {
    return [...this.#participants.values()].map((p) => p.info);
  }

  /** The participant whose current connection is `connection`, if any (not one replaced, nor never joined). */
  of(connection: Connection): Participant | undefined {
    const participant = this.#participants.get(connection.identity.sub);
    return participant?.connection === connection ? participant : undefined;
  }

  add(participant: Participant): void {
    this.#participants.set(participant.info.id, participant);
  }

  /** Drops the participant, ending their away time. */
  delete(participant: Participant): void {
    this.back(participant);
    this.#participants.delete(participant.info.id);
  }

  /**
   * The participant's connection was lost: `expire` runs when the grace ends before they come
   * back (at once without a grace). Resolves when they are back or gone.
   */
  away(participant: Participant, expire: () => void): Promise<void> {
    if (this.#graceMs === 0) {
      expire();
      return Promise.resolve();
    }
    this.#log.info({ peerId: participant.info.id }, 'connection lost; keeping the participant for the grace');
    return new Promise((release) => {
      const timer = setTimeout(expire, this.#graceMs).unref();
      participant.away = { timer, release };
    });
  }

  /** Ends the participant's away time (they came back, or go now). */
  back(participant: Participant): void {
    if (!participant.away) return;
    clearTimeout(participant.away.timer);
    participant.away.release();
    participant.away = undefined;
  }

  /** Records in the session that `person` is present. */
  async recordArrival(person: Person): Promise<void> {
    const join = { type: 'participant.join', person, resumeWithinMs: this.#graceMs } as const;
    await this.#sessions.execute(this.#sessionId, join, SYSTEM);
  }

  /**
   * Records that `personId` left. While the store cannot be reached (Redis restarting) it tries
   * again, for a while, unless they are back here meanwhile.
   */
  recordLeave(personId: string, attempt = 1): void {
    this.#sessions.execute(this.#sessionId, { type: 'participant.leave', personId }, SYSTEM).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'UNAVAILABLE' && attempt < LEAVE_ATTEMPTS) {
        setTimeout(() => {
          if (!this.#participants.has(personId)) this.recordLeave(personId, attempt + 1);
        }, LEAVE_RETRY_MS).unref();
        return;
      }
      this.#log.error({ err, peerId: personId }, 'could not record leaving');
    });
  }

  /** Ends every away time (the room closes). */
  close(): void {
    for (const participant of this.#participants.values()) this.back(participant);
  }
}
