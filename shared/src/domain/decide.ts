import { Conflict, Forbidden, InvalidRequest, NotFound } from '../errors.js';
import { POLLS_MAX, SITE_HEADCOUNT_MAX } from '../roles.js';
import { isPaused, turnDeadline } from './clock.js';
import type { AgendaInput, Command, Context } from './commands.js';
import { DEFAULT_SETTINGS, DEFAULT_TIME_ZONE } from './defaults.js';
import type { DomainEvent, DomainEventBody } from './events.js';
import { mayIssue } from './permissions.js';
import { findComment, findPoll, findTurn, headcountOf, isPresent, openPoll } from './queries.js';
import { insertionIndex } from './queueOrder.js';
import { checkQuotas } from './quotas.js';
import {
  type Actor,
  type AgendaItem,
  DEFAULT_POLL_OPTIONS,
  type EntryKind,
  type FloorSettings,
  type Person,
  type Poll,
  type QueueEntry,
  type RoomState,
  type SessionStatus,
  type SettingsPatch,
  type Turn,
} from './types.js';

/** Statuses in which people are in the room: queue and comments are live. */
const LIVE: readonly SessionStatus[] = ['open', 'in_progress', 'adjourned'];

type Events = DomainEventBody[];
type Handler<T extends Command['type']> = (
  state: RoomState,
  command: Extract<Command, { type: T }>,
  actor: Actor,
  ctx: Context,
) => Events;

/**
 * The rules of docs/domain.md: given a room's state, who asks and what, the events that follow (each
 * at `ctx.now`) — or a typed error (NOT_ALLOWED, CONFLICT, NOT_FOUND, INVALID_REQUEST,
 * RATE_LIMITED) and no events. Pure: reads `state`, never changes it.
 */
export function decide(state: RoomState, command: Command, actor: Actor, ctx: Context): DomainEvent[] {
  if (!mayIssue(actor.role, command.type)) {
    throw new Forbidden(`a ${actor.role} may not ${command.type.replace('.', ' ')}`);
  }
  if (command.type !== 'topic.create' && !state.topic) throw new NotFound(`no topic ${state.session.id}`);
  // A removal is final: whatever a removed person's still valid token or open connection asks.
  if (state.removed[actor.id]) throw new Forbidden('you have been removed from this consultation');
  const handler = HANDLERS[command.type] as Handler<Command['type']>;
  const events = handler(state, command, actor, ctx);
  checkQuotas(state, events, ctx.now);
  return events.map((event) => ({ ...event, at: ctx.now }));
}

const HANDLERS: { [T in Command['type']]: Handler<T> } = {
  'topic.create': (state, c, _actor, ctx) => {
    if (state.topic) throw new Conflict(`topic ${state.session.id} already exists`);
    return [
      {
        type: 'topic.created',
        data: {
          id: c.id,
          ...c.fields,
          agenda: agendaItems(c.agenda, [], ctx),
          timeZone: c.timeZone ?? DEFAULT_TIME_ZONE,
          place: 'remote',
          settings: mergeSettings(DEFAULT_SETTINGS, c.settings),
        },
      },
    ];
  },

  'topic.update': (state, c, _actor, ctx) => {
    requireStatus(state, ['scheduled', 'open'], 'edit the topic');
    if (c.agenda && state.agenda.some((i) => i.status !== 'pending')) {
      throw new Conflict('the agenda cannot change once an item has been opened');
    }
    return [
      {
        type: 'topic.updated',
        data: { ...c.fields, ...(c.agenda ? { agenda: agendaItems(c.agenda, state.agenda, ctx) } : {}) },
      },
    ];
  },

  'topic.archive': (state) => {
    if (state.session.status !== 'closed') throw new Conflict('only a concluded topic can be archived');
    if (state.topic?.status === 'archived') throw new Conflict('already archived');
    return [{ type: 'topic.archived', data: {} }];
  },

  'session.schedule': (state, c) => {
    requireStatus(state, ['scheduled'], 'schedule the session');
    return [{ type: 'session.scheduled', data: { scheduledAt: c.scheduledAt } }];
  },

  'session.open': (state, _c, actor) => {
    requireStatus(state, ['scheduled'], 'open the session');
    return [{ type: 'session.opened', data: { by: actor.id } }];
  },

  'session.start': (state, _c, actor) => {
    requireStatus(state, ['open'], 'start the session');
    return [{ type: 'session.started', data: { by: actor.id } }];
  },

  'session.adjourn': (state, _c, actor) => {
    requireStatus(state, ['in_progress'], 'adjourn the session');
    return [...endAllTurns(state, 'adjourned'), { type: 'session.adjourned', data: { by: actor.id } }];
  },

  'session.resume': (state, _c, actor) => {
    requireStatus(state, ['adjourned'], 'resume the session');
    return [{ type: 'session.resumed', data: { by: actor.id } }];
  },

  'session.close': (state, _c, actor) => {
    if (state.session.status === 'closed') throw new Conflict('the session is already closed');
    return [
      ...endAllTurns(state, 'closed'),
      // A poll still open when the session closes is closed with it: its counts stand as they are.
      ...state.polls
        .filter((p) => p.closedAt === undefined)
        .map((p) => ({ type: 'poll.closed', data: { pollId: p.id, by: actor.id } }) as const),
      { type: 'session.closed', data: { by: actor.id } },
    ];
  },

  'settings.update': (state, c, actor) => {
    requireStatus(state, [...LIVE, 'scheduled'], 'change the settings');
    return [{ type: 'settings.changed', data: { by: actor.id, settings: c.settings } }];
  },

  'agenda.open': (state, c, actor) => {
    requireStatus(state, ['open', 'in_progress'], 'open an agenda item');
    const item = state.agenda.find((i) => i.id === c.itemId);
    if (!item) throw new NotFound(`agenda item ${c.itemId} not found`);
    if (item.status === 'current') throw new Conflict('this agenda item is already open');
    return [
      ...startIfOpen(state, actor),
      ...endAllTurns(state, 'agenda'),
      ...(state.queue.length ? [{ type: 'queue.cleared', data: { by: actor.id } } as const] : []),
      { type: 'agenda.opened', data: { by: actor.id, itemId: item.id } },
    ];
  },

  'participant.join': (state, c, _actor, ctx) => {
    if (state.removed[c.person.id]) throw new Forbidden('you have been removed from this consultation');
    requireStatus(state, LIVE, 'join');
    const record = state.attendance[c.person.id];
    // Already present (a newer connection replacing an older one): nothing new unless they changed.
    if (isPresent(record) && samePerson(record?.person, c.person)) return [];
    const leftAt = record?.intervals.at(-1)?.leftAt;
    const resumed = leftAt !== undefined && ctx.now - leftAt <= c.resumeWithinMs;
    return [{ type: 'participant.joined', data: { person: c.person, ...(resumed ? { resumed } : {}) } }];
  },

  'participant.leave': (state, c) => {
    if (!isPresent(state.attendance[c.personId])) return [];
    return [{ type: 'participant.left', data: { personId: c.personId } }];
  },

  'participant.remove': (state, c, actor) => {
    if (!state.topic) throw new NotFound('there is no such consultation');
    if (c.personId === actor.id) throw new Forbidden('you cannot remove yourself');
    if (state.removed[c.personId]) return [];
    const name = state.attendance[c.personId]?.person.name ?? c.personId;
    const holdsFloor = findTurn(state, state.currentTurnId)?.speaker.id === c.personId;
    const present = isPresent(state.attendance[c.personId]);
    return [
      { type: 'participant.removed', data: { personId: c.personId, name, by: actor.id, reason: c.reason.trim() } },
      ...(holdsFloor ? endCurrentTurn(state, 'chair') : []),
      ...state.queue
        .filter((e) => e.speaker.id === c.personId)
        .map((e) => ({ type: 'queue.entryRemoved', data: { entryId: e.id, by: actor.id } }) as const),
      ...(present ? [{ type: 'participant.left', data: { personId: c.personId } } as const] : []),
    ];
  },

  'invitation.issue': (state, c, actor) => {
    if (state.topic?.status === 'archived') throw new Conflict('the topic is archived: nobody can be invited');
    if (state.removed[c.invitee.id]) throw new Conflict(`${c.invitee.id} was removed: they cannot be invited again`);
    const role = actor.role === 'organiser' ? 'organiser' : 'chair';
    return [
      {
        type: 'invitation.issued',
        data: { invitee: c.invitee, issuer: { id: actor.id, name: actor.name, role }, expiresAt: c.expiresAt },
      },
    ];
  },

  'queue.request': (state, c, actor, ctx) => {
    requireStatus(state, LIVE, 'request the floor');
    // A closed list: only the chair adds (also themselves); points of order still come unless blocked.
    if (state.listClosed && actor.role !== 'chair' && (c.kind !== 'point_of_order' || state.pointsOfOrderBlocked)) {
      throw new Conflict(
        c.kind === 'point_of_order' ? 'points of order are blocked' : 'the list of speakers is closed',
      );
    }
    return [addEntry(state, personOf(state, actor.id, actor), c.kind, actor, ctx)];
  },

  'queue.withdraw': (state, c, actor) => {
    requireStatus(state, LIVE, 'withdraw');
    const entry = findEntry(state, c.entryId);
    if (entry.speaker.id !== actor.id) throw new Forbidden('you can only withdraw your own request');
    return [{ type: 'queue.entryWithdrawn', data: { entryId: entry.id } }];
  },

  'queue.add': (state, c, actor, ctx) => {
    requireStatus(state, LIVE, 'add a speaker');
    const record = state.attendance[c.speakerId];
    if (!record) throw new NotFound(`participant ${c.speakerId} has not joined this session`);
    if (record.person.role === 'observer') throw new Conflict('an observer cannot be given the floor');
    return [addEntry(state, record.person, c.kind, actor, ctx)];
  },

  'queue.move': (state, c, actor) => {
    requireStatus(state, LIVE, 'reorder the list');
    findEntry(state, c.entryId);
    if (c.toIndex < 0 || c.toIndex >= state.queue.length) {
      throw new InvalidRequest(`position must be between 0 and ${state.queue.length - 1}`);
    }
    return [{ type: 'queue.entryMoved', data: { entryId: c.entryId, toIndex: c.toIndex, by: actor.id } }];
  },

  'queue.remove': (state, c, actor) => {
    requireStatus(state, LIVE, 'remove a request');
    findEntry(state, c.entryId);
    return [{ type: 'queue.entryRemoved', data: { entryId: c.entryId, by: actor.id } }];
  },

  'queue.setClosed': (state, c, actor) => {
    requireStatus(state, LIVE, 'close or open the list');
    const blocked = c.pointsOfOrderBlocked ?? false;
    if (!c.closed) {
      if (!state.listClosed) throw new Conflict('the list is already open');
      return [{ type: 'queue.opened', data: { by: actor.id } }];
    }
    if (state.listClosed && state.pointsOfOrderBlocked === blocked) throw new Conflict('the list is already closed');
    return [{ type: 'queue.closed', data: { by: actor.id, pointsOfOrderBlocked: blocked } }];
  },

  'queue.clear': (state, _c, actor) => {
    requireStatus(state, LIVE, 'clear the list');
    if (state.queue.length === 0) throw new Conflict('the list is already empty');
    return [{ type: 'queue.cleared', data: { by: actor.id } }];
  },

  'floor.grant': (state, c, actor, ctx) => {
    requireStatus(state, ['open', 'in_progress'], 'give the floor');
    const entry = c.entryId ? findEntry(state, c.entryId) : state.queue[0];
    if (!entry) throw new Conflict('nobody is waiting to speak');
    const current = findTurn(state, state.currentTurnId);
    const events: Events = [...startIfOpen(state, actor)];
    // An interposed question pauses the current turn; anything else ends it (and any it interrupted).
    if (entry.kind === 'reply' && current) {
      // A chair's pause gives way to the interposed one: pauses never overlap, so times add up.
      if (isPaused(current)) events.push({ type: 'turn.resumed', data: { turnId: current.id } });
      events.push({ type: 'turn.paused', data: { turnId: current.id, reason: 'interposed' } });
    } else {
      events.push(...endAllTurns(state, 'superseded'));
    }
    events.push({ type: 'turn.started', data: { turn: newTurn(state, entry, ctx) } });
    return events;
  },

  'floor.end': (state) => endCurrentTurn(state, 'chair'),

  'floor.yield': (state, _c, actor) => {
    const current = findTurn(state, state.currentTurnId);
    if (!current || current.speaker.id !== actor.id) throw new Conflict('you do not hold the floor');
    return endCurrentTurn(state, 'yielded');
  },

  'floor.pause': (state) => {
    const current = requireCurrentTurn(state);
    if (isPaused(current)) throw new Conflict('the turn is already paused');
    return [{ type: 'turn.paused', data: { turnId: current.id, reason: 'chair' } }];
  },

  'floor.resume': (state) => {
    const current = requireCurrentTurn(state);
    if (!isPaused(current)) throw new Conflict('the turn is not paused');
    return [{ type: 'turn.resumed', data: { turnId: current.id } }];
  },

  'floor.extend': (state, c, actor) => {
    const current = requireCurrentTurn(state);
    return [{ type: 'turn.extended', data: { turnId: current.id, addMs: c.seconds * 1000, by: actor.id } }];
  },

  'clock.tick': (state, _c, _actor, ctx) => {
    const current = findTurn(state, state.currentTurnId);
    if (!current) return [];
    const events: Events = [];
    const deadline = turnDeadline(current, state.settings);
    if (deadline?.action === 'warn' && ctx.now >= deadline.at) {
      events.push({ type: 'turn.warned', data: { turnId: current.id } });
      // Time may already be past the end as well (e.g. the server was down).
      const end = deadline.at + state.settings.graceSeconds * 1000;
      if (state.settings.autoEnd && ctx.now >= end) events.push(...endCurrentTurn(state, 'expired'));
    } else if (deadline?.action === 'end' && ctx.now >= deadline.at) {
      events.push(...endCurrentTurn(state, 'expired'));
    }
    return events;
  },

  'comment.post': (state, c, actor, ctx) => {
    requireStatus(state, LIVE, 'comment');
    if (actor.role === 'observer' && !state.settings.observersMayComment) {
      throw new Forbidden('observers may not comment in this session');
    }
    // A retry of a post that was stored but whose ack was lost: already done, nothing new.
    const stored = c.id === undefined ? undefined : findComment(state, c.id);
    if (stored) {
      if (stored.author.id !== actor.id) throw new Conflict(`comment id ${c.id} is already taken`);
      return [];
    }
    const text = c.text.trim();
    if (!text) throw new InvalidRequest('a comment cannot be empty');
    let replyTo: string | undefined;
    if (c.replyTo) {
      const parent = findComment(state, c.replyTo);
      if (!parent) throw new NotFound(`comment ${c.replyTo} not found`);
      // Threads stay shallow: a reply to a reply joins the thread of its root.
      replyTo = parent.replyTo ?? parent.id;
    }
    return [
      {
        type: 'comment.posted',
        data: {
          comment: {
            id: c.id ?? ctx.newId(),
            agendaItemId: currentAgendaItemId(state),
            author: personOf(state, actor.id, actor),
            text,
            ...(replyTo ? { replyTo } : {}),
            ...(c.stance ? { stance: c.stance } : {}),
            reactions: {},
            createdAt: ctx.now,
          },
        },
      },
    ];
  },

  'comment.react': (state, c, actor) => {
    requireStatus(state, LIVE, 'react');
    if (actor.role === 'observer' && !state.settings.observersMayComment) {
      throw new Forbidden('observers may not react in this session');
    }
    const comment = findComment(state, c.commentId);
    if (!comment) throw new NotFound(`comment ${c.commentId} not found`);
    const has = (comment.reactions[c.reaction] ?? []).includes(actor.id);
    if (has === c.on) return [];
    return [
      { type: 'comment.reacted', data: { commentId: comment.id, personId: actor.id, reaction: c.reaction, on: c.on } },
    ];
  },

  'comment.hide': (state, c, actor) => {
    requireStatus(state, LIVE, 'hide a comment');
    const comment = findComment(state, c.commentId);
    if (!comment) throw new NotFound(`comment ${c.commentId} not found`);
    if (comment.hidden) throw new Conflict('the comment is already hidden');
    const reason = c.reason.trim();
    if (!reason) throw new InvalidRequest('say why the comment is hidden');
    return [{ type: 'comment.hidden', data: { commentId: comment.id, by: actor.id, byName: actor.name, reason } }];
  },

  'minutes.setSummary': (state, c, actor) => {
    requireDraft(state);
    if (!findTurn(state, c.turnId)) throw new NotFound(`turn ${c.turnId} not found`);
    if (state.minutes.summaries[c.turnId]?.text === c.text) return [];
    return [{ type: 'minutes.summarySet', data: { turnId: c.turnId, text: c.text, by: actor.id } }];
  },

  'minutes.setNotes': (state, c, actor) => {
    requireDraft(state);
    if (state.minutes.notes === c.text) return [];
    return [{ type: 'minutes.notesSet', data: { text: c.text, by: actor.id } }];
  },

  'minutes.addConsensus': (state, c, _actor, ctx) => {
    requireDraft(state);
    if (c.id !== undefined && state.minutes.consensus.some((p) => p.id === c.id)) return []; // a retry
    const id = c.id ?? ctx.newId();
    return [{ type: 'minutes.consensusAdded', data: { id, text: nonEmpty(c.text, 'consensus point') } }];
  },

  'minutes.updateConsensus': (state, c) => {
    requireDraft(state);
    if (!state.minutes.consensus.some((p) => p.id === c.id)) throw new NotFound(`consensus point ${c.id} not found`);
    return [{ type: 'minutes.consensusUpdated', data: { id: c.id, text: nonEmpty(c.text, 'consensus point') } }];
  },

  'minutes.removeConsensus': (state, c) => {
    requireDraft(state);
    if (!state.minutes.consensus.some((p) => p.id === c.id)) throw new NotFound(`consensus point ${c.id} not found`);
    return [{ type: 'minutes.consensusRemoved', data: { id: c.id } }];
  },

  'minutes.addAction': (state, c, _actor, ctx) => {
    requireDraft(state);
    if (c.id !== undefined && state.minutes.actions.some((a) => a.id === c.id)) return []; // a retry
    return [
      {
        type: 'minutes.actionAdded',
        data: {
          action: {
            id: c.id ?? ctx.newId(),
            title: nonEmpty(c.title, 'action item'),
            ownerUnit: nonEmpty(c.ownerUnit, 'owner unit'),
            ...(c.dueDate ? { dueDate: c.dueDate } : {}),
            status: c.status ?? 'open',
            ...(c.agendaItemId ? { agendaItemId: agendaItemOf(state, c.agendaItemId) } : {}),
          },
        },
      },
    ];
  },

  'minutes.updateAction': (state, c) => {
    requireDraft(state);
    const action = state.minutes.actions.find((a) => a.id === c.id);
    if (!action) throw new NotFound(`action item ${c.id} not found`);
    const { dueDate, agendaItemId, ...rest } = action;
    const due = c.dueDate === null ? undefined : (c.dueDate ?? dueDate);
    const item =
      c.agendaItemId === null ? undefined : c.agendaItemId ? agendaItemOf(state, c.agendaItemId) : agendaItemId;
    return [
      {
        type: 'minutes.actionUpdated',
        data: {
          action: {
            ...rest,
            ...(c.title !== undefined ? { title: nonEmpty(c.title, 'action item') } : {}),
            ...(c.ownerUnit !== undefined ? { ownerUnit: nonEmpty(c.ownerUnit, 'owner unit') } : {}),
            ...(c.status ? { status: c.status } : {}),
            ...(due ? { dueDate: due } : {}),
            ...(item ? { agendaItemId: item } : {}),
          },
        },
      },
    ];
  },

  'minutes.removeAction': (state, c) => {
    requireDraft(state);
    if (!state.minutes.actions.some((a) => a.id === c.id)) throw new NotFound(`action item ${c.id} not found`);
    return [{ type: 'minutes.actionRemoved', data: { id: c.id } }];
  },

  'minutes.promoteComment': (state, c) => {
    requireDraft(state);
    const comment = findComment(state, c.commentId);
    if (!comment) throw new NotFound(`comment ${c.commentId} not found`);
    if (comment.hidden) throw new Conflict('a hidden comment cannot go into the minutes');
    if (state.minutes.promotedCommentIds.includes(comment.id)) throw new Conflict('already in the minutes');
    return [{ type: 'minutes.commentPromoted', data: { commentId: comment.id } }];
  },

  'minutes.submit': (state, _c, actor) => {
    if (state.minutes.status !== 'draft')
      throw new Conflict(`the minutes are ${state.minutes.status.replace('_', ' ')}`);
    return [{ type: 'minutes.submitted', data: { by: actor.id } }];
  },

  'minutes.finalize': (state, c, actor, ctx) => {
    if (state.minutes.status !== 'under_review') throw new Conflict('submit the minutes for review before finalizing');
    if (!/^[0-9a-f]{64}$/.test(c.hash)) throw new InvalidRequest('hash must be a SHA-256 hex digest');
    return [
      {
        type: 'minutes.finalized',
        data: {
          version: state.minutes.version,
          hash: c.hash,
          at: ctx.now,
          by: actor.id,
          document: c.document,
          consensusIds: state.minutes.consensus.map((p) => p.id),
        },
      },
    ];
  },

  'minutes.reopen': (state, _c, actor) => {
    if (state.minutes.status === 'draft') throw new Conflict('the minutes are already a draft');
    return [{ type: 'minutes.reopened', data: { by: actor.id } }];
  },

  'site.reportHeadcount': (state, c, actor) => {
    requireStatus(state, LIVE, 'report the headcount');
    if (!Number.isInteger(c.count) || c.count < 0 || c.count > SITE_HEADCOUNT_MAX) {
      throw new InvalidRequest(`the headcount must be a whole number from 0 to ${SITE_HEADCOUNT_MAX}`);
    }
    if (headcountOf(state, actor.id) === c.count) return [];
    return [{ type: 'site.headcountReported', data: { siteId: actor.id, count: c.count } }];
  },

  'site.nameSpeaker': (state, c, actor) => {
    requireStatus(state, LIVE, 'name the speaker');
    const current = findTurn(state, state.currentTurnId);
    if (!current || current.speaker.id !== actor.id) throw new Conflict('your site does not hold the floor');
    const name = nonEmpty(c.name, 'the speaker’s name');
    if (current.namedSpeaker === name) return [];
    return [{ type: 'turn.speakerNamed', data: { turnId: current.id, name } }];
  },

  'poll.open': (state, c, actor, ctx) => {
    requireStatus(state, ['open', 'in_progress'], 'open a poll');
    const stored = c.id === undefined ? undefined : findPoll(state, c.id);
    if (stored) {
      if (stored.openedBy.id !== actor.id) throw new Conflict(`poll id ${c.id} is already taken`);
      return []; // a retry
    }
    if (openPoll(state)) throw new Conflict('a poll is already open: close it first');
    if (state.polls.length >= POLLS_MAX) throw new Conflict(`a session holds at most ${POLLS_MAX} polls`);
    const options = (c.options ?? [...DEFAULT_POLL_OPTIONS]).map((o) => nonEmpty(o, 'an option'));
    if (options.length < 2) throw new InvalidRequest('a poll needs at least two options');
    if (new Set(options).size !== options.length) throw new InvalidRequest('the options must differ');
    return [
      {
        type: 'poll.opened',
        data: {
          poll: {
            id: c.id ?? ctx.newId(),
            question: nonEmpty(c.question, 'the question'),
            options,
            anonymous: c.anonymous,
            agendaItemId: currentAgendaItemId(state),
            openedBy: { id: actor.id, name: actor.name },
          },
        },
      },
    ];
  },

  'poll.answer': (state, c, actor) => {
    requireStatus(state, LIVE, 'answer a poll');
    const poll = requireOpenPoll(state, c.pollId);
    requireOption(poll, c.option);
    if (poll.answers[actor.id]?.option === c.option) return []; // the same answer again
    const person = personOf(state, actor.id, actor);
    return [
      {
        type: 'poll.answered',
        data: {
          pollId: poll.id,
          personId: actor.id,
          name: person.name,
          ...(person.sector ? { sector: person.sector } : {}),
          option: c.option,
        },
      },
    ];
  },

  'poll.enterSiteCounts': (state, c, actor) => {
    requireStatus(state, LIVE, 'enter counts');
    const poll = requireOpenPoll(state, c.pollId);
    if (c.counts.length !== poll.options.length) {
      throw new InvalidRequest(`give one count per option (${poll.options.length})`);
    }
    if (c.counts.some((n) => !Number.isInteger(n) || n < 0)) throw new InvalidRequest('counts are whole numbers');
    const headcount = headcountOf(state, actor.id);
    if (headcount === undefined) throw new Conflict('report how many people are present first');
    const total = c.counts.reduce((a, b) => a + b, 0);
    if (total > headcount) {
      throw new InvalidRequest(`the counts add up to ${total}, more than the ${headcount} present`);
    }
    const entered = poll.siteCounts[actor.id]?.counts;
    if (entered?.every((n, i) => n === c.counts[i])) return [];
    return [{ type: 'poll.siteCounted', data: { pollId: poll.id, siteId: actor.id, counts: [...c.counts] } }];
  },

  'poll.close': (state, c, actor) => {
    const poll = requirePoll(state, c.pollId);
    if (poll.closedAt !== undefined) throw new Conflict('the poll is already closed');
    return [{ type: 'poll.closed', data: { pollId: poll.id, by: actor.id } }];
  },
};

function requirePoll(state: RoomState, pollId: string): Poll {
  const poll = findPoll(state, pollId);
  if (!poll) throw new NotFound(`poll ${pollId} not found`);
  return poll;
}

function requireOpenPoll(state: RoomState, pollId: string): Poll {
  const poll = requirePoll(state, pollId);
  if (poll.closedAt !== undefined) throw new Conflict('the poll is closed');
  return poll;
}

function requireOption(poll: Poll, option: number): void {
  if (!Number.isInteger(option) || option < 0 || option >= poll.options.length) {
    throw new InvalidRequest(`option must be between 0 and ${poll.options.length - 1}`);
  }
}

function requireStatus(state: RoomState, allowed: readonly SessionStatus[], what: string): void {
  if (!allowed.includes(state.session.status)) {
    throw new Conflict(`cannot ${what}: the session is ${state.session.status.replace('_', ' ')}`);
  }
}

function requireDraft(state: RoomState): void {
  if (state.minutes.status !== 'draft') {
    throw new Conflict(`the minutes are ${state.minutes.status.replace('_', ' ')}; reopen them to edit`);
  }
}

function requireCurrentTurn(state: RoomState): Turn {
  const current = findTurn(state, state.currentTurnId);
  if (!current) throw new Conflict('nobody holds the floor');
  return current;
}

function nonEmpty(text: string, what: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw new InvalidRequest(`${what} cannot be empty`);
  return trimmed;
}

function findEntry(state: RoomState, entryId: string): QueueEntry {
  const entry = state.queue.find((e) => e.id === entryId);
  if (!entry) throw new NotFound(`queue entry ${entryId} not found`);
  return entry;
}

/** `id`, if it is an item of the agenda. */
function agendaItemOf(state: RoomState, id: string): string {
  if (!state.agenda.some((i) => i.id === id)) throw new NotFound(`agenda item ${id} not found`);
  return id;
}

function currentAgendaItemId(state: RoomState): string | null {
  return state.agenda.find((i) => i.status === 'current')?.id ?? null;
}

/** The person as the room knows them (attendance), else as the actor presented themselves. */
function personOf(state: RoomState, id: string, actor: Actor): Person {
  const known = state.attendance[id]?.person;
  if (known) return known;
  if (actor.role === 'organiser' || actor.role === 'system') throw new Forbidden('only participants can do this');
  return {
    id,
    name: actor.name,
    role: actor.role,
    ...(actor.sector ? { sector: actor.sector } : {}),
    ...(actor.unit ? { unit: actor.unit } : {}),
  };
}

function addEntry(state: RoomState, speaker: Person, kind: EntryKind, actor: Actor, ctx: Context): DomainEventBody {
  if (state.queue.some((e) => e.speaker.id === speaker.id && e.kind === kind)) {
    throw new Conflict(`${speaker.name} already has a waiting ${kind.replace(/_/g, ' ')}`);
  }
  if (kind === 'reply' && !state.currentTurnId) throw new Conflict('a reply needs someone holding the floor');
  if (kind === 'reply' && findTurn(state, state.currentTurnId)?.speaker.id === speaker.id) {
    throw new Conflict('you cannot reply to yourself');
  }
  const entry: QueueEntry = {
    id: ctx.newId(),
    agendaItemId: currentAgendaItemId(state),
    speaker,
    kind,
    requestedAt: ctx.now,
    addedBy: actor.id,
    ...(kind === 'reply' && state.currentTurnId ? { replyToTurnId: state.currentTurnId } : {}),
  };
  const index = insertionIndex(state.queue, entry, {
    enabled: state.settings.fairness,
    hasSpoken: (id) => state.turns.some((t) => t.speaker.id === id),
  });
  return { type: 'queue.entryAdded', data: { entry, index } };
}

function newTurn(state: RoomState, entry: QueueEntry, ctx: Context): Turn {
  return {
    id: ctx.newId(),
    entryId: entry.id,
    agendaItemId: entry.agendaItemId,
    speaker: entry.speaker,
    kind: entry.kind,
    requestedAt: entry.requestedAt,
    startedAt: ctx.now,
    allowedMs: state.settings.turnSeconds[entry.kind] * 1000,
    pauses: [],
  };
}

/** Ends the current turn and resumes the one it interrupted, if any. */
function endCurrentTurn(state: RoomState, reason: 'chair' | 'yielded' | 'expired'): Events {
  const current = requireCurrentTurn(state);
  const interrupted = state.interruptedTurnIds.at(-1);
  return [
    { type: 'turn.ended', data: { turnId: current.id, reason } },
    ...dropRepliesTo(state, [current.id]),
    ...(interrupted ? [{ type: 'turn.resumed', data: { turnId: interrupted } } as const] : []),
  ];
}

/** Ends the current turn and every turn it interrupted. */
function endAllTurns(state: RoomState, reason: 'superseded' | 'agenda' | 'adjourned' | 'closed'): Events {
  const open = [state.currentTurnId, ...state.interruptedTurnIds].filter((id): id is string => id !== null);
  return [
    ...open.map((turnId) => ({ type: 'turn.ended', data: { turnId, reason } }) as const),
    ...dropRepliesTo(state, open),
  ];
}

/** A reply answers one speaker: once that turn is over, the question has nobody to go to. */
function dropRepliesTo(state: RoomState, turnIds: string[]): Events {
  return state.queue
    .filter((e) => e.kind === 'reply' && e.replyToTurnId !== undefined && turnIds.includes(e.replyToTurnId))
    .map((e) => ({ type: 'queue.entryRemoved', data: { entryId: e.id, by: 'system' } }) as const);
}

/** The first grant or agenda item of an open session starts it. */
function startIfOpen(state: RoomState, actor: Actor): Events {
  return state.session.status === 'open' ? [{ type: 'session.started', data: { by: actor.id } }] : [];
}

function samePerson(a: Person | undefined, b: Person): boolean {
  return a?.name === b.name && a.role === b.role && a.sector === b.sector && a.unit === b.unit;
}

function agendaItems(input: AgendaInput[], existing: AgendaItem[], ctx: Context): AgendaItem[] {
  return input.map((item) => ({
    id: item.id && existing.some((e) => e.id === item.id) ? item.id : ctx.newId(),
    title: nonEmpty(item.title, 'agenda item'),
    ...(item.description ? { description: item.description } : {}),
    status: 'pending',
  }));
}

function mergeSettings(base: FloorSettings, change: SettingsPatch | undefined): FloorSettings {
  return { ...base, ...change, turnSeconds: { ...base.turnSeconds, ...change?.turnSeconds } };
}
