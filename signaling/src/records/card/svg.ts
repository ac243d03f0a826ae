import { cardFonts, type Weight } from './fonts.js';
import type { CardLayout } from './layout.js';

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * The card as SVG. Each text is drawn from the card font's glyph outlines (one `<path>` per
 * distinct glyph in `<defs>`, placed with `<use>`), so the rasteriser shapes nothing: resvg's own
 * text shaping costs tens of milliseconds per text with a CJK font. Each text's group carries its
 * words (`aria-label`), the SVG's text layer.
 */
export function cardSvg(layout: CardLayout): string {
  const fonts = cardFonts();
  const defs = new Map<string, string>();
  const glyph = (weight: Weight, codePoint: number): string => {
    const id = `${weight[0]}${codePoint.toString(16)}`;
    if (!defs.has(id)) defs.set(id, `<path id="${id}" d="${fonts[weight].outline(codePoint)}"/>`);
    return id;
  };
  const body: string[] = [];
  for (const s of layout.shapes) {
    switch (s.kind) {
      case 'rect':
        body.push(`<rect x="${s.x}" y="${s.y}" width="${s.w}" height="${s.h}" rx="${s.radius}" fill="${s.fill}"/>`);
        break;
      case 'text': {
        const font = fonts[s.weight];
        const k = s.size / font.unitsPerEm;
        const uses: string[] = [];
        let x = 0;
        for (const ch of s.text) {
          const cp = ch.codePointAt(0) ?? 0;
          if (ch !== ' ') uses.push(`<use href="#${glyph(s.weight, cp)}" x="${Math.round(x)}"/>`);
          x += font.advance(cp) * font.unitsPerEm;
        }
        body.push(
          `<g role="img" aria-label="${escapeXml(s.text)}" fill="${s.fill}" transform="translate(${round(s.x)} ${round(s.y)}) scale(${round(k, 5)} ${-round(k, 5)})">${uses.join('')}</g>`,
        );
        break;
      }
      case 'cells': {
        const d = s.cells
          .map(([c, r]) => `M${s.x + c * s.cell} ${s.y + r * s.cell}h${s.cell}v${s.cell}h-${s.cell}z`)
          .join('');
        body.push(`<path d="${d}" fill="${s.fill}" shape-rendering="crispEdges"/>`);
        break;
      }
    }
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}">`,
    `<defs>${[...defs.values()].join('')}</defs>`,
    ...body,
    '</svg>',
  ].join('\n');
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
