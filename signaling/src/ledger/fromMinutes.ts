import type { Logger } from 'pino';
import type { FinalizedMinutes, LedgerActor, MinutesDocument, Person } from '@yishi/shared';
import type { SessionService } from '../sessions/SessionService.js';
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
 * another node hearing the same finalization, or a restart adds nothing twice. A finalization
 * stored before it carried its consensus points' ids (`consensusIds`) adds its actions only.
 */
export async function ledgerFromMinutes(ledger: LedgerService, sessionId: string, finalized: FinalizedMinutes) {
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
  const ids = finalized.consensusIds ?? [];
  for (const [i, text] of document.consensus.entries()) {
    const pointId = ids[i];
    if (pointId === undefined) continue;
    const chars = [...text];
    const long = chars.length > TITLE_MAX;
    await ledger.register(
      {
        type: 'ledger.register',
        id: `${sessionId}.${pointId}`,
        title: long ? `${chars.slice(0, TITLE_MAX - 1).join('')}…` : text,
        description: long ? text : '',
        category: '协商共识',
        source: source('consensus', pointId, null),
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

/** Feeds the ledger from every finalization this node applies, and, at start, from those already stored. */
export async function feedLedger(sessions: SessionService, ledger: LedgerService, log: Logger): Promise<void> {
  sessions.on('changed', ({ sessionId, events }) => {
    for (const event of events) {
      if (event.type !== 'minutes.finalized') continue;
      ledgerFromMinutes(ledger, sessionId, event.data).catch((err: unknown) =>
        log.error({ err, sessionId }, 'could not enter finalized minutes into the ledger'),
      );
    }
  });
  for (const { state } of await sessions.list()) {
    for (const finalized of state.minutes.finalized) await ledgerFromMinutes(ledger, state.session.id, finalized);
  }
}
