import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import {
  addCounts,
  DEFAULT_HEAT_WEIGHTS,
  DEFAULT_TIME_ZONE,
  type DirectoryPerson,
  type DomainEvent,
  type HeatFormula,
  type HeatWeights,
  heatFormula,
  heatScore,
  type ItemTally,
  inRange,
  isRankedRole,
  itemTally,
  type Leaderboard,
  type LeaderboardEntry,
  type LedgerItem,
  monthOf,
  NotFound,
  type PeriodRange,
  type PersonRecord,
  parsePeriod,
  periodRange,
  type RecordCounts,
  type RoomState,
  ROOM_ID_PATTERN,
  replay,
  applyEvents,
  type SessionFigures,
  type SessionTally,
  sessionTally,
  survivorOf,
  type Term,
  zeroCounts,
} from '@yishi/shared';
import type { LedgerService } from '../ledger/LedgerService.js';
import type { StoredEvent } from '../store/index.js';
import type { AppendFeed } from './appends.js';
import { type PeopleDirectory, SYSTEM } from './PeopleDirectory.js';
import type { RecordRow, RecordsService } from './RecordsService.js';
import { DEFAULT_TERMS } from './settings.js';

/** What the records need configured: the heat weights and the committee's terms (届). */
export interface RecordsSettings {
  weights: HeatWeights;
  terms: Term[];
}

export const DEFAULT_RECORDS_SETTINGS: RecordsSettings = { weights: DEFAULT_HEAT_WEIGHTS, terms: DEFAULT_TERMS };

interface SessionEntry {
  version: number;
  /**
   * The session's state; null once a closed session is tallied (memory holds only its tally), read
   * again from its stream if it ever changes (minutes finalized after the close).
   */
  state: RoomState | null;
  /** The time of its latest event: what closes a turn or a stay still running, the same on every node. */
  asOf: number;
  /** What it adds to the totals now; recomputed when `dirty` (at the next read, not at every event). */
  tally: SessionTally | null;
  dirty: boolean;
}

/** How many streams the start-up catch-up reads at once. */
const CATCH_UP_CONCURRENCY = 8;
/** Leaderboards kept between changes (a board is one entry per ranked person). */
export const BOARDS_KEPT = 32;

/**
 * The records projection for a node (one alone, or each of several sharing a Redis store): every
 * session's state and every ledger item, folded from their streams as appends are heard on the
 * feed, and each one's tally per person added into per-month totals. A stream's events are
 * applied by version, once each, in order — an append told twice (by this node and by the bus), a
 * replay or another node's catch-up changes nothing more. A read settles the sessions changed
 * since the last one (their tallies swapped in the totals) and sums the months of its period.
 */
export class LocalRecords implements RecordsService {
  readonly #feed: AppendFeed;
  readonly #directory: PeopleDirectory;
  readonly #ledger: LedgerService;
  readonly #settings: RecordsSettings;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #sessions = new Map<string, SessionEntry>();
  /** What each ledger item adds (the items themselves are the LedgerService's). */
  readonly #items = new Map<string, ItemTally>();
  readonly #dirty = new Set<string>();
  /** month → person id → their figures in it (sessions and ledger items). */
  readonly #months = new Map<string, Map<string, RecordCounts>>();
  /** Boards computed since the figures or the directory last changed, by period and sector (the most recently used). */
  readonly #boards = new LRUCache<string, LeaderboardEntry[]>({ max: BOARDS_KEPT });
  /** What `#boards` was computed from: the totals' changes and the directory's version. */
  #changes = 0;
  #boardsOf = '';
  /** One read of a stream at a time (a second waits and finds little left to read). */
  readonly #pulls = new Map<string, Promise<void>>();

  constructor(
    feed: AppendFeed,
    directory: PeopleDirectory,
    ledger: LedgerService,
    log: Logger,
    options: { settings?: RecordsSettings; now?: () => number } = {},
  ) {
    this.#feed = feed;
    this.#directory = directory;
    this.#ledger = ledger;
    this.#settings = options.settings ?? DEFAULT_RECORDS_SETTINGS;
    this.#log = log.child({ module: 'records' });
    this.#now = options.now ?? Date.now;
    feed.subscribe((streamId, version, events) => this.#heard(streamId, version, events));
    // The ledger keeps every item, this node's changes and the others'; its tally is all we need.
    ledger.on('changed', (item) => this.#applyItem(item));
  }

  /** How many leaderboards are kept now (at most BOARDS_KEPT). */
  get cachedBoards(): number {
    return this.#boards.size;
  }

  /** The heat formula's weights, as configured. */
  get settings(): RecordsSettings {
    return this.#settings;
  }

  /**
   * Reads every stored session once and takes every ledger item from the ledger (the start-up
   * catch-up), then enters in the directory anyone a token admitted to a session who is not there
   * yet. Resolves with what it read.
   */
  async start(): Promise<{ sessions: number; items: number; ms: number }> {
    const started = performance.now();
    await this.#directory.load();
    for (const item of await this.#ledger.all()) this.#applyItem(item);
    const ids = (await this.#feed.store.streams()).filter((id) => ROOM_ID_PATTERN.test(id));
    // Whoever a token admitted, by id; each batch is settled at once, so a closed session's state
    // is dropped as soon as it is tallied and start-up holds no more than the open sessions.
    const seen = new Map<string, DirectoryJoin>();
    for (let i = 0; i < ids.length; i += CATCH_UP_CONCURRENCY) {
      const batch = ids.slice(i, i + CATCH_UP_CONCURRENCY);
      await Promise.all(batch.map((id) => this.#pull(id)));
      for (const id of batch) {
        const state = this.#sessions.get(id)?.state;
        if (!state) continue;
        for (const p of joined(
          state,
          Object.values(state.attendance).map((a) => a.person),
        ))
          seen.set(p.id, p);
      }
      this.#settle();
    }
    await this.#see([...seen.values()]);
    return { sessions: this.#sessions.size, items: this.#items.size, ms: Math.round(performance.now() - started) };
  }

  async record(personId: string, periodText: string): Promise<PersonRecord> {
    const range = this.#range(periodText);
    const entry = this.#directory.get(personId);
    const person = entry && survivorOf(this.#directory.all, entry.id);
    if (!person) throw new NotFound(`no person ${personId} in the directory`);
    this.#settle();
    const ids = this.#aliasesOf(person.id);
    const counts = zeroCounts();
    for (const [month, people] of this.#months) {
      if (!inRange(month, range)) continue;
      for (const id of ids) {
        const c = people.get(id);
        if (c) addCounts(counts, c);
      }
    }
    addCounts(counts, this.#overlap(ids, range), -1);
    const sessions = this.#sessionsOf(ids, range);
    const board = this.#board(range, undefined);
    const place = board.find((e) => e.personId === person.id);
    const firstSpeech = sessions
      .filter((s) => s.firstSpeechAt !== null)
      .sort((a, b) => ((a.firstSpeechAt as string) < (b.firstSpeechAt as string) ? -1 : 1))[0];
    const topTopic = [...sessions]
      .filter((s) => s.speeches > 0)
      .sort(
        (a, b) => b.speakingSeconds - a.speakingSeconds || b.speeches - a.speeches || a.date.localeCompare(b.date),
      )[0];
    return {
      ...counts,
      person,
      period: range.period,
      from: range.from,
      to: range.to,
      score: heatScore(counts, this.#settings.weights),
      rank: place?.rank ?? null,
      ranked: board.length,
      sessions,
      highlights: {
        firstSpeech: firstSpeech
          ? { sessionId: firstSpeech.sessionId, title: firstSpeech.title, at: firstSpeech.firstSpeechAt as string }
          : null,
        topTopic: topTopic
          ? {
              sessionId: topTopic.sessionId,
              title: topTopic.title,
              speeches: topTopic.speeches,
              speakingSeconds: topTopic.speakingSeconds,
            }
          : null,
        solvedItems: [...this.#items.values()].flatMap((tally) =>
          tally.solved && inRange(tally.month, range) && ids.some((id) => tally.people.has(id))
            ? [{ id: tally.itemId, title: tally.title }]
            : [],
        ),
      },
    };
  }

  async leaderboard(
    periodText: string,
    options: { sector?: string | undefined; limit?: number | undefined; viewer?: string | undefined } = {},
  ): Promise<Leaderboard> {
    const range = this.#range(periodText);
    this.#settle();
    const board = this.#board(range, options.sector);
    const viewer = options.viewer === undefined ? undefined : survivorOf(this.#directory.all, options.viewer)?.id;
    return {
      formula: heatFormula(this.#settings.weights),
      period: range.period,
      sector: options.sector ?? null,
      ranked: board.length,
      entries: options.limit === undefined ? board : board.slice(0, options.limit),
      ...(options.viewer === undefined ? {} : { me: board.find((e) => e.personId === viewer) ?? null }),
    };
  }

  async rows(periodText: string): Promise<{ range: PeriodRange; rows: RecordRow[]; formula: HeatFormula }> {
    const range = this.#range(periodText);
    this.#settle();
    const totals = this.#totals(range);
    const ranks = new Map(this.#board(range, undefined).map((e) => [e.personId, e.rank]));
    const rows = [...this.#directory.all.values()]
      .filter((p) => p.status !== 'merged')
      .map((person) => {
        const counts = totals.get(person.id) ?? zeroCounts();
        return { person, counts, score: heatScore(counts, this.#settings.weights), rank: ranks.get(person.id) ?? null };
      })
      .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || byName(a.person, b.person));
    return { range, rows, formula: heatFormula(this.#settings.weights) };
  }

  #range(periodText: string): PeriodRange {
    return periodRange(parsePeriod(periodText), this.#settings.terms, monthOf(this.#now(), DEFAULT_TIME_ZONE));
  }

  /** Each surviving directory id's figures over `range` (a merged entry's added to its survivor's). */
  #totals(range: PeriodRange): Map<string, RecordCounts> {
    const directory = this.#directory.all;
    const survivors = new Map<string, string | null>();
    const survivor = (id: string) => {
      let known = survivors.get(id);
      if (known === undefined) {
        known = survivorOf(directory, id)?.id ?? null;
        survivors.set(id, known);
      }
      return known;
    };
    const totals = new Map<string, RecordCounts>();
    for (const [month, people] of this.#months) {
      if (!inRange(month, range)) continue;
      for (const [id, counts] of people) {
        const to = survivor(id);
        if (to === null) continue;
        let total = totals.get(to);
        if (!total) {
          total = zeroCounts();
          totals.set(to, total);
        }
        addCounts(total, counts);
      }
    }
    // A person with merged entries: what two of them in one session counted twice.
    const aliases = new Map<string, string[]>();
    for (const p of directory.values()) {
      const to = p.status === 'merged' ? survivor(p.id) : null;
      if (to !== null) aliases.set(to, [...(aliases.get(to) ?? [to]), p.id]);
    }
    for (const [to, ids] of aliases) {
      const total = totals.get(to);
      if (total) addCounts(total, this.#overlap(ids, range), -1);
    }
    return totals;
  }

  /**
   * What adding up the session tallies of several entries of one person (merged into one) counts
   * more than once: a session that two of them were invited to or attended is one session, and
   * their minutes present overlap (the longest stay counts). Speeches and comments are each one
   * entry's, so they add up as they are.
   */
  #overlap(ids: readonly string[], range: PeriodRange): RecordCounts {
    const extra = zeroCounts();
    if (ids.length < 2) return extra;
    for (const { tally } of this.#sessions.values()) {
      if (!tally?.month || !inRange(tally.month, range)) continue;
      const parts = ids.flatMap((id) => tally.people.get(id)?.counts ?? []);
      if (parts.length < 2) continue;
      for (const key of ['invited', 'attended', 'presentMinutes'] as const) {
        const values = parts.map((c) => c[key]);
        extra[key] += values.reduce((a, b) => a + b, 0) - Math.max(...values);
      }
    }
    return extra;
  }

  /**
   * The ranked entries of a period: active directory persons (of the term, for a term's board; of
   * the sector when asked), by score, then name; equal scores share a rank.
   */
  #board(range: PeriodRange, sector: string | undefined): LeaderboardEntry[] {
    const basis = `${this.#changes}/${this.#directory.version}`;
    if (basis !== this.#boardsOf) {
      this.#boards.clear();
      this.#boardsOf = basis;
    }
    const key = JSON.stringify([range.from, range.to, range.term, sector ?? null]);
    // Periods and sectors are the caller's to choose: only the most recently used boards are kept.
    let board = this.#boards.get(key);
    if (!board) {
      board = this.#rank(range, sector);
      this.#boards.set(key, board);
    }
    return board;
  }

  #rank(range: PeriodRange, sector: string | undefined): LeaderboardEntry[] {
    const totals = this.#totals(range);
    const scored = [...this.#directory.all.values()]
      .filter(
        (p) =>
          p.status === 'active' &&
          (sector === undefined || p.sector === sector) &&
          (range.term === null || p.term === null || p.term === range.term),
      )
      .map((person) => {
        const counts = totals.get(person.id) ?? zeroCounts();
        return { person, counts, score: heatScore(counts, this.#settings.weights) };
      })
      .sort((a, b) => b.score - a.score || byName(a.person, b.person));
    let rank = 0;
    return scored.map(({ person, counts, score }, i) => {
      if (i === 0 || score !== scored[i - 1]?.score) rank = i + 1;
      return {
        personId: person.id,
        name: person.name,
        sector: person.sector,
        score,
        rank,
        attended: counts.attended,
        speeches: counts.speeches,
        speakingSeconds: counts.speakingSeconds,
        comments: counts.comments,
      };
    });
  }

  /** `id` and every entry merged into it, however indirectly. */
  #aliasesOf(id: string): string[] {
    const directory = this.#directory.all;
    return [...directory.values()].filter((p) => survivorOf(directory, p.id)?.id === id).map((p) => p.id);
  }

  /** The sessions of `range` in which any of `ids` was invited or took part, oldest first. */
  #sessionsOf(ids: string[], range: PeriodRange): SessionFigures[] {
    const out: SessionFigures[] = [];
    for (const { tally } of this.#sessions.values()) {
      if (!tally?.month || !inRange(tally.month, range)) continue;
      let figures: SessionFigures | undefined;
      for (const id of ids) {
        const part = tally.people.get(id)?.figures;
        if (!part) continue;
        figures = figures ? combine(figures, part) : { ...part };
      }
      if (figures) out.push(figures);
    }
    return out.sort((a, b) => a.date.localeCompare(b.date) || a.sessionId.localeCompare(b.sessionId));
  }

  /** An append to a session's stream (the ledger's items come from the LedgerService, the directory's from its own). */
  #heard(streamId: string, version: number, events: readonly StoredEvent[] | undefined): void {
    if (!ROOM_ID_PATTERN.test(streamId)) return;
    const entry = this.#sessions.get(streamId);
    if ((entry?.version ?? 0) >= version) return;
    if (events && entry?.state !== null && events[0]?.version === (entry?.version ?? 0) + 1) {
      this.#applySession(streamId, events);
      // Made here: whoever a token admitted is entered in the directory by the node they joined.
      const seen = joined(
        this.#sessions.get(streamId)?.state ?? undefined,
        events.flatMap((e) => (e.type === 'participant.joined' ? [(e.data as { person: DirectoryJoin }).person] : [])),
      );
      if (seen.length > 0) void this.#see(seen);
      return;
    }
    this.#pull(streamId).catch((err: unknown) =>
      this.#log.error({ err, streamId }, 'could not read a change for the participation records'),
    );
  }

  /** Reads what the store has of session `streamId` beyond what was applied. */
  #pull(streamId: string): Promise<void> {
    const previous = this.#pulls.get(streamId) ?? Promise.resolve();
    const run = previous.then(async () => {
      const known = this.#sessions.get(streamId);
      // A session whose state was dropped is read again from its start.
      const events = await this.#feed.store.readRange(streamId, known?.state === null ? 1 : (known?.version ?? 0) + 1);
      if (events.length > 0) this.#applySession(streamId, events);
    });
    const tail = run.catch(() => undefined);
    this.#pulls.set(streamId, tail);
    void tail.then(() => {
      if (this.#pulls.get(streamId) === tail) this.#pulls.delete(streamId);
    });
    return run;
  }

  /** Applies the events that follow the session's version, each once, in order; the tally waits for the next read. */
  #applySession(sessionId: string, events: readonly StoredEvent[]): void {
    let entry = this.#sessions.get(sessionId);
    if (!entry) {
      entry = { version: 0, state: replay(sessionId, []), asOf: 0, tally: null, dirty: false };
      this.#sessions.set(sessionId, entry);
    }
    if (entry.state === null) {
      // Dropped: only its whole stream rebuilds it.
      const last = events.at(-1)?.version ?? 0;
      if (events[0]?.version !== 1 || last <= entry.version) return;
      entry.state = replay(sessionId, events as unknown as DomainEvent[]);
      entry.version = last;
      entry.asOf = latest(entry.asOf, events);
      entry.dirty = true;
      this.#dirty.add(sessionId);
      return;
    }
    const fresh = events.filter((e) => e.version > (entry as SessionEntry).version);
    if (fresh.length === 0 || fresh[0]?.version !== entry.version + 1) return;
    applyEvents(entry.state, fresh as unknown as DomainEvent[]);
    entry.version = fresh.at(-1)?.version ?? entry.version;
    entry.asOf = latest(entry.asOf, fresh);
    entry.dirty = true;
    this.#dirty.add(sessionId);
  }

  /** A ledger item as the ledger now holds it: its tally replaces the one before. */
  #applyItem(item: LedgerItem): void {
    const tally = itemTally(item);
    this.#swap(this.#items.get(item.id) ?? null, tally, (c) => c);
    this.#items.set(item.id, tally);
  }

  /** Swaps the tallies of the sessions changed since the last read into the totals. */
  #settle(): void {
    for (const sessionId of this.#dirty) {
      const entry = this.#sessions.get(sessionId);
      if (!entry?.dirty || !entry.state) continue;
      const tally = sessionTally(entry.state, entry.asOf);
      this.#swap(entry.tally, tally, (p) => p.counts);
      entry.tally = tally;
      entry.dirty = false;
      if (entry.state.session.status === 'closed') entry.state = null;
    }
    this.#dirty.clear();
  }

  /** Takes `old` out of the totals and puts `next` in. */
  #swap<T>(
    old: { month: string | null; people: Map<string, T> } | null,
    next: { month: string | null; people: Map<string, T> } | null,
    counts: (part: T) => RecordCounts,
  ): void {
    this.#changes += 1;
    for (const [tally, sign] of [
      [old, -1],
      [next, 1],
    ] as const) {
      if (!tally?.month) continue;
      let month = this.#months.get(tally.month);
      if (!month) {
        month = new Map();
        this.#months.set(tally.month, month);
      }
      for (const [id, part] of tally.people) {
        let total = month.get(id);
        if (!total) {
          total = zeroCounts();
          month.set(id, total);
        }
        addCounts(total, counts(part), sign);
      }
    }
  }

  /** Enters in the directory whoever is not in it yet. */
  async #see(people: DirectoryJoin[]): Promise<void> {
    const missing = people.filter((p) => !this.#directory.get(p.id));
    if (missing.length === 0) return;
    try {
      await this.#directory.execute(
        {
          type: 'person.see',
          people: missing.map(({ id, name, sector }) => ({ id, name, ...(sector ? { sector } : {}) })),
        },
        SYSTEM,
      );
    } catch (err) {
      this.#log.error({ err }, 'could not enter people seen in tokens into the member directory');
    }
  }
}

interface DirectoryJoin {
  id: string;
  name: string;
  role: string;
  sector?: string | undefined;
}

/** The ranked persons among those who joined (a removed person is not entered). */
function joined(state: RoomState | undefined, people: DirectoryJoin[]): DirectoryJoin[] {
  return people.filter((p) => isRankedRole(p.role) && !state?.removed[p.id]);
}

/** The latest of `at` and the events' times (a loop: a long session has more events than a call may have arguments). */
function latest(at: number, events: readonly StoredEvent[]): number {
  let max = at;
  for (const event of events) if (event.at > max) max = event.at;
  return max;
}

function combine(a: SessionFigures, b: SessionFigures): SessionFigures {
  const first = [a.firstSpeechAt, b.firstSpeechAt].filter((t): t is string => t !== null).sort()[0] ?? null;
  return {
    ...a,
    invited: a.invited || b.invited,
    attended: a.attended || b.attended,
    presentMinutes: Math.max(a.presentMinutes, b.presentMinutes),
    speeches: a.speeches + b.speeches,
    speakingSeconds: a.speakingSeconds + b.speakingSeconds,
    comments: a.comments + b.comments,
    firstSpeechAt: first,
  };
}

const collator = new Intl.Collator('zh-CN');
const byName = (a: DirectoryPerson, b: DirectoryPerson): number =>
  collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
