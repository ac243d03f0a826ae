import type { HeatFormula } from '../protocol/records.js';
import type { HeatTerm, HeatWeights, RecordCounts } from './types.js';

/** The weights unless configured (RECORDS_WEIGHTS): showing up and speaking count most. */
export const DEFAULT_HEAT_WEIGHTS: HeatWeights = {
  attended: 10,
  speeches: 5,
  speakingMinutes: 1,
  comments: 2,
  repliesReceived: 1,
  reactionsReceived: 0.5,
  promoted: 5,
  consensus: 3,
  actions: 3,
  itemsRaised: 5,
  itemsSolved: 5,
};

const LABELS: Record<HeatTerm, { zh: string; en: string }> = {
  attended: { zh: '出席场次', en: 'sessions attended' },
  speeches: { zh: '发言次数', en: 'speeches' },
  speakingMinutes: { zh: '发言分钟', en: 'minutes spoken' },
  comments: { zh: '评论条数', en: 'comments' },
  repliesReceived: { zh: '获得回复', en: 'replies received' },
  reactionsReceived: { zh: '获得回应', en: 'reactions received' },
  promoted: { zh: '评论入纪要', en: 'comments in the minutes' },
  consensus: { zh: '形成共识', en: 'consensus points' },
  actions: { zh: '承办事项', en: 'action items' },
  itemsRaised: { zh: '提出台账事项', en: 'ledger items raised' },
  itemsSolved: { zh: '事项办结', en: 'ledger items solved' },
};

/** Each weighed figure of a record. */
function heatFigures(c: RecordCounts): Record<HeatTerm, number> {
  return {
    attended: c.attended,
    speeches: c.speeches,
    speakingMinutes: c.speakingSeconds / 60,
    comments: c.comments,
    repliesReceived: c.repliesReceived,
    reactionsReceived: c.reactionsReceived,
    promoted: c.promoted,
    consensus: c.consensus,
    actions: c.actions,
    itemsRaised: c.itemsRaised,
    itemsSolved: c.itemsSolved,
  };
}

/** score = Σ weight × figure, rounded to one decimal. */
export function heatScore(c: RecordCounts, weights: HeatWeights): number {
  const figures = heatFigures(c);
  let score = 0;
  for (const key of Object.keys(weights) as HeatTerm[]) score += weights[key] * figures[key];
  return Math.round(score * 10) / 10;
}

/** The formula as shown beside the board (terms of weight 0 left out of the expression). */
export function heatFormula(weights: HeatWeights): HeatFormula {
  const terms = (Object.keys(LABELS) as HeatTerm[]).map((key) => ({ key, weight: weights[key], ...LABELS[key] }));
  const shown = terms.filter((t) => t.weight !== 0);
  return {
    expression: `score = ${shown.length ? shown.map((t) => `${t.weight} × ${t.en}`).join(' + ') : '0'}`,
    terms,
  };
}
