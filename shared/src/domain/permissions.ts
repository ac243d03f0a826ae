import type { CommandType } from './commands.js';
import type { Actor } from './types.js';

type ActorRole = Actor['role'];

/**
 * A handling unit invited into a session takes the floor like a guest, and does nothing more; so
 * does a site (one device, many people), which also reports its headcount, names its speakers and
 * enters its show of hands.
 */
const SPEAKERS: readonly ActorRole[] = ['chair', 'secretary', 'member', 'guest', 'unit', 'site'];
const PARTICIPANTS: readonly ActorRole[] = [...SPEAKERS, 'observer'];
const CHAIR: readonly ActorRole[] = ['chair'];
const SECRETARY: readonly ActorRole[] = ['secretary'];
const ORGANISERS: readonly ActorRole[] = ['organiser', 'chair'];
const SITE: readonly ActorRole[] = ['site'];

/**
 * Which roles may issue each command (docs/domain.md, "Who may issue what"). Finer rules — one's own
 * entry, observers commenting only when allowed — are checked by the reducer.
 */
export const PERMISSIONS: Record<CommandType, readonly ActorRole[]> = {
  'topic.create': ORGANISERS,
  'topic.update': ORGANISERS,
  'topic.archive': ['organiser'],
  'session.schedule': ORGANISERS,
  'session.open': ORGANISERS,
  'session.start': CHAIR,
  'session.adjourn': CHAIR,
  'session.resume': CHAIR,
  'session.close': ORGANISERS,
  'settings.update': CHAIR,
  'agenda.open': CHAIR,
  'participant.join': ['system'],
  'participant.leave': ['system'],
  'participant.remove': ORGANISERS,
  'invitation.issue': ORGANISERS,
  'queue.request': SPEAKERS,
  'queue.withdraw': SPEAKERS,
  'queue.add': CHAIR,
  'queue.move': CHAIR,
  'queue.remove': CHAIR,
  'queue.setClosed': CHAIR,
  'queue.clear': CHAIR,
  'floor.grant': CHAIR,
  'floor.end': CHAIR,
  'floor.yield': SPEAKERS,
  'floor.pause': CHAIR,
  'floor.resume': CHAIR,
  'floor.extend': CHAIR,
  'clock.tick': ['system'],
  'comment.post': PARTICIPANTS,
  'comment.react': PARTICIPANTS,
  'comment.hide': ['chair', 'secretary'],
  'minutes.setSummary': SECRETARY,
  'minutes.setNotes': SECRETARY,
  'minutes.addConsensus': SECRETARY,
  'minutes.updateConsensus': SECRETARY,
  'minutes.removeConsensus': SECRETARY,
  'minutes.addAction': SECRETARY,
  'minutes.updateAction': SECRETARY,
  'minutes.removeAction': SECRETARY,
  'minutes.promoteComment': SECRETARY,
  'minutes.submit': SECRETARY,
  'minutes.finalize': CHAIR,
  'minutes.reopen': ['secretary', 'chair'],
  'site.reportHeadcount': SITE,
  'site.nameSpeaker': SITE,
  'poll.open': CHAIR,
  // A poll asks the members; the chair runs it, the secretary records it, guests and units answer to them.
  'poll.answer': ['member'],
  'poll.enterSiteCounts': SITE,
  'poll.close': CHAIR,
};

export function mayIssue(role: ActorRole, command: CommandType): boolean {
  return PERMISSIONS[command].includes(role);
}
