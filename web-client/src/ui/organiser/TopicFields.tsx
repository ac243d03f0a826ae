import { t } from '../../i18n/index.js';
import { AgendaEditor } from './AgendaEditor.js';
import type { TopicDraft } from './draft.js';
import { MaterialsEditor } from './MaterialsEditor.js';
import { Field } from './formControls.js';

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
      <Field label={t('org.field.title')} required>
        <input required maxLength={200} value={draft.title} onInput={set('title')} data-testid="topic-title" />
      </Field>
      <Field label={t('org.field.background')}>
        <textarea rows={4} maxLength={10_000} value={draft.background} onInput={set('background')} />
      </Field>
      <div class="org-pair">
        <Field label={t('org.field.organiser')} required>
          <input
            required
            maxLength={200}
            value={draft.organiser}
            onInput={set('organiser')}
            data-testid="topic-organiser"
          />
        </Field>
        <Field label={t('org.field.proposalNumber')}>
          <input maxLength={64} value={draft.proposalNumber} onInput={set('proposalNumber')} />
        </Field>
      </div>
      <Field label={t('org.field.sectors')}>
        <input value={draft.sectors} onInput={set('sectors')} aria-describedby="org-sectors-hint" />
        <span id="org-sectors-hint" class="org-hint">
          {t('org.field.sectorsHint')}
        </span>
      </Field>
      <MaterialsEditor items={draft.materials} onChange={(materials) => onChange({ ...draft, materials })} />
      <AgendaEditor items={draft.agenda} locked={agendaLocked} onChange={(agenda) => onChange({ ...draft, agenda })} />
    </>
  );
}
