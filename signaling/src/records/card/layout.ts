import QRCode from 'qrcode';
import type { CardData } from './types.js';
import type { Weight } from './fonts.js';
import { cardLabels } from './labels.js';

/** Width in px of a text at a size in a weight (the card's font, fonts.ts). */
export type Measure = (text: string, size: number, weight: Weight) => number;

/** What the card is drawn from: px on a 1080 × 1920 canvas; a text's `y` is its baseline, its `x` its start. */
export type Shape =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill: string; radius: number }
  | { kind: 'text'; x: number; y: number; size: number; weight: Weight; fill: string; text: string }
  /** Dark modules of a QR code: `cells` are [column, row] pairs of `cell` px squares from (x, y). */
  | { kind: 'cells'; x: number; y: number; cell: number; cells: Array<[number, number]>; fill: string };

export interface CardLayout {
  width: number;
  height: number;
  shapes: Shape[];
}

export const CARD_WIDTH = 1080;
export const CARD_HEIGHT = 1920;

const MARGIN = 72;
const INNER = CARD_WIDTH - 2 * MARGIN;
const COLOR = {
  red: '#a11d1d',
  paper: '#fbf6ee',
  gold: '#f1d29a',
  ink: '#2b1d16',
  muted: '#7a6a5d',
  cell: '#ffffff',
  line: '#e4d6c3',
  light: '#fdeedd',
};

/**
 * The card as shapes: a pure function of its data and a text measure, so what the PNG and the
 * PDF draw is the same, and every text is kept inside the card (wrapped, shrunk or cut with …).
 */
export function layoutCard(data: CardData, measure: Measure): CardLayout {
  const l = cardLabels(data.locale);
  const shapes: Shape[] = [];
  const rect = (x: number, y: number, w: number, h: number, fill: string, radius = 0) =>
    shapes.push({ kind: 'rect', x, y, w, h, fill, radius });
  const text = (t: string, x: number, y: number, size: number, weight: Weight, fill: string) => {
    if (t) shapes.push({ kind: 'text', x, y, size, weight, fill, text: t });
  };
  const fit = (t: string, size: number, weight: Weight, width: number, lines: number) =>
    wrap(clean(t), size, weight, width, lines, measure);

  // Header: who, in what sector and term, over what period, and their place on the board.
  rect(0, 0, CARD_WIDTH, 540, COLOR.red);
  text(l.caption, MARGIN, 118, 38, 'regular', COLOR.gold);
  const nameSize = [104, 88, 72].find((s) => measure(clean(data.name), s, 'bold') <= INNER) ?? 72;
  text(fit(data.name, nameSize, 'bold', INNER, 1)[0] ?? '', MARGIN, 250, nameSize, 'bold', '#ffffff');
  const about = [data.sector, data.term, data.unit].filter((s): s is string => !!s?.trim()).join(l.separator);
  fit(about, 38, 'regular', INNER, 2).forEach((line, i) => {
    text(line, MARGIN, 330 + i * 54, 38, 'regular', COLOR.light);
  });
  const period = fit(l.period(data.period), 36, 'bold', INNER - 48, 1)[0] ?? '';
  const chipWidth = measure(period, 36, 'bold') + 48;
  rect(MARGIN, 432, chipWidth, 68, COLOR.gold, 34);
  text(period, MARGIN + 24, 479, 36, 'bold', COLOR.red);
  if (data.rank) {
    const x = MARGIN + chipWidth + 28;
    const { rank, ranked, score } = data.rank;
    text(
      fit(l.rank(rank, ranked, score), 32, 'regular', CARD_WIDTH - MARGIN - x, 1)[0] ?? '',
      x,
      478,
      32,
      'regular',
      '#ffffff',
    );
  }

  // The figures, two to a row.
  rect(0, 540, CARD_WIDTH, CARD_HEIGHT - 540, COLOR.paper);
  const f = data.figures;
  const time = l.duration(f.speakingSeconds);
  const figures: Array<[label: string, value: string, unit: string]> = [
    [
      l.attended,
      String(f.attended),
      f.invited > f.attended ? `${l.sessionsUnit} ${l.invitedOf(f.invited)}`.trim() : l.sessionsUnit,
    ],
    [l.speeches, String(f.speeches), l.speechesUnit],
    [l.speakingTime, time.value, time.unit],
    [l.comments, String(f.comments), l.commentsUnit],
    [l.itemsRaised, String(f.itemsRaised), l.itemsUnit],
    [l.itemsSolved, String(f.itemsSolved), l.itemsUnit],
  ];
  const gap = 18;
  const cellW = (INNER - gap) / 2;
  const cellH = 164;
  figures.forEach(([label, value, unit], i) => {
    const x = MARGIN + (i % 2) * (cellW + gap);
    const y = 580 + Math.floor(i / 2) * (cellH + gap);
    rect(x, y, cellW, cellH, COLOR.cell, 20);
    text(fit(label, 32, 'regular', cellW - 56, 1)[0] ?? '', x + 28, y + 54, 32, 'regular', COLOR.muted);
    const valueSize = [80, 64, 48].find((s) => measure(value, s, 'bold') <= cellW - 56 - 80) ?? 48;
    text(value, x + 28, y + 144, valueSize, 'bold', COLOR.red);
    const unitX = x + 28 + measure(value, valueSize, 'bold') + 12;
    text(fit(unit, 30, 'regular', x + cellW - 24 - unitX, 1)[0] ?? '', unitX, y + 142, 30, 'regular', COLOR.ink);
  });

  // Highlights: each a label and at most two lines.
  let y = 1176;
  text(l.highlights, MARGIN, y, 42, 'bold', COLOR.ink);
  rect(MARGIN, y + 22, 72, 6, COLOR.red, 3);
  y += 34;
  const h = data.highlights;
  const entry = (label: string, lines: string[]) => {
    text(label, MARGIN, y + 42, 30, 'regular', COLOR.muted);
    y += 42;
    for (const line of lines) {
      text(line, MARGIN, y + 48, 36, 'regular', COLOR.ink);
      y += 48;
    }
    y += 12;
  };
  const quoted = (t: string) => (data.locale === 'en' ? `“${clean(t)}”` : `《${clean(t)}》`);
  entry(l.firstSpeech, [
    h.firstSpeech
      ? (fit(
          `${l.date(h.firstSpeech.at, data.timeZone)}${l.separator}${quoted(h.firstSpeech.title)}`,
          36,
          'regular',
          INNER,
          1,
        )[0] ?? '')
      : l.none,
  ]);
  entry(l.topTopic, [
    h.topTopic
      ? fitWithTail(
          quoted(h.topTopic.title),
          `${l.separator}${l.topicSpeeches(h.topTopic.speeches)}`,
          36,
          INNER,
          measure,
        )
      : l.none,
  ]);
  const solved = h.solvedItems.slice(0, 2).map((item, i, shown) => {
    const more =
      i === shown.length - 1 && h.solvedItems.length > shown.length ? ` ${l.moreItems(h.solvedItems.length)}` : '';
    return fitWithTail(quoted(item.title), more, 36, INNER, measure);
  });
  entry(l.solvedItems, solved.length ? solved : [l.none]);

  // Footer: the QR code of the verification link, the link itself, when the card was made.
  const top = 1610;
  rect(MARGIN, top, INNER, 2, COLOR.line);
  const qrSize = 240;
  rect(MARGIN, top + 30, qrSize, qrSize, '#ffffff', 12);
  const qr = qrCells(data.verifyUrl);
  const cell = Math.floor((qrSize - 24) / qr.size);
  const offset = (qrSize - cell * qr.size) / 2;
  shapes.push({ kind: 'cells', x: MARGIN + offset, y: top + 30 + offset, cell, cells: qr.cells, fill: COLOR.ink });
  const x = MARGIN + qrSize + 40;
  const width = CARD_WIDTH - MARGIN - x;
  text(l.scan, x, top + 80, 34, 'bold', COLOR.ink);
  wrap(data.verifyUrl, 22, 'regular', width, 4, measure, true).forEach((line, i) => {
    text(line, x, top + 124 + i * 32, 22, 'regular', COLOR.muted);
  });
  text(l.issued(l.date(data.issuedAt, data.timeZone)), x, top + 262, 26, 'regular', COLOR.muted);
  text(l.brand, CARD_WIDTH - MARGIN - measure(l.brand, 26, 'bold'), top + 262, 26, 'bold', COLOR.red);
  return { width: CARD_WIDTH, height: CARD_HEIGHT, shapes };
}

/** One line: `head` cut with … so that `tail` (a count) always shows after it. */
function fitWithTail(head: string, tail: string, size: number, width: number, measure: Measure): string {
  const room = width - measure(tail, size, 'regular');
  return `${wrap(head, size, 'regular', room, 1, measure)[0] ?? ''}${tail}`;
}

/** Control characters out, runs of white space (new lines too) as one space. */
export function clean(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cs}\uFFFE\uFFFF]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Never at a line's start: closing punctuation, and the middle dot that separates the card's fields. */
const CLOSING = /[，。、；：？！）》」』】,.;:?!)\]·]/;

/**
 * `text` in at most `maxLines` lines no wider than `width`: broken between any two Chinese
 * characters, between words otherwise (anywhere when `anywhere`, for a URL), closing punctuation
 * kept with what it closes; what does not fit ends the last line with ….
 */
export function wrap(
  text: string,
  size: number,
  weight: Weight,
  width: number,
  maxLines: number,
  measure: Measure,
  anywhere = false,
): string[] {
  const chars = [...text];
  const lines: string[] = [];
  let start = 0;
  while (start < chars.length && lines.length < maxLines) {
    let end = start;
    let w = 0;
    while (end < chars.length) {
      const cw = measure(chars[end] ?? '', size, weight);
      if (w + cw > width && end > start && !CLOSING.test(chars[end] ?? '')) break;
      w += cw;
      end++;
    }
    if (end < chars.length && !anywhere && /\w/.test(chars[end] ?? '')) {
      // Inside a word: go back to its space, if the line has one.
      const space = chars.lastIndexOf(' ', end - 1);
      if (space > start) end = space + 1;
    }
    lines.push(chars.slice(start, end).join('').trim());
    start = end;
    while (chars[start] === ' ') start++;
  }
  if (start < chars.length && lines.length) {
    const last = [...(lines.pop() ?? '')];
    while (last.length && measure(`${last.join('')}…`, size, weight) > width) last.pop();
    lines.push(`${last.join('').trimEnd()}…`);
  }
  return lines;
}

/** The dark modules of `url`'s QR code (error correction M). */
function qrCells(url: string): { size: number; cells: Array<[number, number]> } {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const cells: Array<[number, number]> = [];
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) if (modules.get(row, col)) cells.push([col, row]);
  }
  return { size: modules.size, cells };
}
