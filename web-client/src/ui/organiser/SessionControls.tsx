import { useEffect, useRef, useState } from 'preact/hooks';
import type { SessionView } from '@yishi/shared';
import { t } from '../../i18n/index.js';
import type { OrganiserApi } from '../../lib/api.js';
import { ErrorNote } from '../ErrorNote.js';
import { focusSoon } from './draft.js';
import { fromZoneInput, toZoneInput } from './format.js';
import { useRequest } from './useRequest.js';
import { Field } from './formControls.js';

type Confirming = 'close' | 'archive' | undefined;

/** The session's lifecycle: schedule and open it, close it (confirmed), then archive the topic. */
export function SessionControls({
  api,
  view,
  mayArchive,
  onChange,
}: {
  api: OrganiserApi;
  view: SessionView;
  /** Archiving is the organiser's alone (a chair token may not). */
  mayArchive: boolean;
  onChange: (view: SessionView) => void;
}) {
  const { topic, session } = view;
  const [when, setWhen] = useState(() =>
    session.scheduledAt === undefined ? '' : toZoneInput(session.scheduledAt, session.timeZone),
  );
  const [confirming, setConfirming] = useState<Confirming>();
  const request = useRequest();
  const id = topic.id;

  const act = async (call: () => Promise<SessionView>) => {
    setConfirming(undefined);
    const next = await request.run(call);
    if (next) onChange(next);
  };
  const schedule = (e: Event) => {
    e.preventDefault();
    const iso = fromZoneInput(when, session.timeZone);
    if (iso) void act(() => api.schedule(id, iso));
  };

  const scheduled = session.status === 'scheduled';
  const closed = session.status === 'closed';
  const archived = topic.status === 'archived';
  return (
    <section class="org-section" aria-labelledby="org-session-h" data-testid="session-controls">
      <h2 id="org-session-h">{t('org.session.heading')}</h2>
      <p class="org-hint">{t(`org.session.explain.${archived ? 'archived' : session.status}`)}</p>
      {scheduled && (
        <form class="org-inline" onSubmit={schedule}>
          <Field label={t('org.field.scheduledAtIn', { zone: session.timeZone })}>
            <input
              type="datetime-local"
              required
              value={when}
              onInput={(e) => setWhen(e.currentTarget.value)}
              data-testid="schedule-input"
            />
          </Field>
          <button type="submit" disabled={request.busy} data-testid="schedule">
            {t('org.session.schedule')}
          </button>
        </form>
      )}
      <div class="org-buttons">
        {scheduled && (
          <button
            type="button"
            class="primary"
            disabled={request.busy}
            onClick={() => act(() => api.lifecycle(id, 'open'))}
            data-testid="open-session"
          >
            {t('org.session.open')}
          </button>
        )}
        {!closed && confirming !== 'close' && (
          <button
            type="button"
            disabled={request.busy}
            onClick={() => setConfirming('close')}
            data-testid="close-session"
          >
            {t('org.session.close')}
          </button>
        )}
        {closed && !archived && mayArchive && confirming !== 'archive' && (
          <button type="button" disabled={request.busy} onClick={() => setConfirming('archive')} data-testid="archive">
            {t('org.session.archive')}
          </button>
        )}
      </div>
      {confirming && (
        <Confirm
          text={t(confirming === 'close' ? 'org.session.confirmClose' : 'org.session.confirmArchive')}
          yes={t(confirming === 'close' ? 'org.session.closeYes' : 'org.session.archiveYes')}
          onYes={() => act(() => api.lifecycle(id, confirming))}
          onNo={() => {
            focusSoon(`[data-testid="${confirming === 'close' ? 'close-session' : 'archive'}"]`);
            setConfirming(undefined);
          }}
        />
      )}
      <ErrorNote error={request.error} testId="session-error" />
    </section>
  );
}

/** An inline confirmation for an action that cannot be undone; focus starts on the action. */
function Confirm({ text, yes, onYes, onNo }: { text: string; yes: string; onYes: () => void; onNo: () => void }) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    button.current?.focus();
  }, []);
  return (
    <div
      class="org-confirm"
      role="alertdialog"
      aria-labelledby="org-confirm-text"
      data-testid="confirm"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onNo();
      }}
    >
      <p id="org-confirm-text">{text}</p>
      <div class="org-buttons">
        <button ref={button} type="button" class="danger" onClick={onYes} data-testid="confirm-yes">
          {yes}
        </button>
        <button type="button" onClick={onNo} data-testid="confirm-no">
          {t('org.cancel')}
        </button>
      </div>
    </div>
  );
}
