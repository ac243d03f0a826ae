import type { Attendance, Comment, Person, Poll, RoomState, Turn } from './types.js';

/** Reads of a room's state that the rules (decide), the fold (evolve) and the views share. */

export function findTurn(state: RoomState, turnId: string | null | undefined): Turn | undefined {
  return turnId ? state.turns.find((t) => t.id === turnId) : undefined;
}

export function findPoll(state: RoomState, pollId: string): Poll | undefined {
  return state.polls.find((p) => p.id === pollId);
}

export function findComment(state: RoomState, commentId: string): Comment | undefined {
  const index = state.commentIndex[commentId];
  return index === undefined ? undefined : state.comments[index];
}

/** Whether the person is in the room now: their last join has no leave yet. */
export function isPresent(attendance: Attendance | undefined): boolean {
  const last = attendance?.intervals.at(-1);
  return last !== undefined && last.leftAt === undefined;
}

/** How long the person has been in the room in all, counting a stay not yet over up to `now`. */
export function presentMs({ intervals }: Attendance, now: number): number {
  return intervals.reduce((ms, i) => ms + ((i.leftAt ?? now) - i.joinedAt), 0);
}

/** How many people a site last reported present; undefined before its first report. */
export function headcountOf(state: RoomState, siteId: string): number | undefined {
  return state.sites[siteId]?.headcounts.at(-1)?.count;
}

/** Every site (role `site`) that has joined, in order of arrival. */
export function sitesOf(state: RoomState): Person[] {
  return Object.values(state.attendance)
    .filter((a) => a.person.role === 'site')
    .map((a) => a.person);
}

/** The poll open now, if any (at most one is). */
export function openPoll(state: RoomState): Poll | undefined {
  return state.polls.find((p) => p.closedAt === undefined);
}
