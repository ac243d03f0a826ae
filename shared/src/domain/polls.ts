import { headcountOf, sitesOf } from './queries.js';
import type { Person, Poll, RoomState } from './types.js';

/**
 * The live results of quick polls and the sites' state, as everyone in the room sees them (and as
 * the minutes record them). An anonymous poll's results are counts only: no list of who answered
 * what, and its breakdown by sector never shows a group so small that its answers are someone's.
 */

/** Fewest answers a sector's line of an anonymous poll may count (fewer would point at people). */
export const ANONYMOUS_MIN_GROUP = 3;

export interface PollView {
  id: string;
  question: string;
  options: string[];
  anonymous: boolean;
  open: boolean;
  agendaItemId: string | null;
  openedAt: number;
  /** Who asked (the chair's name). */
  openedBy: string;
  closedAt?: number | undefined;
  /** Per option: the members' answers and the sites' counts together. */
  counts: number[];
  /** Per option: the members' answers alone. */
  members: number[];
  /** How many members answered. */
  answered: number;
  /** The members' answers per sector (null: without a sector, or smaller groups pooled). */
  bySector: Array<{ sector: string | null; counts: number[] }>;
  /** Each site's show of hands, per option, in the order they were first entered. */
  sites: Array<{ id: string; name: string; counts: number[] }>;
  /** Only a named poll: who answered what, in the order they first answered. */
  answers?: Array<{ name: string; sector?: string | undefined; option: number }> | undefined;
}

export interface PollsView {
  version: number;
  polls: PollView[];
}

export interface SiteView {
  id: string;
  /** Its place (威远县向义镇水口村). */
  name: string;
  operator?: string | undefined;
  /** As last reported; null before the first report. */
  headcount: number | null;
  /** Who has spoken there, latest first: the operator's quick list. */
  speakers: string[];
}

export interface SitesView {
  version: number;
  sites: SiteView[];
}

/** How many names a site's quick list offers. */
const SITE_QUICK_LIST = 12;

const zeros = (n: number) => Array.from({ length: n }, () => 0);
const size = (counts: number[]) => counts.reduce((a, b) => a + b, 0);

/** The name a site goes by: its place, from attendance. */
function siteName(state: RoomState, siteId: string): string {
  return state.attendance[siteId]?.person.name ?? siteId;
}

export function pollView(state: RoomState, poll: Poll): PollView {
  const members = zeros(poll.options.length);
  const sectors = new Map<string | null, number[]>();
  for (const answer of Object.values(poll.answers)) {
    members[answer.option] = (members[answer.option] ?? 0) + 1;
    const key = answer.sector ?? null;
    const counts = sectors.get(key) ?? zeros(poll.options.length);
    counts[answer.option] = (counts[answer.option] ?? 0) + 1;
    sectors.set(key, counts);
  }
  const sites = Object.entries(poll.siteCounts).map(([id, { counts }]) => ({
    id,
    name: siteName(state, id),
    counts,
  }));
  const counts = members.map((n, i) => n + sites.reduce((sum, s) => sum + (s.counts[i] ?? 0), 0));
  const grouped = [...sectors].map(([sector, counts]) => ({ sector, counts }));
  return {
    id: poll.id,
    question: poll.question,
    options: poll.options,
    anonymous: poll.anonymous,
    open: poll.closedAt === undefined,
    agendaItemId: poll.agendaItemId,
    openedAt: poll.openedAt,
    openedBy: poll.openedBy.name,
    ...(poll.closedAt !== undefined ? { closedAt: poll.closedAt } : {}),
    counts,
    members,
    answered: Object.keys(poll.answers).length,
    // An anonymous poll shows its sectors only once closed: while it is open, two live results in
    // a row would tell which sector the latest answer came from.
    bySector: !poll.anonymous ? bySectorOrder(grouped) : poll.closedAt === undefined ? [] : withoutSmallGroups(grouped),
    sites,
    ...(poll.anonymous
      ? {}
      : {
          answers: Object.values(poll.answers).map(({ name, sector, option }) => ({
            name,
            ...(sector ? { sector } : {}),
            option,
          })),
        }),
  };
}

type SectorLine = { sector: string | null; counts: number[] };

/** Sectors by name (zh-CN), those without one last. */
function bySectorOrder(lines: SectorLine[]): SectorLine[] {
  return [...lines].sort((a, b) =>
    a.sector === null ? 1 : b.sector === null ? -1 : a.sector.localeCompare(b.sector, 'zh-CN'),
  );
}

/**
 * An anonymous poll's breakdown: sectors with fewer than ANONYMOUS_MIN_GROUP answers are pooled
 * (sector null), and while the pool itself is that small (it could be read off as the total minus
 * the lines shown) the smallest line shown joins it. Nothing is left when everything is pooled:
 * the members' total already says that much.
 */
function withoutSmallGroups(lines: SectorLine[]): SectorLine[] {
  const shown = lines
    .filter((l) => l.sector !== null && size(l.counts) >= ANONYMOUS_MIN_GROUP)
    .sort((a, b) => size(b.counts) - size(a.counts));
  const pool = zeros(lines[0]?.counts.length ?? 0);
  const addToPool = (counts: number[]) => {
    for (let i = 0; i < pool.length; i++) pool[i] = (pool[i] ?? 0) + (counts[i] ?? 0);
  };
  for (const line of lines) if (!shown.includes(line)) addToPool(line.counts);
  while (shown.length > 0 && size(pool) > 0 && size(pool) < ANONYMOUS_MIN_GROUP) {
    addToPool((shown.pop() as SectorLine).counts);
  }
  if (shown.length === 0) return [];
  return [...bySectorOrder(shown), ...(size(pool) > 0 ? [{ sector: null, counts: pool }] : [])];
}

export function pollsView(state: RoomState, version: number): PollsView {
  return { version, polls: state.polls.map((p) => pollView(state, p)) };
}

/** A person's own answers (poll id → option), which no view shows for an anonymous poll. */
export function answersOf(state: RoomState, personId: string): Record<string, number> {
  const answers: Record<string, number> = {};
  for (const poll of state.polls) {
    const mine = poll.answers[personId];
    if (mine) answers[poll.id] = mine.option;
  }
  return answers;
}

/** Every site that has joined, in order of arrival. */
export function sitesView(state: RoomState, version: number): SitesView {
  return { version, sites: sitesOf(state).map((person) => siteView(state, person)) };
}

function siteView(state: RoomState, person: Person): SiteView {
  const speakers: string[] = [];
  for (let i = state.turns.length - 1; i >= 0; i--) {
    const turn = state.turns[i];
    if (turn?.speaker.id === person.id && turn.namedSpeaker && !speakers.includes(turn.namedSpeaker)) {
      speakers.push(turn.namedSpeaker);
    }
  }
  return {
    id: person.id,
    name: person.name,
    ...(person.operator ? { operator: person.operator } : {}),
    headcount: headcountOf(state, person.id) ?? null,
    speakers: speakers.slice(0, SITE_QUICK_LIST),
  };
}
