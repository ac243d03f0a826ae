import { useEffect, useState } from 'preact/hooks';
import type { PersonRecord } from '@yishi/shared';
import { getLocale, t, useLocale } from '../../i18n/index.js';
import type { MessageKey } from '../../i18n/messages.js';
import type { RecordsApi } from '../../lib/recordsApi.js';
import { recordsHref } from '../../lib/recordsLink.js';
import { describeError } from '../describeError.js';
import { LoadState } from '../organiser/LoadState.js';
import { PageHeading } from '../organiser/PageHeading.js';
import { navigate } from '../organiser/route.js';
import { CardPanel } from './CardPanel.js';
import { defaultPeriod, PeriodPicker, periodName } from './PeriodPicker.js';

/**
 * A person's record over a period: "我的履职" for a member (their own token), or any person's for
 * the office — who they are, their rank and heat score, the figures, the sessions, and the card.
 */
export function RecordPage({
  api,
  personId,
  period: chosen,
  office,
}: {
  api: RecordsApi;
  personId: string;
  period: string | undefined;
  office: boolean;
}) {
  useLocale();
  const period = chosen ?? defaultPeriod();
  const [record, setRecord] = useState<PersonRecord>();
  const [error, setError] = useState<string>();
  const load = () => {
    setError(undefined);
    api.record(personId, period).then(setRecord, (err: unknown) => setError(describeError(err)));
  };
  useEffect(load, [api, personId, period]);
  const go = (next: string) => navigate(office ? recordsHref.person(personId, next) : recordsHref.home(next));

  return (
    <main class="org-main" data-testid="record-page">
      {office && <a href={recordsHref.home(chosen)}>{t('records.back')}</a>}
      <PageHeading>{office ? (record?.person.name ?? personId) : t('records.mine')}</PageHeading>
      <PeriodPicker key={period} period={period} onPick={go} />
      {!record ? <LoadState error={error} onRetry={load} errorTestId="record-error" /> : <RecordView record={record} />}
      {record && <CardPanel api={api} personId={personId} period={period} name={record.person.name} />}
    </main>
  );
}

const FIGURES: Array<[MessageKey, (r: PersonRecord) => string]> = [
  [
    'records.fig.attended',
    (r) => t('records.fig.attendedOf', { attended: r.attended, invited: Math.max(r.invited, r.attended) }),
  ],
  ['records.fig.presentMinutes', (r) => t('records.minutes', { n: r.presentMinutes })],
  ['records.fig.speeches', (r) => String(r.speeches)],
  ['records.fig.speakingTime', (r) => t('records.minutes', { n: Math.round(r.speakingSeconds / 60) })],
  ['records.fig.comments', (r) => String(r.comments)],
  ['records.fig.repliesReceived', (r) => String(r.repliesReceived)],
  ['records.fig.reactionsReceived', (r) => String(r.reactionsReceived)],
  ['records.fig.promoted', (r) => String(r.promoted)],
  ['records.fig.consensus', (r) => String(r.consensus)],
  ['records.fig.actions', (r) => String(r.actions)],
  ['records.fig.itemsRaised', (r) => String(r.itemsRaised)],
  ['records.fig.itemsSolved', (r) => String(r.itemsSolved)],
];

/** Who, the rank, the figures, the highlights and the sessions of one record. */
function RecordView({ record }: { record: PersonRecord }) {
  const { person } = record;
  const details = [person.sector, person.term, person.unit].filter(Boolean).join(' · ');
  const date = (iso: string) => new Date(iso).toLocaleDateString(getLocale());
  const h = record.highlights;
  return (
    <>
      <section class="org-section records-summary" data-testid="record-summary" data-period={record.period}>
        <h2>
          {person.name}
          {details && <span class="muted records-details"> {details}</span>}
        </h2>
        <p class="muted">{periodName(record.period)}</p>
        <p class="records-rank" data-testid="record-rank" data-rank={record.rank ?? ''}>
          <strong>
            {record.rank === null
              ? t('records.unranked')
              : t('records.rank', { rank: record.rank, ranked: record.ranked })}
          </strong>
          <span class="records-score" data-testid="record-score">
            {t('records.score', { score: record.score })}
          </span>
        </p>
      </section>
      <section class="org-section" aria-labelledby="records-figures">
        <h2 id="records-figures">{t('records.figures')}</h2>
        <dl class="records-figures" data-testid="record-figures">
          {FIGURES.map(([label, value]) => (
            <div key={label} data-testid={`fig-${label.slice('records.fig.'.length)}`}>
              <dt>{t(label)}</dt>
              <dd>{value(record)}</dd>
            </div>
          ))}
        </dl>
      </section>
      {(h.firstSpeech || h.topTopic || h.solvedItems.length > 0) && (
        <section class="org-section" aria-labelledby="records-highlights">
          <h2 id="records-highlights">{t('records.highlights')}</h2>
          <dl class="org-facts org-facts-wide">
            {h.firstSpeech && (
              <div>
                <dt>{t('records.hl.firstSpeech')}</dt>
                <dd>
                  {date(h.firstSpeech.at)} · {h.firstSpeech.title}
                </dd>
              </div>
            )}
            {h.topTopic && (
              <div>
                <dt>{t('records.hl.topTopic')}</dt>
                <dd>{t('records.hl.topicSpeeches', { title: h.topTopic.title, n: h.topTopic.speeches })}</dd>
              </div>
            )}
            {h.solvedItems.length > 0 && (
              <div>
                <dt>{t('records.hl.solved')}</dt>
                <dd>{h.solvedItems.map((i) => i.title).join('；')}</dd>
              </div>
            )}
          </dl>
        </section>
      )}
      <section class="org-section" aria-labelledby="records-sessions">
        <h2 id="records-sessions">{t('records.sessions')}</h2>
        {record.sessions.length === 0 ? (
          <p class="muted">{t('records.sessions.empty')}</p>
        ) : (
          <ul class="records-sessions" data-testid="record-sessions">
            {record.sessions.map((s) => (
              <li key={s.sessionId} data-testid="record-session" data-session={s.sessionId}>
                <span class="records-session-title">{s.title}</span>
                <span class="muted">
                  {date(s.date)} ·{' '}
                  {s.attended
                    ? t('records.session.facts', {
                        speeches: s.speeches,
                        minutes: Math.round(s.speakingSeconds / 60),
                        comments: s.comments,
                      })
                    : t('records.session.absent')}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
