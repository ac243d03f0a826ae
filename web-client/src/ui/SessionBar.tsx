import type { Person } from '@yishi/shared';
import { t, useLocale } from '../i18n/index.js';
import type { Consultation } from '../lib/Consultation.js';
import { useStore } from '../lib/store.js';
import { useAction } from './act.js';
import { ErrorNote } from './ErrorNote.js';

/** Topic, session status and agenda; for the chair, moving the agenda and the session along. */
export function SessionBar({ consultation, self }: { consultation: Consultation; self: Person }) {
  useLocale();
  const { session } = useStore(consultation.state);
  const { error, run } = useAction();
  const act = consultation.act.bind(consultation);
  const status = session.session.status;
  const current = session.agenda.findIndex((i) => i.status === 'current');
  const next = session.agenda.find((i, index) => index > current && i.status === 'pending');
  const chair = self.role === 'chair';
  return (
    <section class="session-bar" data-testid="session-bar" data-status={status}>
      <div class="topic">
        <strong>{session.topic.title}</strong>
        <span class={`badge status-${status}`}>{t(`session.status.${status}`)}</span>
        <span class="agenda">
          {current >= 0 ? t('agenda.current', { title: session.agenda[current]?.title ?? '' }) : t('agenda.none')}
        </span>
      </div>
      {chair && status !== 'closed' && (
        <div class="actions">
          {status === 'open' && (
            <button type="button" onClick={() => run(() => act('session:setStatus', { action: 'start' }))}>
              {t('chair.start')}
            </button>
          )}
          {next && (status === 'open' || status === 'in_progress') && (
            <button
              type="button"
              data-testid="next-agenda"
              onClick={() => run(() => act('agenda:open', { itemId: next.id }))}
            >
              {t('chair.nextAgenda')}
            </button>
          )}
          {status === 'in_progress' && (
            <button type="button" onClick={() => run(() => act('session:setStatus', { action: 'adjourn' }))}>
              {t('chair.adjourn')}
            </button>
          )}
          {status === 'adjourned' && (
            <button type="button" onClick={() => run(() => act('session:setStatus', { action: 'resume' }))}>
              {t('chair.resumeSession')}
            </button>
          )}
          <button
            type="button"
            class="danger"
            onClick={() => {
              if (confirm(t('chair.confirmClose'))) run(() => act('session:setStatus', { action: 'close' }));
            }}
          >
            {t('chair.closeSession')}
          </button>
        </div>
      )}
      {status === 'closed' && <p class="note">{t('session.closedBanner')}</p>}
      <ErrorNote error={error} />
    </section>
  );
}
