import { spokenMs } from './clock.js';
import { pollView } from './polls.js';
import { presentMs, sitesOf } from './queries.js';
import type { ActionItem, EntryKind, MinutesStatus, Person, RoomState, Stance, TurnEndReason } from './types.js';

export const MINUTES_SCHEMA = 'yishi.minutes/v1';

/**
 * The minutes as a document: what the JSON export is, what the Markdown and DOCX render, and
 * what a finalized version freezes (and hashes). Times are ISO 8601 (UTC); `timeZone` says how
 * to show them.
 */
export interface MinutesDocument {
  schema: typeof MINUTES_SCHEMA;
  version: number;
  status: MinutesStatus;
  timeZone: string;
  topic: {
    id: string;
    title: string;
    background: string;
    proposalNumber: string | null;
    organiser: string;
    sectors: string[];
    materials: Array<{ title: string; url: string }>;
  };
  session: {
    id: string;
    place: string;
    status: string;
    scheduledAt: string | null;
    openedAt: string | null;
    startedAt: string | null;
    closedAt: string | null;
  };
  chairs: Person[];
  secretaries: Person[];
  /** 承办单位代表 / 特邀: guests and handling units' representatives, listed apart from the members they answer. */
  guests: Person[];
  /** Everyone who joined, by sector then name; `presentMinutes` sums all their connected time. */
  attendance: Array<Person & { firstJoinedAt: string; lastLeftAt: string | null; presentMinutes: number }>;
  agenda: Array<{ id: string; title: string; description: string | null; status: string }>;
  speeches: Array<{
    turnId: string;
    agendaItemId: string | null;
    /** At a site: the person its operator named (else the site itself), with `site` saying where. */
    speaker: Person;
    /** The place of the site the speaker spoke at; null for anyone on their own device. */
    site: string | null;
    kind: EntryKind;
    requestedAt: string;
    startedAt: string;
    endedAt: string | null;
    spokenSeconds: number;
    endReason: TurnEndReason | null;
    summary: string;
  }>;
  decisions: Array<{ at: string; by: string; kind: string; detail: string }>;
  consensus: string[];
  actions: ActionItem[];
  promotedComments: Array<{ id: string; author: Person; text: string; stance: Stance | null; createdAt: string }>;
  notes: string;
  /** Every join link given out, oldest first: who invited whom, with which role, until when. */
  invitations: Array<{
    at: string;
    invitee: Person;
    issuer: { id: string; name: string; role: 'organiser' | 'chair' };
    expiresAt: string;
  }>;
  statistics: { participants: number; speeches: number; speakingSeconds: number; comments: number };
  /** Sites (坝坝会: one device, many people): each one's reported headcounts over time. */
  sites: Array<{
    name: string;
    operator: string | null;
    headcounts: Array<{ at: string; count: number }>;
    /** The most it reported present at once. */
    maxHeadcount: number | null;
  }>;
  /**
   * Quick polls, consultative and not binding, in the order asked. `counts` per option are the
   * members' answers plus the sites' counts; `members` the members' alone; `sites` each site's.
   * An anonymous poll has no `answers` (null) and only sector lines large enough to name nobody.
   */
  polls: Array<{
    id: string;
    question: string;
    options: string[];
    anonymous: boolean;
    askedBy: string;
    openedAt: string;
    closedAt: string | null;
    agendaItemId: string | null;
    counts: number[];
    members: number[];
    answered: number;
    bySector: Array<{ sector: string | null; counts: number[] }>;
    sites: Array<{ name: string; counts: number[] }>;
    answers: Array<{ name: string; sector: string | null; option: number }> | null;
  }>;
}

const iso = (t: number | undefined): string | null => (t === undefined ? null : new Date(t).toISOString());

/** Projects the minutes from a room's state; `now` closes intervals still open (people present, a turn running). */
export function minutesDocument(state: RoomState, now: number): MinutesDocument {
  const topic = state.topic;
  if (!topic) throw new Error('minutes of a room without topic');
  const people = Object.values(state.attendance);
  const nameOf = (id: string) => state.attendance[id]?.person.name ?? id;
  const speeches = state.turns.map((t) => ({
    turnId: t.id,
    agendaItemId: t.agendaItemId,
    ...speakerOf(t.speaker, t.namedSpeaker),
    kind: t.kind,
    requestedAt: iso(t.requestedAt) as string,
    startedAt: iso(t.startedAt) as string,
    endedAt: iso(t.endedAt),
    spokenSeconds: Math.round(spokenMs(t, now) / 1000),
    endReason: t.endReason ?? null,
    summary: state.minutes.summaries[t.id]?.text ?? '',
  }));
  const byRole = (...roles: Array<Person['role']>) =>
    people.filter((a) => roles.includes(a.person.role)).map((a) => a.person);
  return {
    schema: MINUTES_SCHEMA,
    version: state.minutes.version,
    status: state.minutes.status,
    timeZone: state.session.timeZone,
    topic: {
      id: topic.id,
      title: topic.title,
      background: topic.background,
      proposalNumber: topic.proposalNumber ?? null,
      organiser: topic.organiser,
      sectors: topic.sectors,
      materials: topic.materials,
    },
    session: {
      id: state.session.id,
      place: state.session.place,
      status: state.session.status,
      scheduledAt: iso(state.session.scheduledAt),
      openedAt: iso(state.session.openedAt),
      startedAt: iso(state.session.startedAt),
      closedAt: iso(state.session.closedAt),
    },
    chairs: byRole('chair'),
    secretaries: byRole('secretary'),
    guests: byRole('guest', 'unit'),
    attendance: people
      .map((record) => ({
        ...record.person,
        firstJoinedAt: iso(record.intervals[0]?.joinedAt) as string,
        lastLeftAt: iso(record.intervals.at(-1)?.leftAt),
        presentMinutes: Math.round(presentMs(record, now) / 60_000),
      }))
      .sort((a, b) => (a.sector ?? '').localeCompare(b.sector ?? '', 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN')),
    agenda: state.agenda.map((i) => ({
      id: i.id,
      title: i.title,
      description: i.description ?? null,
      status: i.status,
    })),
    speeches,
    decisions: state.decisions.map((d) => ({
      at: iso(d.at) as string,
      by: nameOf(d.by),
      kind: d.kind,
      detail: d.detail,
    })),
    consensus: state.minutes.consensus.map((c) => c.text),
    actions: state.minutes.actions,
    promotedComments: state.minutes.promotedCommentIds.flatMap((id) => {
      const index = state.commentIndex[id];
      const c = index === undefined ? undefined : state.comments[index];
      // A comment hidden after it was promoted leaves the minutes with it.
      if (!c || c.hidden) return [];
      return [
        { id: c.id, author: c.author, text: c.text, stance: c.stance ?? null, createdAt: iso(c.createdAt) as string },
      ];
    }),
    notes: state.minutes.notes,
    invitations: state.invitations.map((i) => ({
      at: iso(i.at) as string,
      invitee: i.invitee,
      issuer: i.issuer,
      expiresAt: iso(i.expiresAt) as string,
    })),
    statistics: {
      participants: people.length,
      speeches: speeches.length,
      speakingSeconds: speeches.reduce((s, t) => s + t.spokenSeconds, 0),
      comments: state.comments.length,
    },
    // Every site that took part, with the headcounts it reported (none, for one that never did).
    sites: sitesOf(state).map((person) => {
      const headcounts = state.sites[person.id]?.headcounts ?? [];
      return {
        name: person.name,
        operator: person.operator ?? null,
        headcounts: headcounts.map((h) => ({ at: iso(h.at) as string, count: h.count })),
        maxHeadcount: headcounts.length ? headcounts.reduce((max, h) => Math.max(max, h.count), 0) : null,
      };
    }),
    polls: state.polls.map((poll) => {
      const view = pollView(state, poll);
      return {
        id: view.id,
        question: view.question,
        options: view.options,
        anonymous: view.anonymous,
        askedBy: view.openedBy,
        openedAt: iso(view.openedAt) as string,
        closedAt: iso(view.closedAt),
        agendaItemId: view.agendaItemId,
        counts: view.counts,
        members: view.members,
        answered: view.answered,
        bySector: view.bySector,
        sites: view.sites.map(({ name, counts }) => ({ name, counts })),
        answers: view.answers?.map((a) => ({ name: a.name, sector: a.sector ?? null, option: a.option })) ?? null,
      };
    }),
  };
}

/**
 * Who spoke, as the minutes name them: a site's turn names the person its operator entered
 * ("村民代表 王某", else the site itself) at the site's place; anyone else is their own device.
 */
function speakerOf(speaker: Person, named: string | undefined): { speaker: Person; site: string | null } {
  if (speaker.role !== 'site') return { speaker, site: null };
  return { speaker: { id: speaker.id, name: named ?? speaker.name, role: 'site' }, site: speaker.name };
}

/**
 * JSON with object keys sorted at every level (by UTF-16 code units, as RFC 8785 does): the same
 * document always gives the same bytes (and hash). Written out by hand because a JS object puts
 * integer-like keys ("2", "10") first in numeric order whatever order they were inserted in.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value, '') ?? 'null';
}

function canonical(holderValue: unknown, key: string): string | undefined {
  let value = holderValue;
  if (value && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: (key: string) => unknown }).toJSON(key);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => canonical(v, String(i)) ?? 'null').join(',')}]`;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap((k) => {
        const v = canonical(record[k], k);
        return v === undefined ? [] : [`${JSON.stringify(k)}:${v}`];
      });
    return `{${members.join(',')}}`;
  }
  // Primitives as JSON has them; undefined, functions and symbols are left out (or null in arrays).
  return JSON.stringify(value) as string | undefined;
}
