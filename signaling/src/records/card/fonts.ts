import fs from 'node:fs';
import * as fontkit from 'fontkit';
import { Unavailable } from '@yishi/shared';

/*
 * The card's typeface: Noto Sans CJK SC from Debian's fonts-noto-cjk (installed by `npm install`
 * as root, see tools/setup/card-font.sh). Both renderers draw with the same faces the layout
 * measures text with, so what is wrapped is what is drawn.
 */

const FONT_DIR = '/usr/share/fonts/opentype/noto';
/** Faces inside the collections (.ttc): the simplified-Chinese one of each weight. */
const FACES = { regular: 'NotoSansCJKsc-Regular', bold: 'NotoSansCJKsc-Bold' } as const;
const FILES = { regular: 'NotoSansCJK-Regular.ttc', bold: 'NotoSansCJK-Bold.ttc' } as const;

export type Weight = keyof typeof FACES;

export interface CardFont {
  /** The face, parsed once (the PDF embeds subsets of it). */
  font: fontkit.Font;
  /** Advance widths in em per code point, read once from the face. */
  advance(codePoint: number): number;
  /** The outline of a code point's glyph as SVG path data, in font units (y up). */
  outline(codePoint: number): string;
  /** Font units per em. */
  unitsPerEm: number;
}

let loaded: Record<Weight, CardFont> | null = null;

/** The two weights, loaded once; UNAVAILABLE when the font package is not installed. */
export function cardFonts(): Record<Weight, CardFont> {
  loaded ??= { regular: load('regular'), bold: load('bold') };
  return loaded;
}

function load(weight: Weight): CardFont {
  const file = `${FONT_DIR}/${FILES[weight]}`;
  if (!fs.existsSync(file)) {
    throw new Unavailable(`the card's font is not installed (Debian package fonts-noto-cjk: ${FILES[weight]})`);
  }
  const font = fontkit.create(fs.readFileSync(file), FACES[weight]);
  if (!('glyphForCodePoint' in font)) throw new Unavailable(`${file} has no face ${FACES[weight]}`);
  const em = font.unitsPerEm;
  const widths = new Map<number, number>();
  const outlines = new Map<number, string>();
  return {
    font,
    unitsPerEm: em,
    outline(codePoint) {
      let d = outlines.get(codePoint);
      if (d === undefined) {
        d = font.glyphForCodePoint(codePoint).path.toSVG();
        outlines.set(codePoint, d);
      }
      return d;
    },
    advance(codePoint) {
      let width = widths.get(codePoint);
      if (width === undefined) {
        width = font.glyphForCodePoint(codePoint).advanceWidth / em;
        widths.set(codePoint, width);
      }
      return width;
    },
  };
}

/** Width in px of `text` at `size` px in `weight`. */
export function measureText(text: string, size: number, weight: Weight): number {
  const font = cardFonts()[weight];
  let width = 0;
  for (const ch of text) width += font.advance(ch.codePointAt(0) ?? 0);
  return width * size;
}
