import { useState } from 'preact/hooks';
import type { SessionView } from '@yishi/shared';
import { t } from '../../i18n/index.js';
import type { OrganiserApi } from '../../lib/api.js';
import { ErrorNote } from '../ErrorNote.js';
import { draftFromView, fieldsOf } from './draft.js';
import { TopicFields } from './TopicFields.js';
import { useRequest } from './useRequest.js';
import { SubmitButton } from './formControls.js';

/** Edits a topic's fields, and its agenda while no item has been opened. */
export function TopicEditForm({
  api,
  view,
  onSaved,
}: {
  api: OrganiserApi;
  view: SessionView;
  onSaved: (view: SessionView) => void;
}) {
  const [draft, setDraft] = useState(() => draftFromView(view));
  const [saved, setSaved] = useState(false);
  const request = useRequest();
  const agendaLocked = view.agenda.some((i) => i.status !== 'pending');

  const submit = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    const next = await request.run(() => api.updateTopic(view.topic.id, fieldsOf(draft, { agenda: !agendaLocked })));
    if (!next) return;
    setDraft(draftFromView(next));
    setSaved(true);
    onSaved(next);
  };

  return (
    <section class="org-section" aria-labelledby="org-edit-h">
      <h2 id="org-edit-h">{t('org.edit.heading')}</h2>
      <form class="org-form" onSubmit={submit} onInput={() => setSaved(false)} data-testid="edit-form">
        <TopicFields draft={draft} onChange={setDraft} agendaLocked={agendaLocked} />
        <ErrorNote error={request.error} />
        <div class="org-buttons">
          <SubmitButton busy={request.busy} testId="edit-submit">
            {t('org.edit.submit')}
          </SubmitButton>
          <span role="status" class="org-ok">
            {saved ? t('org.edit.saved') : ''}
          </span>
        </div>
      </form>
    </section>
  );
}
