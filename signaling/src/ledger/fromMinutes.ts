import type { Logger } from 'pino';
import type { FinalizedMinutes, LedgerActor, MinutesDocument } from '@yishi/shared';
import type { SessionService } from '../sessions/SessionService.js';
import type { LedgerService } from './LedgerService.js';

const SYSTEM: LedgerActor = { id: 'system', name: 'system', role: 'system' };

/**
 * The action items (承办事项) of finalized minutes as ledger items, linked back to the session and
 * minutes version, and assigned to the unit the minutes name. Each has the id
 * `<session>.<action id>`, so finalizing again (a corrected version), another node hearing the
 * same finalization, or a restart adds nothing twice.
 */
export async function ledgerFromMinutes(ledger: LedgerService, sessionId: string, finalized: FinalizedMinutes) {
  const { actions } = finalized.document as MinutesDocument;
  for (const action of actions) {
    const id = `${sessionId}.${action.id}`;
    const item = await ledger.register(
      {
        type: 'ledger.register',
        id,
        title: action.title,
        description: '',
        category: '承办事项',
        source: { kind: 'action', sessionId, refId: action.id, minutesVersion: finalized.version, agendaItemId: null },
        topicId: sessionId,
        dueDate: action.dueDate,
        raisedBy: [],
      },
      SYSTEM,
    );
    if (item.status === 'registered' && action.ownerUnit.trim()) {
      await ledger.execute(id, { type: 'ledger.assign', leadUnit: action.ownerUnit, coUnits: [] }, SYSTEM);
    }
  }
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
