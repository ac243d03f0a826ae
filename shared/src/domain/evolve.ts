import type { DomainEvent } from './events.js';
import { findComment, findPoll, findTurn, isPresent } from './queries.js';
import { recordActivity } from './quotas.js';
import type { Decision, RoomState, SessionStatus } from './types.js';

/**
 * Applies one event to `state` in place. Events are facts: nothing here can refuse one. It is
 * called through `applyEvents` (reducer.ts), which hands it a copy of the event, since objects of
 * the event (a turn, a comment) stay in the state and change there later.
 */
export function evolve(state: RoomState, event: DomainEvent): void {
  recordActivity(state, event, event.at);
  switch (event.type) {
    case 'topic.created': {
      const { id, agenda, timeZone, place, settings, ...fields } = event.data;
      state.topic = { id, ...fields, status: 'draft', createdAt: event.at, updatedAt: event.at };
      state.agenda = agenda;
      state.session = { ...state.session, id, timeZone, place };
      state.settings = settings;
      return;
    }
    case 'topic.updated': {
      const { agenda, ...fields } = event.data;
      if (state.topic) state.topic = { ...state.topic, ...fields, updatedAt: event.at };
      if (agenda) state.agenda = agenda;
      return;
    }
    case 'topic.archived':
      if (state.topic) state.topic.status = 'archived';
      return;
    case 'session.scheduled':
      state.session.scheduledAt = event.data.scheduledAt;
      if (state.topic) state.topic.status = 'scheduled';
      return;
    case 'session.opened':
      sessionNow(state, event, 'open', 'session_opened');
      state.session.openedAt = event.at;
      if (state.topic) state.topic.status = 'in_session';
      return;
    case 'session.started':
      sessionNow(state, event, 'in_progress', 'session_started');
      state.session.startedAt ??= event.at;
      return;
    case 'session.adjourned':
      sessionNow(state, event, 'adjourned', 'session_adjourned');
      return;
    case 'session.resumed':
      sessionNow(state, event, 'in_progress', 'session_resumed');
      return;
    case 'session.closed':
      sessionNow(state, event, 'closed', 'session_closed');
      state.session.closedAt = event.at;
      if (state.topic) state.topic.status = 'concluded';
      return;
    case 'settings.changed':
      if (event.data.settings.mode && event.data.settings.mode !== state.settings.mode) {
        decision(state, event, 'mode_changed', event.data.settings.mode);
      }
      state.settings = {
        ...state.settings,
        ...event.data.settings,
        turnSeconds: { ...state.settings.turnSeconds, ...event.data.settings.turnSeconds },
      };
      return;
    case 'agenda.opened':
      for (const item of state.agenda) {
        if (item.id === event.data.itemId) item.status = 'current';
        else if (item.status === 'current') item.status = 'done';
      }
      decision(state, event, 'agenda_opened', state.agenda.find((i) => i.id === event.data.itemId)?.title ?? '');
      return;
    case 'participant.joined': {
      const { person } = event.data;
      const record = state.attendance[person.id] ?? { person, intervals: [] };
      record.person = person;
      state.attendance[person.id] = record;
      if (isPresent(record)) return;
      const last = record.intervals.at(-1);
      if (event.data.resumed && last) delete last.leftAt;
      else record.intervals.push({ joinedAt: event.at });
      return;
    }
    case 'participant.removed': {
      const { personId, name, by, reason } = event.data;
      state.removed[personId] = { at: event.at, by, reason };
      decision(state, event, 'participant_removed', reason ? `${name}：${reason}` : name);
      return;
    }
    case 'participant.left': {
      const last = state.attendance[event.data.personId]?.intervals.at(-1);
      if (last && last.leftAt === undefined) last.leftAt = event.at;
      return;
    }
    case 'invitation.issued':
      state.invitations.push({ ...event.data, at: event.at });
      return;
    case 'queue.entryAdded':
      state.queue.splice(event.data.index, 0, event.data.entry);
      return;
    case 'queue.entryWithdrawn':
    case 'queue.entryRemoved':
      state.queue = state.queue.filter((e) => e.id !== event.data.entryId);
      return;
    case 'queue.entryMoved': {
      const from = state.queue.findIndex((e) => e.id === event.data.entryId);
      if (from === -1) return;
      const [entry] = state.queue.splice(from, 1);
      if (entry) state.queue.splice(event.data.toIndex, 0, entry);
      return;
    }
    case 'queue.closed':
      state.listClosed = true;
      state.pointsOfOrderBlocked = event.data.pointsOfOrderBlocked;
      decision(state, event, 'list_closed', event.data.pointsOfOrderBlocked ? 'points_of_order_blocked' : '');
      return;
    case 'queue.opened':
      state.listClosed = false;
      state.pointsOfOrderBlocked = false;
      decision(state, event, 'list_opened', '');
      return;
    case 'queue.cleared':
      state.queue = [];
      return;
    case 'turn.started': {
      const { turn } = event.data;
      state.turns.push(turn);
      state.currentTurnId = turn.id;
      if (turn.entryId) state.queue = state.queue.filter((e) => e.id !== turn.entryId);
      return;
    }
    case 'turn.paused': {
      const turn = findTurn(state, event.data.turnId);
      if (!turn) return;
      turn.pauses.push({ at: event.at, reason: event.data.reason });
      if (event.data.reason === 'interposed') {
        state.interruptedTurnIds.push(turn.id);
        if (state.currentTurnId === turn.id) state.currentTurnId = null;
      }
      return;
    }
    case 'turn.resumed': {
      const turn = findTurn(state, event.data.turnId);
      const pause = turn?.pauses.at(-1);
      if (!turn || !pause || pause.until !== undefined) return;
      pause.until = event.at;
      if (pause.reason === 'interposed') {
        state.interruptedTurnIds = state.interruptedTurnIds.filter((id) => id !== turn.id);
        state.currentTurnId = turn.id;
      }
      return;
    }
    case 'turn.extended': {
      const turn = findTurn(state, event.data.turnId);
      if (!turn) return;
      turn.allowedMs += event.data.addMs;
      turn.warnedAt = undefined;
      return;
    }
    case 'turn.warned': {
      const turn = findTurn(state, event.data.turnId);
      if (turn) turn.warnedAt = event.at;
      return;
    }
    case 'turn.ended': {
      const turn = findTurn(state, event.data.turnId);
      if (!turn) return;
      const pause = turn.pauses.at(-1);
      if (pause && pause.until === undefined) pause.until = event.at;
      turn.endedAt = event.at;
      turn.endReason = event.data.reason;
      if (state.currentTurnId === turn.id) state.currentTurnId = null;
      state.interruptedTurnIds = state.interruptedTurnIds.filter((id) => id !== turn.id);
      return;
    }
    case 'comment.posted':
      state.commentIndex[event.data.comment.id] = state.comments.length;
      state.comments.push(event.data.comment);
      return;
    case 'comment.reacted': {
      const comment = findComment(state, event.data.commentId);
      if (!comment) return;
      const who = (comment.reactions[event.data.reaction] ?? []).filter((id) => id !== event.data.personId);
      if (event.data.on) who.push(event.data.personId);
      comment.reactions[event.data.reaction] = who;
      return;
    }
    case 'comment.hidden': {
      const comment = findComment(state, event.data.commentId);
      if (comment)
        comment.hidden = { by: event.data.by, byName: event.data.byName, reason: event.data.reason, at: event.at };
      return;
    }
    case 'minutes.summarySet':
      state.minutes.summaries[event.data.turnId] = { text: event.data.text, updatedAt: event.at, by: event.data.by };
      return;
    case 'minutes.notesSet':
      state.minutes.notes = event.data.text;
      return;
    case 'minutes.consensusAdded':
      state.minutes.consensus.push({ id: event.data.id, text: event.data.text });
      return;
    case 'minutes.consensusUpdated':
      state.minutes.consensus = state.minutes.consensus.map((c) =>
        c.id === event.data.id ? { ...c, text: event.data.text } : c,
      );
      return;
    case 'minutes.consensusRemoved':
      state.minutes.consensus = state.minutes.consensus.filter((c) => c.id !== event.data.id);
      return;
    case 'minutes.actionAdded':
      state.minutes.actions.push(event.data.action);
      return;
    case 'minutes.actionUpdated':
      state.minutes.actions = state.minutes.actions.map((a) => (a.id === event.data.action.id ? event.data.action : a));
      return;
    case 'minutes.actionRemoved':
      state.minutes.actions = state.minutes.actions.filter((a) => a.id !== event.data.id);
      return;
    case 'minutes.commentPromoted':
      state.minutes.promotedCommentIds.push(event.data.commentId);
      return;
    case 'minutes.submitted':
      state.minutes.status = 'under_review';
      return;
    case 'minutes.finalized':
      state.minutes.finalized.push(event.data);
      state.minutes.status = 'finalized';
      return;
    case 'minutes.reopened':
      // From review: the same draft again. From finalized: a correction, which gets a new version.
      if (state.minutes.status === 'finalized') state.minutes.version += 1;
      state.minutes.status = 'draft';
      return;
    case 'site.headcountReported': {
      const site = state.sites[event.data.siteId] ?? { headcounts: [] };
      site.headcounts.push({ at: event.at, count: event.data.count });
      state.sites[event.data.siteId] = site;
      return;
    }
    case 'turn.speakerNamed': {
      const turn = findTurn(state, event.data.turnId);
      if (turn) turn.namedSpeaker = event.data.name;
      return;
    }
    case 'poll.opened':
      state.polls.push({ ...event.data.poll, openedAt: event.at, answers: {}, siteCounts: {} });
      return;
    case 'poll.answered': {
      const { pollId, personId, name, sector, option } = event.data;
      const poll = findPoll(state, pollId);
      if (poll) poll.answers[personId] = { option, name, ...(sector ? { sector } : {}) };
      return;
    }
    case 'poll.siteCounted': {
      const poll = findPoll(state, event.data.pollId);
      if (poll) poll.siteCounts[event.data.siteId] = { counts: event.data.counts, at: event.at };
      return;
    }
    case 'poll.closed': {
      const poll = findPoll(state, event.data.pollId);
      if (poll) poll.closedAt = event.at;
      return;
    }
  }
}

function decision(
  state: RoomState,
  event: DomainEvent & { data: { by?: string } },
  kind: Decision['kind'],
  detail: string,
): void {
  state.decisions.push({ at: event.at, by: event.data.by ?? '', kind, detail });
}

/** The session moves to `status`, which the minutes record as a decision of whoever moved it. */
function sessionNow(
  state: RoomState,
  event: DomainEvent & { data: { by: string } },
  status: SessionStatus,
  kind: Decision['kind'],
): void {
  state.session.status = status;
  decision(state, event, kind, '');
}
