import { renderAsync } from '@resvg/resvg-js';
import PDFDocument from 'pdfkit';
import type { CardData } from './types.js';
import { cardFonts, measureText } from './fonts.js';
import { type CardLayout, layoutCard } from './layout.js';
import { cardSvg } from './svg.js';

/** The card laid out with the card's font. */
const cardLayout = (data: CardData): CardLayout => layoutCard(data, measureText);

/** The card as SVG (see cardSvg). */
export const renderCardSvg = (data: CardData): string => cardSvg(cardLayout(data));

/**
 * The card as a 1080 × 1920 PNG, rasterised by resvg on libuv's thread pool (the event loop
 * only lays it out). The SVG has no text left to shape (see cardSvg), so resvg needs no fonts.
 */
export async function renderCardPng(data: CardData): Promise<Buffer> {
  return (await renderAsync(renderCardSvg(data), { font: { loadSystemFonts: false } })).asPng();
}

/** px of the card to PDF points: the page is 540 × 960 pt (a phone-sized portrait page). */
const SCALE = 0.5;

/**
 * The card as a one-page PDF drawn from the same layout, its texts as real text (the font
 * embedded as a subset, with a ToUnicode map, so the figures can be searched and copied).
 */
export function renderCardPdf(data: CardData): Promise<Buffer> {
  const fonts = cardFonts();
  const layout = cardLayout(data);
  const doc = new PDFDocument({
    size: [layout.width * SCALE, layout.height * SCALE],
    margin: 0,
    autoFirstPage: true,
    info: { Title: `${data.name} ${data.period}`, Creator: '议事 Yishi', Producer: '议事 Yishi' },
    lang: data.locale,
  });
  // pdfkit takes a parsed fontkit face as it is: parsed once for every card rather than per document.
  doc.registerFont('regular', fonts.regular.font as unknown as Buffer);
  doc.registerFont('bold', fonts.bold.font as unknown as Buffer);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const s of layout.shapes) {
    switch (s.kind) {
      case 'rect':
        if (s.radius) doc.roundedRect(s.x * SCALE, s.y * SCALE, s.w * SCALE, s.h * SCALE, s.radius * SCALE);
        else doc.rect(s.x * SCALE, s.y * SCALE, s.w * SCALE, s.h * SCALE);
        doc.fill(s.fill);
        break;
      case 'text':
        doc
          .font(s.weight)
          .fontSize(s.size * SCALE)
          .fillColor(s.fill)
          .text(s.text, s.x * SCALE, s.y * SCALE, { lineBreak: false, baseline: 'alphabetic' });
        break;
      case 'cells':
        for (const [c, r] of s.cells) {
          doc.rect((s.x + c * s.cell) * SCALE, (s.y + r * s.cell) * SCALE, s.cell * SCALE, s.cell * SCALE);
        }
        doc.fill(s.fill);
        break;
    }
  }
  doc.end();
  return done;
}
