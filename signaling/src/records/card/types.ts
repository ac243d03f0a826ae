import type { CardFigures } from '@yishi/shared';

/**
 * What a member's card (履职纪念卡) shows: one person's figures over one period, a few highlights
 * and the link that verifies them. Built from a PersonRecord (fromRecord.ts); the renderers need
 * nothing else.
 */
export interface CardData {
  name: string;
  sector: string | null;
  /** 届, e.g. 第十四届. */
  term: string | null;
  unit: string | null;
  /** The canonical period: `2026-03`, `2026` or `term:第十四届`. */
  period: string;
  figures: CardFigures;
  /** Their place on the period's board; null when not ranked. */
  rank: { rank: number; ranked: number; score: number } | null;
  highlights: {
    /** ISO 8601 time and the topic of their first speech in the period. */
    firstSpeech: { title: string; at: string } | null;
    topTopic: { title: string; speeches: number } | null;
    solvedItems: Array<{ title: string }>;
  };
  /** The signed link that shows the same figures (and its QR code). */
  verifyUrl: string;
  /** When the card is made, ISO 8601. */
  issuedAt: string;
  /** The zone the dates are shown in (the committee's). */
  timeZone: string;
  locale: 'zh-CN' | 'en';
}
