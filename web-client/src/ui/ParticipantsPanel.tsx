import type { EntryKind, PeerInfo, Person, Role } from '@yishi/shared';
import { getLocale, t, useLocale } from '../i18n/index.js';
import type { MessageKey } from '../i18n/messages.js';
import type { RoomSession } from '../lib/RoomSession.js';
import { useStore } from '../lib/store.js';
import { useState } from 'preact/hooks';
import { useAction } from './act.js';
import { ErrorNote } from './ErrorNote.js';
import { ReasonForm } from './ReasonForm.js';

const ROLE_ORDER: Role[] = ['chair', 'secretary', 'member', 'guest', 'unit', 'observer'];

/** The chair's buttons that put someone in the queue, one per kind of turn. */
const QUEUE_BUTTONS: ReadonlyArray<{ kind: EntryKind; testId: string; label: MessageKey; labelFor: MessageKey }> = [
  {
    kind: 'contribution',
    testId: 'add-contribution',
    label: 'people.addContribution',
    labelFor: 'people.addContributionFor',
  },
  {
    kind: 'point_of_order',
    testId: 'add-point-of-order',
    label: 'people.addPointOfOrder',
    labelFor: 'people.addPointOfOrderFor',
  },
];

interface Row {
  info: PeerInfo | Person;
  micOn: boolean;
  self: boolean;
}

/** Everyone present, grouped by sector (界别); the chair mutes and queues people from here. */
export function ParticipantsPanel({ session, self }: { session: RoomSession; self: Person }) {
  const locale = useLocale();
  const state = useStore(session.state);
  const { queue } = useStore(session.consultation.state);
  const { error, run } = useAction();
  /** Whom the chair is removing (asked for a reason inline). */
  const [removing, setRemoving] = useState<string>();
  const chair = self.role === 'chair';
  const act = session.consultation.act.bind(session.consultation);

  const rows: Row[] = [
    {
      info: state.self,
      micOn: Boolean(session.local.mic) && state.micOn && state.micAllowed,
      self: true,
    },
    ...state.peers.map((p) => ({ info: p.info, micOn: p.micOn, self: false })),
  ];
  const groups = groupBySector(rows, locale);
  const queued = (id: string, kind: EntryKind) => queue.entries.some((e) => e.speaker.id === id && e.kind === kind);

  return (
    <section class="panel people" aria-labelledby="people-heading" data-testid="participants-panel">
      <h2 id="people-heading">{t('people.heading', { count: rows.length })}</h2>
      <ErrorNote error={error} />
      {groups.map(({ sector, rows }, i) => {
        const headingId = `sector-group-${i}`;
        return (
          <section
            key={sector}
            class="sector-group"
            data-testid="sector-group"
            data-sector={sector}
            aria-labelledby={headingId}
          >
            <h3 id={headingId}>
              {t('people.sector', { sector: sector || t('people.otherSector'), count: rows.length })}
            </h3>
            <ul class="people-list">
              {rows.map(({ info, micOn, self: isSelf }) => {
                const name = `${info.name}${isSelf ? t('room.you') : ''}`;
                const speaking = state.activeSpeakerId === info.id;
                const holding = queue.current?.speaker.id === info.id;
                const canQueue = info.role !== 'observer';
                return (
                  <li key={info.id} data-testid="participant" data-person-id={info.id} data-role={info.role}>
                    <span class="who">
                      <span class="name">{name}</span>
                      <span class={`badge role-${info.role}`}>{t(`role.${info.role}`)}</span>
                      <MicState on={micOn} />
                      {(holding || speaking) && <span class="badge speaking">{t('room.speaking')}</span>}
                      {(queued(info.id, 'contribution') || queued(info.id, 'point_of_order')) && (
                        <span class="badge">{t('people.queued')}</span>
                      )}
                    </span>
                    {chair && (
                      <span class="row-actions">
                        {canQueue &&
                          QUEUE_BUTTONS.map(({ kind, testId, label, labelFor }) => (
                            <button
                              key={kind}
                              type="button"
                              data-testid={testId}
                              aria-label={t(labelFor, { name: info.name })}
                              disabled={queued(info.id, kind)}
                              onClick={() => run(() => act('queue:add', { speakerId: info.id, kind }))}
                            >
                              {t(label)}
                            </button>
                          ))}
                        {!isSelf && (
                          <button
                            type="button"
                            data-testid="mute"
                            aria-label={t('people.muteFor', { name: info.name })}
                            disabled={!micOn}
                            onClick={() => run(() => act('participant:mute', { peerId: info.id }))}
                          >
                            {t('chair.mute')}
                          </button>
                        )}
                        {!isSelf && (
                          <button
                            type="button"
                            data-testid="remove-participant"
                            aria-label={t('people.removeFor', { name: info.name })}
                            aria-expanded={removing === info.id}
                            onClick={() => setRemoving(removing === info.id ? undefined : info.id)}
                          >
                            {t('people.remove')}
                          </button>
                        )}
                      </span>
                    )}
                    {chair && removing === info.id && (
                      // The reason goes into the minutes' record of the chair's decisions.
                      <ReasonForm
                        label={t('people.removeReason', { name: info.name })}
                        confirm={t('people.remove')}
                        testId="remove"
                        onSubmit={(reason) => {
                          run(() => act('participant:remove', { peerId: info.id, reason }));
                          setRemoving(undefined);
                        }}
                      />
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </section>
  );
}

function MicState({ on }: { on: boolean }) {
  const label = on ? t('room.micOn') : t('room.micOff');
  return (
    <svg class={on ? 'mic-on' : 'mic-off'} role="img" aria-label={label} viewBox="0 0 24 24" width="18" height="18">
      <title>{label}</title>
      <path
        fill="currentColor"
        d="M12 14a3 3 0 0 0 3-3V5a3 3 0 1 0-6 0v6a3 3 0 0 0 3 3Zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1A7 7 0 0 0 19 11h-2Z"
      />
      {!on && <path stroke="currentColor" stroke-width="2" d="M4 4l16 16" />}
    </svg>
  );
}

/**
 * Sectors in the locale's collation order, "other" (no sector) last; inside a sector the chair
 * first, then secretary, members, guests, handling units, observers, each by name.
 */
export function groupBySector(rows: Row[], locale: string = getLocale()): Array<{ sector: string; rows: Row[] }> {
  const bySector = new Map<string, Row[]>();
  for (const row of rows) {
    const sector = row.info.sector?.trim() ?? '';
    bySector.set(sector, [...(bySector.get(sector) ?? []), row]);
  }
  const collator = new Intl.Collator(locale);
  return [...bySector.entries()]
    .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : collator.compare(a, b)))
    .map(([sector, list]) => ({
      sector,
      rows: list.sort(
        (a, b) =>
          ROLE_ORDER.indexOf(a.info.role) - ROLE_ORDER.indexOf(b.info.role) ||
          collator.compare(a.info.name, b.info.name),
      ),
    }));
}
