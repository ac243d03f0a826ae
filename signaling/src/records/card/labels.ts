import { zonedParts } from '@yishi/shared';
import type { CardData } from './types.js';

/** The card's words in its two languages; the figures' values are formatted here too. */
export interface CardLabels {
  caption: string;
  period(period: string): string;
  rank(rank: number, ranked: number, score: number): string;
  attended: string;
  speeches: string;
  speakingTime: string;
  comments: string;
  itemsRaised: string;
  itemsSolved: string;
  /** The unit after a count of sessions / speeches / comments / items. */
  sessionsUnit: string;
  speechesUnit: string;
  commentsUnit: string;
  itemsUnit: string;
  /** Speaking time as a number and its unit: minutes below an hour, else hours to one decimal. */
  duration(seconds: number): { value: string; unit: string };
  invitedOf(invited: number): string;
  highlights: string;
  firstSpeech: string;
  topTopic: string;
  solvedItems: string;
  topicSpeeches(count: number): string;
  moreItems(count: number): string;
  none: string;
  date(iso: string, timeZone: string): string;
  scan: string;
  issued(date: string): string;
  brand: string;
  separator: string;
}

const minutesOrHours = (seconds: number, minutes: string, hours: string) =>
  seconds < 3600
    ? { value: String(Math.round(seconds / 60)), unit: minutes }
    : { value: (Math.round(seconds / 360) / 10).toFixed(1), unit: hours };

const zh: CardLabels = {
  caption: '政协委员履职纪念卡',
  period: (p) =>
    p.startsWith('term:')
      ? `${p.slice(5)}任期`
      : p.length === 4
        ? `${p}年度`
        : `${p.slice(0, 4)}年${Number(p.slice(5))}月`,
  rank: (rank, ranked, score) => `热力榜第 ${rank} 名 / ${ranked} 人·热度 ${score}`,
  attended: '出席会议',
  speeches: '发言',
  speakingTime: '发言时长',
  comments: '评论',
  itemsRaised: '提出问题',
  itemsSolved: '问题解决',
  sessionsUnit: '场',
  speechesUnit: '次',
  commentsUnit: '条',
  itemsUnit: '项',
  duration: (s) => minutesOrHours(s, '分钟', '小时'),
  invitedOf: (n) => `受邀 ${n} 场`,
  highlights: '履职亮点',
  firstSpeech: '本期首次发言',
  topTopic: '发言最多的议题',
  solvedItems: '提出并已解决的问题',
  topicSpeeches: (n) => `发言 ${n} 次`,
  moreItems: (n) => `等 ${n} 项`,
  none: '暂无',
  date: (iso, tz) => {
    const d = zonedParts(Date.parse(iso), tz);
    return `${d.year}年${Number(d.month)}月${Number(d.day)}日`;
  },
  scan: '扫码核验本卡数据',
  issued: (date) => `生成于 ${date}`,
  brand: '议事 Yishi',
  // The font's middle dot is a full em wide: no spaces around it.
  separator: '·',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const en: CardLabels = {
  caption: "Member's record card",
  period: (p) =>
    p.startsWith('term:')
      ? `Term ${p.slice(5)}`
      : p.length === 4
        ? `Year ${p}`
        : `${MONTHS[Number(p.slice(5)) - 1]} ${p.slice(0, 4)}`,
  rank: (rank, ranked, score) => `Heat board #${rank} of ${ranked} · score ${score}`,
  attended: 'Sessions attended',
  speeches: 'Speeches',
  speakingTime: 'Speaking time',
  comments: 'Comments',
  itemsRaised: 'Items raised',
  itemsSolved: 'Items solved',
  sessionsUnit: '',
  speechesUnit: '',
  commentsUnit: '',
  itemsUnit: '',
  duration: (s) => minutesOrHours(s, 'min', 'h'),
  invitedOf: (n) => `of ${n} invited`,
  highlights: 'Highlights',
  firstSpeech: 'First speech of the period',
  topTopic: 'Topic spoken on most',
  solvedItems: 'Items raised and solved',
  topicSpeeches: (n) => `${n} speech${n === 1 ? '' : 'es'}`,
  moreItems: (n) => `and ${n} more`,
  none: 'None yet',
  date: (iso, tz) => {
    const d = zonedParts(Date.parse(iso), tz);
    return `${Number(d.day)} ${MONTHS[Number(d.month) - 1]} ${d.year}`;
  },
  scan: 'Scan to verify these figures',
  issued: (date) => `Made on ${date}`,
  brand: '议事 Yishi',
  separator: ' · ',
};

export const cardLabels = (locale: CardData['locale']): CardLabels => (locale === 'en' ? en : zh);
