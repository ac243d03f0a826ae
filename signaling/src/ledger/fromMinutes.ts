import type { Logger } from 'pino';
import type { LedgerActor, MinutesDocument, Person } from '@yishi/shared';
import type { Finalization, SessionService } from '../sessions/SessionService.js';
import type { LedgerService } from './LedgerService.js';

const SYSTEM: LedgerActor = { id: 'system', name: 'system', role: 'system' };

/** Longest title of an item entered by hand (POST /api/ledger); a longer consensus point is cut, and kept whole as the description. */
const TITLE_MAX = 200;

/**
 * The outcomes of finalized minutes as ledger items, linked back to the session and minutes
 * version (docs/domain.md, "Outcome ledger", "Where items come from"):
 * - each action item (承办事项), assigned to the unit the minutes name. Its raisers are the members
 *   who spoke on the agenda item the secretary linked it to, if any; the minutes say nothing more
 *   about who raised it, so an action linked to no agenda item is raised by nobody.
 * - each consensus point (协商共识), left for the office to assign, raised by nobody: all agreed to it.
 * Each has the id `<session>.<action or consensus id>`, so finalizing again (a corrected version),
 * another node hearing the same finalization, or a restart adds nothing twice.
 */
export async function ledgerFromMinutes(
  ledger: LedgerService,
  sessionId: string,
  { finalized, consensus }: Finalization,
) {
  const document = finalized.document as MinutesDocument;
  const source = (kind: 'action' | 'consensus', refId: string, agendaItemId: string | null) => ({
    kind,
    sessionId,
    refId,
    minutesVersion: finalized.version,
    agendaItemId,
  });
  for (const action of document.actions) {
    const id = `${sessionId}.${action.id}`;
    const agendaItemId = action.agendaItemId ?? null;
    const item = await ledger.register(
      {
        type: 'ledger.register',
        id,
        title: action.title,
        description: '',
        category: '承办事项',
        source: source('action', action.id, agendaItemId),
        topicId: sessionId,
        dueDate: action.dueDate,
        raisedBy: agendaItemId === null ? [] : speakersOn(document, agendaItemId),
      },
      SYSTEM,
    );
    if (item.status === 'registered' && action.ownerUnit.trim()) {
      await ledger.execute(id, { type: 'ledger.assign', leadUnit: action.ownerUnit, coUnits: [] }, SYSTEM);
    }
  }
  for (const point of consensus) {
    const chars = [...point.text];
    const long = chars.length > TITLE_MAX;
    await ledger.register(
      {
        type: 'ledger.register',
        id: `${sessionId}.${point.id}`,
        title: long ? `${chars.slice(0, TITLE_MAX - 1).join('')}…` : point.text,
        description: long ? point.text : '',
        category: '协商共识',
        source: source('consensus', point.id, null),
        topicId: sessionId,
        raisedBy: [],
      },
      SYSTEM,
    );
  }
}

/**
 * The members who spoke on an agenda item — contributions and interposed questions; a point of
 * order is about procedure, not the matter — each once, in the order they first spoke.
 */
function speakersOn(document: MinutesDocument, agendaItemId: string): Person[] {
  const speakers = new Map<string, Person>();
  for (const speech of document.speeches) {
    const { speaker } = speech;
    if (speech.agendaItemId !== agendaItemId || speech.kind === 'point_of_order' || speaker.role !== 'member') continue;
    if (!speakers.has(speaker.id)) speakers.set(speaker.id, speaker);
  }
  return [...speakers.values()];
}

/**
 * Feeds the ledger from every finalization of minutes this node applies, and, at start, from
 * those already stored. Each time the session's log is replayed for the consensus points' ids.
 */
export async function feedLedger(sessions: SessionService, ledger: LedgerService, log: Logger): Promise<void> {
  const feed = async (sessionId: string) => {
    for (const finalization of await sessions.finalizations(sessionId)) {
      await ledgerFromMinutes(ledger, sessionId, finalization);
    }
  };
  sessions.on('changed', ({ sessionId, events }) => {
    if (!events.some((event) => event.type === 'minutes.finalized')) return;
    feed(sessionId).catch((err: unknown) =>
      log.error({ err, sessionId }, 'could not enter finalized minutes into the ledger'),
    );
  });
  for (const { state } of await sessions.list()) {
    if (state.minutes.finalized.length > 0) await feed(state.session.id);
  }
}
