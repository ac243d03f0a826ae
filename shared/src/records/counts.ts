import { ENTRY_KINDS } from '../domain/types.js';
import { RATINGS } from '../ledger/types.js';
import type { RecordCounts } from './types.js';

/** A record of someone who did nothing. */
export function zeroCounts(): RecordCounts {
  return {
    invited: 0,
    attended: 0,
    presentMinutes: 0,
    speeches: 0,
    speakingSeconds: 0,
    speechesByKind: Object.fromEntries(
      ENTRY_KINDS.map((k) => [k, { count: 0, seconds: 0 }]),
    ) as RecordCounts['speechesByKind'],
    comments: 0,
    repliesReceived: 0,
    reactionsReceived: 0,
    promoted: 0,
    consensus: 0,
    actions: 0,
    itemsRaised: 0,
    itemsSolved: 0,
    ratings: Object.fromEntries(RATINGS.map((r) => [r, 0])) as RecordCounts['ratings'],
  };
}

/** Adds `b` into `a` (`sign` -1 takes it out): a period's figures are the sum of its sessions' and items'. */
export function addCounts(a: RecordCounts, b: RecordCounts, sign: 1 | -1 = 1): void {
  a.invited += sign * b.invited;
  a.attended += sign * b.attended;
  a.presentMinutes += sign * b.presentMinutes;
  a.speeches += sign * b.speeches;
  a.speakingSeconds += sign * b.speakingSeconds;
  for (const kind of ENTRY_KINDS) {
    a.speechesByKind[kind].count += sign * b.speechesByKind[kind].count;
    a.speechesByKind[kind].seconds += sign * b.speechesByKind[kind].seconds;
  }
  a.comments += sign * b.comments;
  a.repliesReceived += sign * b.repliesReceived;
  a.reactionsReceived += sign * b.reactionsReceived;
  a.promoted += sign * b.promoted;
  a.consensus += sign * b.consensus;
  a.actions += sign * b.actions;
  a.itemsRaised += sign * b.itemsRaised;
  a.itemsSolved += sign * b.itemsSolved;
  for (const rating of RATINGS) a.ratings[rating] += sign * b.ratings[rating];
}
