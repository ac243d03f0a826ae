import type { MinutesDocument } from '@yishi/shared';
import type { ExportMeta, Locale } from './format.js';
import { type MinutesView, minutesView } from './view.js';

/**
 * Escapes what Markdown would read as inline markup in free text (titles, summaries, names), so a
 * stray `*` or `[` typed by a secretary shows as written. Chinese text has nothing to escape, and
 * an underscore inside a word (America/Los_Angeles) is not emphasis, so it is left alone.
 */
function inline(value: string): string {
  return value.replace(/[\\`*[\]<>|]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\$&');
}

/** A paragraph of free text: inline escapes, and no line may start a heading, list or quote. */
function text(value: string): string {
  return inline(value).replace(
    /^(\s*)([#+-]|\d+\.)(?=\s|$)/gm,
    (_m, space: string, mark: string) => `${space}\\${mark}`,
  );
}

/** A table cell: escaped, on one line (a newline would end the row). */
function cell(value: string): string {
  return inline(value).replace(/\s*\r?\n\s*/g, ' ');
}

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

function section(title: string, body: string[], none: string): string[] {
  return [`## ${text(title)}`, '', ...(body.length > 0 ? body : [none]), ''];
}

function header(v: MinutesView): string[] {
  const { labels: l } = v;
  const lines = [`# ${text(v.title)}`, '', `**${l.minutes}**`, ''];
  if (v.proposal) lines.push(`${l.proposalNumber}${l.colon}${text(v.proposal)}`, '');
  lines.push(...infoTable(v), '');
  if (v.background) lines.push(`**${l.background}**${l.colon}${text(v.background)}`, '');
  return lines;
}

// The info block has no natural column headings; a two-column table with an empty head row
// renders as a plain label/value grid in every Markdown viewer.
function infoTable(v: MinutesView): string[] {
  return ['| | |', '| --- | --- |', ...v.info.map((row) => `| **${cell(row.label)}** | ${cell(row.value)} |`)];
}

function attendance(v: MinutesView): string[] {
  const { labels: l } = v;
  const lines = [v.statistics, ''];
  for (const group of v.attendance) {
    lines.push(`### ${text(group.sector)}`, '');
    for (const p of group.people) {
      lines.push(`- ${text(p.name)}${l.paren(`${p.role}${l.comma}${l.present}${l.colon}${p.present}`)}`);
    }
    lines.push('');
  }
  return lines.slice(0, -1);
}

function speeches(v: MinutesView): string[] {
  const { labels: l } = v;
  return v.speeches
    .flatMap((s, i) => {
      const who = [s.speaker, s.site, s.sector, s.role].filter((x): x is string => Boolean(x)).map(text);
      const facts = [
        `${l.start}${l.colon}${s.start}`,
        `${l.duration}${l.colon}${s.duration}`,
        s.kind,
        ...(s.agendaTitle ? [`${l.agendaItem}${l.colon}${text(s.agendaTitle)}`] : []),
      ];
      return [
        `### ${i + 1}. ${who.join(' · ')}`,
        '',
        facts.join(l.fieldSeparator),
        '',
        s.summary ? text(s.summary) : l.noSummary,
        '',
      ];
    })
    .slice(0, -1);
}

function polls(v: MinutesView): string[] {
  const { labels: l } = v;
  if (v.polls.length === 0) return [];
  return [
    l.pollsNote,
    '',
    ...v.polls.flatMap((p, i) => [
      `### ${i + 1}. ${text(p.question)}`,
      '',
      text(p.facts),
      '',
      ...table(p.counts.header, p.counts.rows),
      '',
      ...(p.bySector ? [`**${l.bySector}**`, '', ...table(p.bySector.header, p.bySector.rows), ''] : []),
      ...(p.answers ? [`**${l.answersOf}**${l.colon}${text(p.answers)}`, ''] : []),
    ]),
  ].slice(0, -1);
}

/**
 * Renders the minutes as Markdown, in `locale` (labels only: the document's own text stays as
 * written) with times in the document's time zone. `meta.hash` (a finalized version's content
 * hash) goes into the closing line.
 */
export function minutesMarkdown(doc: MinutesDocument, locale: Locale = 'zh-CN', meta: ExportMeta = {}): string {
  const v = minutesView(doc, locale, meta);
  const { labels: l } = v;
  const numbered = (items: string[]) => items.map((item, i) => `${i + 1}. ${text(item)}`);
  const lines = [
    ...header(v),
    ...section(l.attendance, attendance(v), l.none),
    ...section(
      l.agenda,
      v.agenda.map(
        (a, i) =>
          `${i + 1}. ${text(a.title)}${l.paren(a.status)}${a.description ? `${l.colon}${text(a.description)}` : ''}`,
      ),
      l.none,
    ),
    ...(v.sites.length > 0
      ? section(
          l.sites,
          table(
            [l.site, l.operator, l.headcounts],
            v.sites.map((s) => [s.name, s.operator, s.headcounts]),
          ),
          l.none,
        )
      : []),
    ...section(l.speeches, speeches(v), l.none),
    ...section(
      l.decisions,
      v.decisions.length > 0
        ? table(
            [l.time, l.by, l.decision, l.detail],
            v.decisions.map((d) => [d.time, d.by, d.kind, d.detail]),
          )
        : [],
      l.none,
    ),
    ...section(l.polls, polls(v), l.none),
    ...section(l.consensus, numbered(v.consensus), l.none),
    ...section(
      l.actions,
      v.actions.length > 0
        ? table(
            ['#', l.action, l.ownerUnit, l.dueDate, l.status],
            v.actions.map((a, i) => [String(i + 1), a.title, a.ownerUnit, a.due, a.status]),
          )
        : [],
      l.none,
    ),
    ...section(
      l.promotedComments,
      v.comments.map((c) => {
        const about = [c.sector, c.stance, c.time].filter((x): x is string => Boolean(x)).join(l.comma);
        return `- **${text(c.author)}**${l.paren(about)}${l.colon}${text(c.text)}`;
      }),
      l.none,
    ),
    ...section(l.notes, v.notes.flatMap((note) => [text(note), '']).slice(0, -1), l.none),
    ...section(
      l.invitations,
      v.invitations.length > 0
        ? table(
            [l.time, l.invitedBy, l.invitee, l.roleColumn, l.validUntil],
            v.invitations.map((i) => [i.time, i.by, i.invitee, i.role, i.until]),
          )
        : [],
      l.none,
    ),
    '---',
    '',
    v.footer,
  ];
  return `${lines.join('\n')}\n`;
}
