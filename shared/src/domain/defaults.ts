import type { FloorSettings, RoomState } from './types.js';

export const DEFAULT_SETTINGS: FloorSettings = {
  mode: 'moderated',
  turnSeconds: { point_of_order: 60, reply: 60, contribution: 180 },
  graceSeconds: 15,
  autoEnd: true,
  fairness: false,
  observersMayComment: false,
};

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** The state of a room whose log is empty. */
export function emptyState(id: string): RoomState {
  return {
    topic: null,
    session: { id, status: 'scheduled', place: 'remote', timeZone: DEFAULT_TIME_ZONE },
    agenda: [],
    settings: structuredClone(DEFAULT_SETTINGS),
    listClosed: false,
    pointsOfOrderBlocked: false,
    queue: [],
    turns: [],
    currentTurnId: null,
    interruptedTurnIds: [],
    attendance: {},
    removed: {},
    invitations: [],
    activity: {},
    comments: [],
    commentIndex: {},
    decisions: [],
    minutes: {
      status: 'draft',
      version: 1,
      summaries: {},
      notes: '',
      consensus: [],
      actions: [],
      promotedCommentIds: [],
      finalized: [],
    },
    sites: {},
    polls: [],
  };
}
