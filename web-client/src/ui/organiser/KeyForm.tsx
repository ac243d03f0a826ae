import { useState } from 'preact/hooks';
import type { WhoAmI } from '@yishi/shared';
import { t, useLocale } from '../../i18n/index.js';
import { OrganiserApi } from '../../lib/api.js';
import { RequestError } from '../../lib/signaling.js';
import { describeError } from '../describeError.js';
import { ErrorNote } from '../ErrorNote.js';
import { PageHeading } from './PageHeading.js';
import { useRequest } from './useRequest.js';
import { Field, SubmitButton } from './formControls.js';

/** Asks for the organiser key (a chair token works too, for its own room) and checks it with the server. */
export function KeyForm({
  error,
  onAccept,
}: {
  error?: string | undefined;
  onAccept: (key: string, who: WhoAmI) => void;
}) {
  useLocale();
  const [key, setKey] = useState('');
  const [refused, setRefused] = useState<string>();
  const request = useRequest(describeKeyError);
  const shown = refused ?? request.error ?? error;

  const submit = async (e: Event) => {
    e.preventDefault();
    setRefused(undefined);
    const trimmed = key.trim();
    if (!trimmed) return;
    const who = await request.run(() => new OrganiserApi(trimmed).whoami());
    if (!who) return;
    if (who.role !== 'organiser' && who.role !== 'chair') {
      setRefused(t('org.key.notOrganiser'));
      return;
    }
    onAccept(trimmed, who);
  };

  return (
    <main class="org-main org-narrow">
      <PageHeading>{t('org.key.heading')}</PageHeading>
      <form class="org-form" onSubmit={submit}>
        <p class="muted">{t('org.key.intro')}</p>
        <Field label={t('org.key.label')}>
          <input
            type="password"
            name="organiser-key"
            autocomplete="off"
            required
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
            aria-describedby="org-key-note"
            data-testid="key-input"
          />
        </Field>
        <p id="org-key-note" class="org-hint">
          {t('org.key.note')}
        </p>
        <ErrorNote error={shown} testId="key-error" />
        <div class="org-buttons">
          <SubmitButton busy={request.busy} testId="key-submit">
            {t('org.key.submit')}
          </SubmitButton>
        </div>
      </form>
    </main>
  );
}

/** A refused key is not an "invitation": say so in the organiser's terms. */
export function describeKeyError(err: unknown): string {
  if (err instanceof RequestError && err.code === 'UNAUTHENTICATED') return t('org.key.refused');
  return describeError(err);
}
