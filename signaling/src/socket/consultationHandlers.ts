import { createHash } from 'node:crypto';
import {
  canonicalJson,
  type Command,
  type CommandResult,
  type ConsultationRequestName,
  type DomainEvent,
  Forbidden,
  minutesDocument,
  type RoomState,
} from '@yishi/shared';
import type { Connection } from '../rooms/channels.js';
import type { Room } from '../rooms/Room.js';
import type { SessionChange } from '../sessions/SessionService.js';
import type { Handler } from './registerHandler.js';

type Handlers = { [K in ConsultationRequestName]: Handler<K> };

/** The id of what a command created, for the ack (a queue entry, a comment, a consensus point, an action). */
function createdId(events: DomainEvent[]): string | undefined {
  for (const e of events) {
    if (e.type === 'queue.entryAdded') return e.data.entry.id;
    if (e.type === 'comment.posted') return e.data.comment.id;
    if (e.type === 'minutes.consensusAdded') return e.data.id;
    if (e.type === 'minutes.actionAdded') return e.data.action.id;
    if (e.type === 'poll.opened') return e.data.poll.id;
  }
  return undefined;
}

/** `requested` is the client's own id: a retry that stored nothing still answers with it. */
const result = ({ version, events }: SessionChange, requested?: string): CommandResult => {
  const id = createdId(events) ?? requested;
  return id === undefined ? { version } : { version, id };
};

/**
 * Finalizing freezes the minutes document as it is at that moment, with the SHA-256 of its
 * canonical JSON; built from the state the command is decided on, so nothing can slip in between.
 */
function finalizeCommand(state: RoomState): Command {
  const document = { ...minutesDocument(state, Date.now()), status: 'finalized' as const };
  const hash = createHash('sha256').update(canonicalJson(document)).digest('hex');
  return { type: 'minutes.finalize', hash, document };
}

const SESSION_ACTIONS = {
  open: 'session.open',
  start: 'session.start',
  adjourn: 'session.adjourn',
  resume: 'session.resume',
  close: 'session.close',
} as const;

/** The consultation's requests: each becomes one domain command run by the room's session. */
export function consultationHandlers(room: Room, connection: Connection): Handlers {
  const run = async (command: Command | ((state: RoomState) => Command), requestedId?: string) =>
    result(await room.execute(connection, command), requestedId);
  const moderator = () => ['chair', 'secretary'].includes(connection.identity.role);

  return {
    'session:snapshot': () => {
      return room.snapshot(room.peerIdOf(connection), moderator());
    },
    'session:configure': ({ settings }) => run({ type: 'settings.update', settings }),
    'session:setStatus': ({ action }) => run({ type: SESSION_ACTIONS[action] }),
    'agenda:open': ({ itemId }) => run({ type: 'agenda.open', itemId }),

    'queue:request': ({ kind }) => run({ type: 'queue.request', kind }),
    'queue:withdraw': ({ entryId }) => run({ type: 'queue.withdraw', entryId }),
    'queue:add': ({ speakerId, kind }) => run({ type: 'queue.add', speakerId, kind }),
    'queue:move': ({ entryId, toIndex }) => run({ type: 'queue.move', entryId, toIndex }),
    'queue:remove': ({ entryId }) => run({ type: 'queue.remove', entryId }),
    'queue:setClosed': ({ closed, pointsOfOrderBlocked }) =>
      run({ type: 'queue.setClosed', closed, pointsOfOrderBlocked }),
    'queue:clear': () => run({ type: 'queue.clear' }),

    'floor:grant': ({ entryId }) => run({ type: 'floor.grant', entryId }),
    'floor:end': () => run({ type: 'floor.end' }),
    'floor:yield': () => run({ type: 'floor.yield' }),
    'floor:pause': () => run({ type: 'floor.pause' }),
    'floor:resume': () => run({ type: 'floor.resume' }),
    'floor:extend': ({ seconds }) => run({ type: 'floor.extend', seconds }),
    // A media action, not a fact of the session: nothing is stored, so the version is unchanged.
    'participant:mute': async ({ peerId }) => {
      room.peerIdOf(connection);
      if (connection.identity.role !== 'chair') throw new Forbidden('only the chair may mute others');
      await room.muteMic(peerId);
      return { version: room.version() };
    },

    'participant:remove': ({ peerId, reason }) => run({ type: 'participant.remove', personId: peerId, reason }),
    'comment:post': ({ id, text, replyTo, stance }) => run({ type: 'comment.post', id, text, replyTo, stance }, id),
    'comment:react': ({ commentId, reaction, on }) => run({ type: 'comment.react', commentId, reaction, on }),
    'comment:hide': ({ commentId, reason }) => run({ type: 'comment.hide', commentId, reason }),
    'comments:page': ({ before, limit }) => {
      room.peerIdOf(connection);
      return room.commentPage(connection, before, limit);
    },

    'minutes:setSummary': ({ turnId, text }) => run({ type: 'minutes.setSummary', turnId, text }),
    'minutes:setNotes': ({ text }) => run({ type: 'minutes.setNotes', text }),
    'minutes:addConsensus': ({ id, text }) => run({ type: 'minutes.addConsensus', id, text }, id),
    'minutes:updateConsensus': ({ id, text }) => run({ type: 'minutes.updateConsensus', id, text }),
    'minutes:removeConsensus': ({ id }) => run({ type: 'minutes.removeConsensus', id }),
    'minutes:addAction': ({ id, title, ownerUnit, dueDate, status, agendaItemId }) =>
      run({ type: 'minutes.addAction', id, title, ownerUnit, dueDate, status, agendaItemId }, id),
    'minutes:updateAction': ({ id, title, ownerUnit, dueDate, status, agendaItemId }) =>
      run({ type: 'minutes.updateAction', id, title, ownerUnit, dueDate, status, agendaItemId }),
    'minutes:removeAction': ({ id }) => run({ type: 'minutes.removeAction', id }),
    'minutes:promoteComment': ({ commentId }) => run({ type: 'minutes.promoteComment', commentId }),
    'minutes:submit': () => run({ type: 'minutes.submit' }),
    'minutes:finalize': () => run(finalizeCommand),
    'minutes:reopen': () => run({ type: 'minutes.reopen' }),

    'site:headcount': ({ count }) => run({ type: 'site.reportHeadcount', count }),
    'site:speaker': ({ name }) => run({ type: 'site.nameSpeaker', name }),
    'poll:open': ({ id, question, options, anonymous }) =>
      run({ type: 'poll.open', id, question, options, anonymous }, id),
    'poll:answer': ({ pollId, option }) => run({ type: 'poll.answer', pollId, option }),
    'poll:siteCounts': ({ pollId, counts }) => run({ type: 'poll.enterSiteCounts', pollId, counts }),
    'poll:close': ({ pollId }) => run({ type: 'poll.close', pollId }),
  };
}
