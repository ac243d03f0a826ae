import { Resvg } from '@resvg/resvg-js';
import { createRequire } from 'node:module';
import type { QRCode } from 'jsqr';
import { describe, expect, it } from 'vitest';
import { measureText } from '../../../signaling/src/records/card/fonts.js';
import { CARD_HEIGHT, CARD_WIDTH, layoutCard, type Measure, wrap } from '../../../signaling/src/records/card/layout.js';
import { renderCardPdf, renderCardPng, renderCardSvg } from '../../../signaling/src/records/card/render.js';
import type { CardData } from '../../../signaling/src/records/card/types.js';
import { pdfTexts } from '../../support/pdfText.js';

const card = (over: Partial<CardData> = {}): CardData => ({
  name: '欧阳明月',
  sector: '经济界',
  term: '第十四届',
  unit: '市工商联',
  period: '2026',
  figures: {
    invited: 14,
    attended: 12,
    speeches: 23,
    speakingSeconds: 1260,
    comments: 87,
    itemsRaised: 6,
    itemsSolved: 4,
  },
  rank: { rank: 3, ranked: 128, score: 486.5 },
  highlights: {
    firstSpeech: { title: '老旧小区加装电梯', at: '2026-03-05T02:30:00Z' },
    topTopic: { title: '优化营商环境专题协商', speeches: 7 },
    solvedItems: [{ title: '菜市场周边停车难' }],
  },
  verifyUrl: 'https://yishi.example/records/verify?p=m1&period=2026&exp=1956528000&f=abc&sig=xyz',
  issuedAt: '2026-12-04T09:00:00Z',
  timeZone: 'Asia/Shanghai',
  locale: 'zh-CN',
  ...over,
});

/** jsqr is CommonJS with its function as `exports.default`. */
const jsQR = createRequire(import.meta.url)('jsqr').default as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => QRCode | null;

/** The words of the SVG's text layer: each drawn text's group carries them. */
const svgTexts = (svg: string) =>
  [...svg.matchAll(/aria-label="([^"]*)"/g)].map((m) =>
    (m[1] ?? '').replace(
      /&(amp|lt|gt|quot|#39);/g,
      (_e, n: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[n] ?? '',
    ),
  );

describe('the member card', () => {
  it('is a 1080 × 1920 PNG', async () => {
    const png = await renderCardPng(card());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1080, 1920]);
  });

  it("draws the name, the period, the figures and the highlights as text in the SVG's text layer", () => {
    const texts = svgTexts(renderCardSvg(card()));
    expect(texts).toContain('欧阳明月');
    expect(texts).toContain('经济界·第十四届·市工商联');
    expect(texts).toContain('2026年度');
    expect(texts).toContain('热力榜第 3 名 / 128 人·热度 486.5');
    for (const [label, value] of [
      ['出席会议', '12'],
      ['发言', '23'],
      ['发言时长', '21'],
      ['评论', '87'],
      ['提出问题', '6'],
      ['问题解决', '4'],
    ]) {
      const at = texts.indexOf(label ?? '');
      expect(at, label).toBeGreaterThanOrEqual(0);
      expect(texts[at + 1], label).toBe(value);
    }
    expect(texts).toContain('分钟');
    expect(texts).toContain('2026年3月5日·《老旧小区加装电梯》');
    expect(texts).toContain('《优化营商环境专题协商》·发言 7 次');
    expect(texts).toContain('《菜市场周边停车难》');
    expect(texts.join('')).toContain('https://yishi.example/records/verify?p=m1');
  });

  it('carries a QR code that reads back as the verification link', () => {
    const verifyUrl =
      'https://yishi.example.gov.cn/records/verify?p=m-0001&period=term%3A%E7%AC%AC%E5%8D%81%E5%9B%9B%E5%B1%8A&exp=1956528000&f=abcdefghijkl&sig=Qk3xY7s2mV0tW9pLr8aZcE';
    const image = new Resvg(renderCardSvg(card({ verifyUrl })), { font: { loadSystemFonts: false } }).render();
    const found = jsQR(new Uint8ClampedArray(image.pixels), image.width, image.height);
    expect(found?.data).toBe(verifyUrl);
  });

  it('escapes what the names say instead of letting it into the markup', () => {
    const svg = renderCardSvg(card({ name: '<script>"&\u0007' }));
    expect(svg).not.toContain('<script>');
    expect(svgTexts(svg)).toContain('<script>"&');
  });

  it('keeps every text inside the card, however long the names and titles are', () => {
    const long = '关于进一步加强和改进新时代基层协商民主建设推动协商成果转化落实的若干意见'.repeat(3);
    const layout = layoutCard(
      card({
        name: '阿卜杜热合曼·买买提依明·艾合买提江·阿布都克力木·吐尔逊',
        unit: long,
        sector: 'A very long sector name that goes on and on in English words',
        highlights: {
          firstSpeech: { title: long, at: '2026-03-05T02:30:00Z' },
          topTopic: { title: long, speeches: 12345 },
          solvedItems: [{ title: long }, { title: long }, { title: long }],
        },
        figures: {
          invited: 99999,
          attended: 99999,
          speeches: 123456789,
          speakingSeconds: 9e7,
          comments: 1e9,
          itemsRaised: 0,
          itemsSolved: 0,
        },
      }),
      measureText,
    );
    const texts = layout.shapes.filter((s) => s.kind === 'text');
    expect(texts.length).toBeGreaterThan(20);
    for (const t of texts) {
      expect(t.x, t.text).toBeGreaterThanOrEqual(0);
      expect(t.x + measureText(t.text, t.size, t.weight), t.text).toBeLessThanOrEqual(CARD_WIDTH - 24);
      expect(t.y, t.text).toBeLessThanOrEqual(CARD_HEIGHT);
    }
    expect(texts.some((t) => t.text.endsWith('…'))).toBe(true);
    expect(texts.find((t) => t.text.endsWith('发言 12345 次'))).toBeDefined();
  });

  it('is in English when asked', () => {
    const texts = svgTexts(renderCardSvg(card({ locale: 'en', period: '2026-03', rank: null })));
    expect(texts).toContain('Mar 2026');
    expect(texts).toContain('Speeches');
    expect(texts.some((t) => t.startsWith('Heat board'))).toBe(false);
  });

  it('is a one-page PDF whose text layer says the same', async () => {
    const pdf = await renderCardPdf(card());
    expect(pdf.toString('latin1', 0, 5)).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 540 960\]/);
    const texts = pdfTexts(pdf);
    expect(texts).toContain('欧阳明月');
    expect(texts).toContain('热力榜第 3 名 / 128 人·热度 486.5');
    expect(texts.slice(texts.indexOf('评论'), texts.indexOf('评论') + 2)).toEqual(['评论', '87']);
    expect(texts).toContain('《菜市场周边停车难》');
  });
});

describe('wrapping', () => {
  const oneEach: Measure = (text) => [...text].length;

  it('breaks Chinese anywhere, keeps closing punctuation with its phrase, and ends what is cut with …', () => {
    expect(wrap('一二三四五六七', 1, 'regular', 3, 5, oneEach)).toEqual(['一二三', '四五六', '七']);
    expect(wrap('一二三，四五', 1, 'regular', 3, 5, oneEach)).toEqual(['一二三，', '四五']);
    expect(wrap('一二三·四五', 1, 'regular', 3, 5, oneEach)).toEqual(['一二三·', '四五']);
    expect(wrap('一二三四五六七', 1, 'regular', 3, 2, oneEach)).toEqual(['一二三', '四五…']);
  });

  it('breaks Latin text between words, a link anywhere', () => {
    expect(wrap('one two three', 1, 'regular', 9, 3, oneEach)).toEqual(['one two', 'three']);
    expect(wrap('https://a.b/c?d', 1, 'regular', 6, 3, oneEach, true)).toEqual(['https:', '//a.b/', 'c?d']);
  });
});
