import type { CardFigures, PersonRecord } from '@yishi/shared';
import type { CardData } from './types.js';

/** The figures a card prints, from a record. */
export const cardFigures = (r: PersonRecord): CardFigures => ({
  invited: r.invited,
  attended: r.attended,
  speeches: r.speeches,
  speakingSeconds: r.speakingSeconds,
  comments: r.comments,
  itemsRaised: r.itemsRaised,
  itemsSolved: r.itemsSolved,
});

/** A person's card over the record's period. */
export function cardData(
  record: PersonRecord,
  options: { verifyUrl: string; issuedAt: Date; timeZone: string; locale: CardData['locale'] },
): CardData {
  const { person, highlights } = record;
  return {
    name: person.name,
    sector: person.sector,
    term: person.term,
    unit: person.unit,
    period: record.period,
    figures: cardFigures(record),
    rank: record.rank === null ? null : { rank: record.rank, ranked: record.ranked, score: record.score },
    highlights: {
      firstSpeech: highlights.firstSpeech && { title: highlights.firstSpeech.title, at: highlights.firstSpeech.at },
      topTopic: highlights.topTopic && { title: highlights.topTopic.title, speeches: highlights.topTopic.speeches },
      solvedItems: highlights.solvedItems.map((i) => ({ title: i.title })),
    },
    verifyUrl: options.verifyUrl,
    issuedAt: options.issuedAt.toISOString(),
    timeZone: options.timeZone,
    locale: options.locale,
  };
}
