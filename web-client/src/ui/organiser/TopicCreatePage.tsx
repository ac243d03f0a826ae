import { useState } from 'preact/hooks';
import { DEFAULT_TIME_ZONE } from '@yishi/shared';
import { t, useLocale } from '../../i18n/index.js';
import type { OrganiserApi } from '../../lib/api.js';
import { ErrorNote } from '../ErrorNote.js';
import { emptyDraft, fieldsOf } from './draft.js';
import { fromZoneInput } from './format.js';
import { PageHeading } from './PageHeading.js';
import { href, navigate } from './route.js';
import { TopicFields } from './TopicFields.js';
import { useRequest } from './useRequest.js';
import { Field, SubmitButton } from './formControls.js';

/** A new topic: its fields and agenda, when it takes place, and how the floor is run. */
export function TopicCreatePage({ api }: { api: OrganiserApi }) {
  useLocale();
  const [draft, setDraft] = useState(emptyDraft);
  const [scheduledAt, setScheduledAt] = useState('');
  const [mode, setMode] = useState<'moderated' | 'open'>('moderated');
  const [turnSeconds, setTurnSeconds] = useState('180');
  const request = useRequest();

  const submit = async (e: Event) => {
    e.preventDefault();
    const seconds = Number(turnSeconds);
    const when = fromZoneInput(scheduledAt, DEFAULT_TIME_ZONE);
    const created = await request.run(() =>
      api.createTopic({
        ...fieldsOf(draft),
        ...(when ? { scheduledAt: when } : {}),
        settings: { mode, ...(Number.isInteger(seconds) ? { turnSeconds: { contribution: seconds } } : {}) },
      }),
    );
    if (created) navigate(href.topic(created.topic.id));
  };

  return (
    <main class="org-main org-narrow">
      <p class="org-back">
        <a href={href.list()}>{t('org.backToList')}</a>
      </p>
      <PageHeading>{t('org.create.heading')}</PageHeading>
      <form class="org-form" onSubmit={submit} data-testid="create-form">
        <TopicFields draft={draft} onChange={setDraft} />
        <fieldset class="org-fieldset">
          <legend>{t('org.create.sessionLegend')}</legend>
          <Field label={t('org.field.scheduledAtIn', { zone: DEFAULT_TIME_ZONE })}>
            <input
              type="datetime-local"
              value={scheduledAt}
              onInput={(e) => setScheduledAt(e.currentTarget.value)}
              aria-describedby="org-when-hint"
            />
            <span id="org-when-hint" class="org-hint">
              {t('org.create.scheduleHint')}
            </span>
          </Field>
          <fieldset class="org-radios">
            <legend>{t('org.field.mode')}</legend>
            <label class="check">
              <input
                type="radio"
                name="mode"
                value="moderated"
                checked={mode === 'moderated'}
                onChange={() => setMode('moderated')}
              />
              <span>
                {t('chair.modeModerated')}
                <span class="org-hint org-block">{t('org.mode.moderatedHint')}</span>
              </span>
            </label>
            <label class="check">
              <input type="radio" name="mode" value="open" checked={mode === 'open'} onChange={() => setMode('open')} />
              <span>
                {t('chair.modeOpen')}
                <span class="org-hint org-block">{t('org.mode.openHint')}</span>
              </span>
            </label>
          </fieldset>
          <Field label={t('org.field.turnSeconds')} class="org-short">
            <input
              type="number"
              inputMode="numeric"
              min={10}
              max={3600}
              step={1}
              required
              value={turnSeconds}
              onInput={(e) => setTurnSeconds(e.currentTarget.value)}
            />
          </Field>
        </fieldset>
        <ErrorNote error={request.error} testId="form-error" />
        <div class="org-buttons">
          <SubmitButton busy={request.busy} testId="create-submit">
            {t('org.create.submit')}
          </SubmitButton>
          <a class="button" href={href.list()}>
            {t('org.cancel')}
          </a>
        </div>
      </form>
    </main>
  );
}
