import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
} from 'docx';
import type { MinutesDocument } from '@yishi/shared';
import type { ExportMeta, Locale } from './format.js';
import { type MinutesView, minutesView, type TextTable } from './view.js';

// Sizes in half-points, after the sizes Chinese official documents use: 二号 title, 三号 subtitle,
// 四号 headings, 小四 body, 五号 details, 小五 footer.
export const SIZE = { title: 44, subtitle: 32, heading: 28, body: 24, detail: 21, footer: 18 };

// A4 in twips, with the usual Chinese Word margins (2.54 cm top/bottom, 2.8 cm left/right).
const PAGE = { width: 11906, height: 16838, marginY: 1440, marginX: 1588 };
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.marginX;

/** A section's page properties: A4 with those margins. */
export const A4 = {
  page: {
    size: { width: PAGE.width, height: PAGE.height },
    margin: { top: PAGE.marginY, bottom: PAGE.marginY, left: PAGE.marginX, right: PAGE.marginX },
  },
};

/**
 * Fonts per script: the eastAsia slot is what Word uses for Chinese characters, and the hint makes
 * it also take the ambiguous ones (full-width punctuation, quotes). "SimSun"/"SimHei" are the names
 * Word and WPS resolve to 宋体/黑体; a reader without them falls back to another CJK font, never to
 * boxes, because the text itself is plain UTF-8.
 */
const FONT = {
  body: { ascii: 'Times New Roman', hAnsi: 'Times New Roman', cs: 'Times New Roman', eastAsia: 'SimSun' },
  heading: { ascii: 'Arial', hAnsi: 'Arial', cs: 'Arial', eastAsia: 'SimHei' },
};

interface RunStyle {
  size?: number;
  bold?: boolean;
  heading?: boolean;
  color?: string;
}

/**
 * What XML 1.0 forbids (C0 controls but tab, LF and CR; lone surrogates; U+FFFE, U+FFFF): a user's
 * text holding one would make Word refuse the whole file, so it is dropped from every run.
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '');
}

export function run(text: string, style: RunStyle = {}): TextRun {
  return new TextRun({
    text: xmlText(text),
    font: { ...(style.heading ? FONT.heading : FONT.body), hint: 'eastAsia' },
    size: style.size ?? SIZE.body,
    ...(style.bold ? { bold: true } : {}),
    ...(style.color ? { color: style.color } : {}),
  });
}

interface ParaStyle extends RunStyle {
  align?: (typeof AlignmentType)[keyof typeof AlignmentType];
  /** First-line indent of two characters, as Chinese body text has. */
  indent?: boolean;
  after?: number;
  /** Line spacing in 240ths of a line: 1.5 for body text, tighter in table cells. */
  line?: number;
  keepNext?: boolean;
}

export function para(content: string | TextRun[], style: ParaStyle = {}): Paragraph {
  return new Paragraph({
    children: typeof content === 'string' ? [run(content, style)] : content,
    ...(style.align ? { alignment: style.align } : {}),
    ...(style.indent ? { indent: { firstLineChars: 200 } } : {}),
    ...(style.keepNext ? { keepNext: true } : {}),
    spacing: { after: style.after ?? 120, line: style.line ?? 360 },
  });
}

/** A section heading: a real Word heading (navigation pane, outline), styled 黑体 四号. */
export function heading(text: string): Paragraph {
  return new Paragraph({
    heading: HeadingLevel.HEADING_2,
    children: [run(text, { heading: true, bold: true, size: SIZE.heading, color: '000000' })],
    spacing: { before: 240, after: 120 },
    keepNext: true,
  });
}

export interface CellSpec {
  text: string;
  rowSpan?: number;
  bold?: boolean;
}

function cell(spec: CellSpec, width: number, header: boolean): TableCell {
  return new TableCell({
    children: [para(spec.text, { size: SIZE.detail, bold: header || (spec.bold ?? false), after: 0, line: 276 })],
    width: { size: width, type: WidthType.DXA },
    verticalAlign: VerticalAlignTable.CENTER,
    margins: { top: 60, bottom: 60, left: 100, right: 100 },
    ...(header ? { shading: { fill: 'E7E6E6' } } : {}),
    ...(spec.rowSpan && spec.rowSpan > 1 ? { rowSpan: spec.rowSpan } : {}),
  });
}

const LINE = { style: BorderStyle.SINGLE, size: 4, color: '808080' };

/**
 * A full-width table. `widths` are relative. A row may have fewer cells than columns where a
 * cell above spans down into it (rowSpan; docx adds the merged cell itself): the missing cells
 * are the leftmost, so a short row's cells take the widths of the last columns.
 */
export function table(widths: number[], header: string[] | null, rows: CellSpec[][]): Table {
  const total = widths.reduce((a, b) => a + b, 0);
  const twips = widths.map((w) => Math.floor((w / total) * CONTENT_WIDTH));
  const toRow = (cells: CellSpec[], isHeader: boolean) => {
    const offset = twips.length - cells.length;
    return new TableRow({
      tableHeader: isHeader,
      cantSplit: true,
      children: cells.map((c, i) => cell(c, twips[offset + i] ?? 0, isHeader)),
    });
  };
  const head = header
    ? [
        toRow(
          header.map((text) => ({ text })),
          true,
        ),
      ]
    : [];
  return new Table({
    width: { size: CONTENT_WIDTH, type: WidthType.DXA },
    columnWidths: twips,
    borders: { top: LINE, bottom: LINE, left: LINE, right: LINE, insideHorizontal: LINE, insideVertical: LINE },
    rows: [...head, ...rows.map((r) => toRow(r, false))],
  });
}

/** What a section of the document is made of. */
export type Block = Paragraph | Table;

/** A section: its heading, then its content, or "none" when it has nothing to show. */
function section(v: MinutesView, title: string, content: Block[]): Block[] {
  return [heading(title), ...(content.length > 0 ? content : [para(v.labels.none)])];
}

/** A section of one table (with a header row), or "none" when it has no rows. */
function tableSection(v: MinutesView, title: string, widths: number[], header: string[], rows: CellSpec[][]): Block[] {
  return section(v, title, rows.length > 0 ? [table(widths, header, rows)] : []);
}

function titleBlock(v: MinutesView): Paragraph[] {
  const { labels: l } = v;
  return [
    para(v.title, { heading: true, bold: true, size: SIZE.title, align: AlignmentType.CENTER, after: 120 }),
    para(l.minutes, { heading: true, size: SIZE.subtitle, align: AlignmentType.CENTER, after: v.proposal ? 60 : 360 }),
    ...(v.proposal
      ? [para(`${l.proposalNumber}${l.colon}${v.proposal}`, { align: AlignmentType.CENTER, after: 360 })]
      : []),
  ];
}

function infoBlock(v: MinutesView): Block[] {
  const { labels: l } = v;
  const blocks: Block[] = [
    table(
      [1, 4],
      null,
      v.info.map((row) => [{ text: row.label, bold: true }, { text: row.value }]),
    ),
  ];
  if (v.background) {
    blocks.push(
      heading(l.background),
      ...v.background
        .split(/\r?\n/)
        .filter(Boolean)
        .map((p) => para(p, { indent: true })),
    );
  }
  return blocks;
}

/** Attendance as a table whose first column merges the rows of one sector (界别). */
function attendanceBlock(v: MinutesView): Block[] {
  const { labels: l } = v;
  const blocks: Block[] = [heading(l.attendance), para(v.statistics, { indent: true })];
  if (v.attendance.length === 0) return [...blocks, para(l.none)];
  const rows = v.attendance.flatMap((group) =>
    group.people.map((p, i) => [
      ...(i === 0 ? [{ text: group.sector, rowSpan: group.people.length, bold: true }] : []),
      { text: p.name },
      { text: p.role },
      { text: p.present },
    ]),
  );
  return [...blocks, table([2, 2, 2, 2], [l.sector, l.name, l.roleColumn, l.present], rows)];
}

function agendaBlock(v: MinutesView): Block[] {
  const { labels: l } = v;
  return section(
    v,
    l.agenda,
    v.agenda.map((a, i) =>
      para([
        run(`${i + 1}. ${a.title}`, { bold: true }),
        run(l.paren(a.status), { size: SIZE.detail, color: '595959' }),
        ...(a.description ? [run(`${l.colon}${a.description}`)] : []),
      ]),
    ),
  );
}

/** Each speech: who (bold), then when/how long/what kind in small grey, then the summary as body text. */
function speechesBlock(v: MinutesView): Block[] {
  const { labels: l } = v;
  return section(
    v,
    l.speeches,
    v.speeches.flatMap((s, i) => {
      const who = [s.sector, s.role].filter((x): x is string => Boolean(x)).join(l.comma);
      const facts = [
        `${l.start}${l.colon}${s.start}`,
        `${l.duration}${l.colon}${s.duration}`,
        s.kind,
        ...(s.agendaTitle ? [`${l.agendaItem}${l.colon}${s.agendaTitle}`] : []),
      ];
      return [
        para([run(`${i + 1}. ${s.speaker}${s.site ? ` ${s.site}` : ''}`, { bold: true }), run(l.paren(who))], {
          after: 0,
          keepNext: true,
        }),
        para(facts.join(l.fieldSeparator), { size: SIZE.detail, color: '595959', after: 60, keepNext: true }),
        para(s.summary ?? l.noSummary, { indent: true, ...(s.summary ? {} : { color: '808080' }) }),
      ];
    }),
  );
}

/** Sites (坝坝会) and their headcounts over time; left out when no site took part. */
function sitesBlock(v: MinutesView): Block[] {
  const { labels: l } = v;
  if (v.sites.length === 0) return [];
  return tableSection(
    v,
    l.sites,
    [3, 2, 6],
    [l.site, l.operator, l.headcounts],
    v.sites.map((s) => [{ text: s.name }, { text: s.operator }, { text: s.headcounts }]),
  );
}

/** A table whose columns share the width equally but the first, which gets twice as much. */
function textTable(t: TextTable): Table {
  return table(
    t.header.map((_, i) => (i === 0 ? 2 : 1)),
    t.header,
    t.rows.map((row) => row.map((text) => ({ text }))),
  );
}

/** Quick polls: consultative, not binding — the question, who asked and when, the counts, each site's. */
function pollsBlock(v: MinutesView): Block[] {
  const { labels: l } = v;
  return section(
    v,
    l.polls,
    v.polls.length === 0
      ? []
      : [
          para(l.pollsNote, { size: SIZE.detail, color: '595959' }),
          ...v.polls.flatMap((p, i) => [
            para([run(`${i + 1}. ${p.question}`, { bold: true })], { after: 0, keepNext: true }),
            para(p.facts, { size: SIZE.detail, color: '595959', after: 60, keepNext: true }),
            textTable(p.counts),
            ...(p.bySector ? [para(l.bySector, { size: SIZE.detail, keepNext: true }), textTable(p.bySector)] : []),
            ...(p.answers ? [para(`${l.answersOf}${l.colon}${p.answers}`, { size: SIZE.detail })] : []),
          ]),
        ],
  );
}

function decisionsBlock(v: MinutesView): Block[] {
  const { labels: l } = v;
  return tableSection(
    v,
    l.decisions,
    [2, 2, 3, 4],
    [l.time, l.by, l.decision, l.detail],
    v.decisions.map((d) => [{ text: d.time }, { text: d.by }, { text: d.kind }, { text: d.detail }]),
  );
}

function consensusBlock(v: MinutesView): Block[] {
  return section(
    v,
    v.labels.consensus,
    v.consensus.map((c, i) => para(`${i + 1}. ${c}`, { indent: true })),
  );
}

function actionsBlock(v: MinutesView): Block[] {
  const { labels: l } = v;
  return tableSection(
    v,
    l.actions,
    [1, 6, 3, 3, 2],
    ['#', l.action, l.ownerUnit, l.dueDate, l.status],
    v.actions.map((a, i) => [
      { text: String(i + 1) },
      { text: a.title },
      { text: a.ownerUnit },
      { text: a.due },
      { text: a.status },
    ]),
  );
}

function commentsBlock(v: MinutesView): Block[] {
  const { labels: l } = v;
  return section(
    v,
    l.promotedComments,
    v.comments.map((c) => {
      const about = [c.sector, c.stance, c.time].filter((x): x is string => Boolean(x)).join(l.comma);
      return para([run(c.author, { bold: true }), run(l.paren(about)), run(`${l.colon}${c.text}`)], { indent: true });
    }),
  );
}

function notesBlock(v: MinutesView): Block[] {
  return section(
    v,
    v.labels.notes,
    v.notes.map((n) => para(n, { indent: true })),
  );
}

function invitationsBlock(v: MinutesView): Block[] {
  const { labels: l } = v;
  return tableSection(
    v,
    l.invitations,
    [3, 2, 3, 2, 3],
    [l.time, l.invitedBy, l.invitee, l.roleColumn, l.validUntil],
    v.invitations.map((i) => [
      { text: i.time },
      { text: i.by },
      { text: i.invitee },
      { text: i.role },
      { text: i.until },
    ]),
  );
}

/** `text` and the page number on every page (`page`: the words before, between and after the numbers). */
export function footer(text: string, page: readonly [string, string, string]): Footer {
  const [before, between, after] = page;
  const small = { font: { ...FONT.body, hint: 'eastAsia' }, size: SIZE.footer, color: '595959' } as const;
  return new Footer({
    children: [
      para(text, { size: SIZE.footer, color: '595959', align: AlignmentType.CENTER, after: 0 }),
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [
          new TextRun({ ...small, children: [before, PageNumber.CURRENT, between, PageNumber.TOTAL_PAGES, after] }),
        ],
      }),
    ],
  });
}

/**
 * Renders the minutes as a Word document (.docx), the form secretaries hand on: title block,
 * header table, attendance by sector, agenda, speeches with summaries, decisions, 协商意见,
 * 承办事项, promoted comments, notes and who invited whom; version, status and `meta.hash` in the page footer.
 * Labels follow `locale`; times are in the document's time zone.
 */
export async function minutesDocx(
  doc: MinutesDocument,
  locale: Locale = 'zh-CN',
  meta: ExportMeta = {},
): Promise<Buffer> {
  const v = minutesView(doc, locale, meta);
  const document = new Document({
    title: xmlText(`${v.title} ${v.labels.minutes}`),
    creator: 'Yishi',
    description: v.footer,
    sections: [
      {
        properties: A4,
        // Version, status and hash on every page, so a printed page still says which version it is.
        footers: { default: footer(v.footer, v.labels.page) },
        children: [
          ...titleBlock(v),
          ...infoBlock(v),
          ...attendanceBlock(v),
          ...agendaBlock(v),
          ...sitesBlock(v),
          ...speechesBlock(v),
          ...decisionsBlock(v),
          ...pollsBlock(v),
          ...consensusBlock(v),
          ...actionsBlock(v),
          ...commentsBlock(v),
          ...notesBlock(v),
          ...invitationsBlock(v),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}
