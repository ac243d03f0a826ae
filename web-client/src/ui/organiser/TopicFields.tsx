import { t } from '../../i18n/index.js';
import { AgendaEditor } from './AgendaEditor.js';
import type { TopicDraft } from './draft.js';
import { MaterialsEditor } from './MaterialsEditor.js';

/** The fields a topic is made of, shared by the create form and the edit form. */
export function TopicFields({
  draft,
  onChange,
  agendaLocked,
}: {
  draft: TopicDraft;
  onChange: (draft: TopicDraft) => void;
  agendaLocked?: boolean;
}) {
  const set =
    <K extends 'title' | 'background' | 'organiser' | 'sectors' | 'proposalNumber'>(key: K) =>
    (e: Event) =>
      onChange({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value });
  return (
    <>
      <label class="org-field">
        <span>
          {t('org.field.title')} <Required />
        </span>
        <input required maxLength={200} value={draft.title} onInput={set('title')} data-testid="topic-title" />
      </label>
      <label class="org-field">
        <span>{t('org.field.background')}</span>
        <textarea rows={4} maxLength={10_000} value={draft.background} onInput={set('background')} />
      </label>
      <div class="org-pair">
        <label class="org-field">
          <span>
            {t('org.field.organiser')} <Required />
          </span>
          <input
            required
            maxLength={200}
            value={draft.organiser}
            onInput={set('organiser')}
            data-testid="topic-organiser"
          />
        </label>
        <label class="org-field">
          <span>{t('org.field.proposalNumber')}</span>
          <input maxLength={64} value={draft.proposalNumber} onInput={set('proposalNumber')} />
        </label>
      </div>
      <label class="org-field">
        <span>{t('org.field.sectors')}</span>
        <input value={draft.sectors} onInput={set('sectors')} aria-describedby="org-sectors-hint" />
        <span id="org-sectors-hint" class="org-hint">
          {t('org.field.sectorsHint')}
        </span>
      </label>
      <MaterialsEditor items={draft.materials} onChange={(materials) => onChange({ ...draft, materials })} />
      <AgendaEditor items={draft.agenda} locked={agendaLocked} onChange={(agenda) => onChange({ ...draft, agenda })} />
    </>
  );
}

export function Required() {
  return (
    <span class="org-required" title={t('org.required')}>
      *<span class="sr-only">{t('org.required')}</span>
    </span>
  );
}
