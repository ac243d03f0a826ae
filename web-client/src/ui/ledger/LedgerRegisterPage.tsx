import { useEffect, useState } from 'preact/hooks';
import { PRIORITIES, type Priority, type TopicSummary } from '@yishi/shared';
import { t, useLocale } from '../../i18n/index.js';
import type { LedgerApi } from '../../lib/ledgerApi.js';
import { type LedgerViewer, ledgerHref } from '../../lib/ledgerLink.js';
import { ErrorNote } from '../ErrorNote.js';
import { Field, SubmitButton } from '../organiser/formControls.js';
import { PageHeading } from '../organiser/PageHeading.js';
import { navigate } from '../organiser/route.js';
import { useRequest } from '../organiser/useRequest.js';

type Source = 'site_visit' | 'research' | 'submission';

/**
 * Registers an item by hand: the office or a session's officers enter a site visit or research
 * finding (into a topic), a member submits a problem of their own (they will rate its answer).
 */
export function LedgerRegisterPage({ api, viewer }: { api: LedgerApi; viewer: LedgerViewer }) {
  useLocale();
  const member = viewer.role === 'member';
  const room = 'room' in viewer ? viewer.room : undefined;
  const [topics, setTopics] = useState<TopicSummary[]>();
  const [topicId, setTopicId] = useState(room ?? '');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [category, setCategory] = useState('');
  const [source, setSource] = useState<Source>(member ? 'submission' : 'site_visit');
  const [dueDate, setDueDate] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');
  const request = useRequest();

  useEffect(() => {
    if (room === undefined) void api.topics().then(setTopics, () => setTopics([]));
  }, [api]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const row = await request.run(() =>
      api.register({
        topicId,
        title,
        description,
        category,
        source,
        priority,
        ...(dueDate ? { dueDate } : {}),
      }),
    );
    if (row) navigate(ledgerHref.item(row.id));
  };

  return (
    <main class="org-main org-narrow">
      <p class="org-back">
        <a href={ledgerHref.list()}>{t('ledger.back')}</a>
      </p>
      <PageHeading>{member ? t('ledger.new.submit') : t('ledger.new.heading')}</PageHeading>
      <form class="org-form" onSubmit={submit} data-testid="ledger-register">
        {member && <p class="muted">{t('ledger.new.memberNote')}</p>}
        {room === undefined ? (
          <Field label={t('ledger.field.topic')} required>
            <select required value={topicId} onChange={(e) => setTopicId(e.currentTarget.value)}>
              <option value="">{t('ledger.new.chooseTopic')}</option>
              {topics?.map((tp) => (
                <option key={tp.id} value={tp.id}>
                  {tp.title} ({tp.id})
                </option>
              ))}
            </select>
          </Field>
        ) : (
          <p>
            {t('ledger.field.topic')}
            {t('ledger.colon')}
            <code>{room}</code>
          </p>
        )}
        <Field label={t('ledger.field.title')} required>
          <input
            type="text"
            required
            maxLength={200}
            value={title}
            onInput={(e) => setTitle(e.currentTarget.value)}
            data-testid="register-title"
          />
        </Field>
        <Field label={t('ledger.field.description')}>
          <textarea
            rows={4}
            maxLength={5000}
            value={description}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
        </Field>
        <div class="org-pair">
          <Field label={t('ledger.field.category')} required>
            <input
              type="text"
              required
              maxLength={32}
              value={category}
              onInput={(e) => setCategory(e.currentTarget.value)}
              data-testid="register-category"
            />
          </Field>
          {!member && (
            <Field label={t('ledger.field.source')}>
              <select value={source} onChange={(e) => setSource(e.currentTarget.value as Source)}>
                {(['site_visit', 'research'] as const).map((s) => (
                  <option key={s} value={s}>
                    {t(`ledger.source.${s}`)}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label={t('ledger.field.priority')}>
            <select value={priority} onChange={(e) => setPriority(e.currentTarget.value as Priority)}>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`ledger.priority.${p}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('ledger.field.dueDate')}>
            <input type="date" value={dueDate} onInput={(e) => setDueDate(e.currentTarget.value)} />
          </Field>
        </div>
        <ErrorNote error={request.error} testId="register-error" />
        <div class="org-buttons">
          <SubmitButton busy={request.busy} testId="register-submit">
            {member ? t('ledger.new.submitButton') : t('ledger.new.registerButton')}
          </SubmitButton>
        </div>
      </form>
    </main>
  );
}
