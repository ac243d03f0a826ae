import type { MinutesDocument } from '@yishi/shared';
import {
  type ExportMeta,
  formatClock,
  formatDateTime,
  formatDueDate,
  formatDuration,
  formatPlace,
  formatTime,
  type Labels,
  type Locale,
  labelOf,
  labelsFor,
  sameLocalDay,
} from './format.js';

/** One labelled line of the header table (date, place, organiser…). */
export interface InfoRow {
  label: string;
  value: string;
}

export interface AttendanceGroup {
  sector: string;
  people: Array<{ name: string; role: string; present: string }>;
}

export interface SpeechView {
  speaker: string;
  /** At a site: "在水口村". */
  site: string | null;
  sector: string | null;
  role: string;
  start: string;
  duration: string;
  kind: string;
  agendaTitle: string | null;
  /** null when the secretary has not written one yet. */
  summary: string | null;
}

/**
 * The minutes with every value already localized and formatted (times in the document's zone),
 * in the order a 会议纪要 reads. The Markdown and DOCX renderers only lay this out, so both
 * exports always say the same thing.
 */
export interface MinutesView {
  labels: Labels;
  title: string;
  proposal: string | null;
  background: string;
  info: InfoRow[];
  statistics: string;
  attendance: AttendanceGroup[];
  agenda: Array<{ title: string; description: string | null; status: string }>;
  speeches: SpeechView[];
  decisions: Array<{ time: string; by: string; kind: string; detail: string }>;
  consensus: string[];
  actions: Array<{ title: string; ownerUnit: string; due: string; status: string }>;
  comments: Array<{ author: string; sector: string | null; stance: string | null; time: string; text: string }>;
  /** The secretary's notes, one entry per non-blank line. */
  notes: string[];
  /** Who invited whom: every join link given out, oldest first. */
  invitations: Array<{ time: string; by: string; invitee: string; role: string; until: string }>;
  sites: Array<{ name: string; operator: string; headcounts: string }>;
  polls: PollExport[];
  footer: string;
}

/** A table as the renderers lay it out: a header row and rows of text. */
export interface TextTable {
  header: string[];
  rows: string[][];
}

/** A quick poll: its question, who asked and when, the counts per option (members, each site, total). */
export interface PollExport {
  question: string;
  facts: string;
  counts: TextTable;
  /** null when there is no breakdown to show (an anonymous poll with too few answers per sector). */
  bySector: TextTable | null;
  /** Only a named poll: who answered what. */
  answers: string | null;
}

/** Projects the document into what the renderers print, in `locale`. */
export function minutesView(doc: MinutesDocument, locale: Locale, meta: ExportMeta = {}): MinutesView {
  const labels = labelsFor(locale);
  const tz = doc.timeZone;
  const agendaTitles = new Map(doc.agenda.map((a) => [a.id, a.title]));
  const names = (people: Array<{ name: string }>) =>
    people.map((p) => p.name).join(labels.listSeparator) || labels.none;

  return {
    labels,
    title: doc.topic.title,
    proposal: doc.topic.proposalNumber,
    background: doc.topic.background.trim(),
    info: [
      { label: labels.date, value: sessionTime(doc, locale) },
      { label: labels.place, value: formatPlace(doc.session.place, labels) },
      { label: labels.organiser, value: doc.topic.organiser || labels.none },
      { label: labels.chairs, value: names(doc.chairs) },
      { label: labels.secretaries, value: names(doc.secretaries) },
      ...(doc.guests.length ? [{ label: labels.guests, value: names(doc.guests) }] : []),
    ],
    statistics: labels.statistics(
      doc.statistics.participants,
      doc.statistics.speeches,
      formatDuration(doc.statistics.speakingSeconds),
    ),
    attendance: attendanceGroups(doc, labels),
    agenda: doc.agenda.map((a) => ({
      title: a.title,
      description: a.description?.trim() || null,
      status: labelOf(labels.agendaStatus, a.status),
    })),
    speeches: doc.speeches.map((s) => ({
      speaker: s.speaker.name,
      // Minutes finalized before sites existed have no `site`.
      site: s.site ? labels.atSite(s.site) : null,
      sector: s.speaker.sector ?? null,
      role: labels.role[s.speaker.role],
      start: formatTime(s.startedAt, tz),
      duration: formatDuration(s.spokenSeconds),
      kind: labels.kind[s.kind],
      agendaTitle: (s.agendaItemId && agendaTitles.get(s.agendaItemId)) || null,
      summary: s.summary.trim() || null,
    })),
    decisions: doc.decisions.map((d) => ({
      time: formatTime(d.at, tz),
      by: d.by,
      kind: labelOf(labels.decisionKind, d.kind),
      detail: decisionDetail(d.kind, d.detail, labels),
    })),
    consensus: doc.consensus.map((c) => c.trim()).filter(Boolean),
    actions: doc.actions.map((a) => ({
      title: a.title,
      ownerUnit: a.ownerUnit,
      due: a.dueDate ? formatDueDate(a.dueDate, tz, locale) : '—',
      status: labels.actionStatus[a.status],
    })),
    comments: doc.promotedComments.map((c) => ({
      author: c.author.name,
      sector: c.author.sector ?? null,
      stance: c.stance ? labels.stance[c.stance] : null,
      time: formatTime(c.createdAt, tz),
      text: c.text,
    })),
    notes: doc.notes
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean),
    invitations: doc.invitations.map((i) => ({
      time: formatDateTime(i.at, tz, locale),
      by: i.issuer.role === 'organiser' ? labels.organiser : i.issuer.name,
      invitee: [i.invitee.name, i.invitee.sector].filter(Boolean).join(labels.comma),
      role: labels.role[i.invitee.role],
      until: formatDateTime(i.expiresAt, tz, locale),
    })),
    // Minutes finalized before sites and polls existed have neither.
    sites: (doc.sites ?? []).map((s) => ({
      name: s.name,
      operator: s.operator ?? '—',
      headcounts: s.headcounts
        .map((h) => labels.headcountAt(formatClock(h.at, tz), h.count))
        .join(labels.listSeparator),
    })),
    polls: (doc.polls ?? []).map((p) => pollExport(p, tz, labels)),
    footer: footerLine(doc, labels, meta),
  };
}

function pollExport(poll: MinutesDocument['polls'][number], tz: string, labels: Labels): PollExport {
  const time = poll.closedAt
    ? `${formatClock(poll.openedAt, tz)}—${formatClock(poll.closedAt, tz)}`
    : `${formatClock(poll.openedAt, tz)}${labels.paren(labels.stillOpen)}`;
  const facts = [
    `${labels.askedBy}${labels.colon}${poll.askedBy}`,
    `${labels.time}${labels.colon}${time}`,
    poll.anonymous ? labels.anonymous : labels.named,
  ].join(labels.fieldSeparator);
  const count = (counts: number[], i: number) => String(counts[i] ?? 0);
  const counts: TextTable = {
    header: [labels.option, labels.membersColumn, ...poll.sites.map((s) => s.name), labels.total],
    rows: poll.options.map((option, i) => [
      option,
      count(poll.members, i),
      ...poll.sites.map((s) => count(s.counts, i)),
      count(poll.counts, i),
    ]),
  };
  const bySector: TextTable | null = poll.bySector.length
    ? {
        header: [labels.sector, ...poll.options],
        rows: poll.bySector.map((line) => [
          line.sector ?? labels.noSector,
          ...poll.options.map((_, i) => count(line.counts, i)),
        ]),
      }
    : null;
  const answers = poll.answers
    ? poll.answers.map((a) => `${a.name}${labels.colon}${poll.options[a.option] ?? ''}`).join(labels.listSeparator)
    : null;
  return { question: poll.question, facts, counts, bySector, answers };
}

/**
 * When the session took place: its actual start, else the scheduled time (minutes can be drafted
 * beforehand), with the closing time when known; the zone is named so nobody has to guess it.
 */
function sessionTime(doc: MinutesDocument, locale: Locale): string {
  const { startedAt, scheduledAt, openedAt, closedAt } = doc.session;
  const tz = doc.timeZone;
  const start = startedAt ?? scheduledAt ?? openedAt;
  if (!start) return labelsFor(locale).none;
  let text = formatDateTime(start, tz, locale);
  if (closedAt && startedAt) {
    text += `—${sameLocalDay(start, closedAt, tz) ? formatClock(closedAt, tz) : formatDateTime(closedAt, tz, locale)}`;
  }
  return `${text}${labelsFor(locale).paren(tz)}`;
}

/**
 * Attendance by sector (界别), in the document's order (it comes sorted by sector then name);
 * people without a sector (chair, secretary, guests of the handling unit) go last, under "other".
 */
function attendanceGroups(doc: MinutesDocument, labels: Labels): AttendanceGroup[] {
  const groups = new Map<string, AttendanceGroup>();
  for (const a of doc.attendance) {
    const key = a.sector ?? '';
    let group = groups.get(key);
    if (!group) {
      group = { sector: a.sector || labels.noSector, people: [] };
      groups.set(key, group);
    }
    group.people.push({ name: a.name, role: labels.role[a.role], present: labels.presentMinutes(a.presentMinutes) });
  }
  const withoutSector = groups.get('');
  groups.delete('');
  return withoutSector ? [...groups.values(), withoutSector] : [...groups.values()];
}

/** Some decisions carry a machine value as detail (a floor mode, a flag): translate those. */
function decisionDetail(kind: string, detail: string, labels: Labels): string {
  if (kind === 'mode_changed') return labelOf(labels.floorMode, detail);
  if (kind === 'list_closed' && detail === 'points_of_order_blocked') return labels.pointsOfOrderBlocked;
  return detail;
}

function footerLine(doc: MinutesDocument, labels: Labels, meta: ExportMeta): string {
  const parts = [
    `${labels.version}${labels.colon}v${doc.version}`,
    `${labels.status}${labels.colon}${labels.minutesStatus[doc.status]}`,
  ];
  if (meta.hash) parts.push(`${labels.hash}${labels.colon}${meta.hash}`);
  return parts.join(labels.fieldSeparator);
}
