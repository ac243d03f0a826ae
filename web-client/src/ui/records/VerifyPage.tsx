import { useEffect, useState } from 'preact/hooks';
import type { CardVerification } from '@yishi/shared';
import { getLocale, t, useLocale } from '../../i18n/index.js';
import { verifyCard } from '../../lib/recordsApi.js';
import { RequestError } from '../../lib/signaling.js';
import { describeError } from '../describeError.js';
import { ErrorNote } from '../ErrorNote.js';
import { LanguageSwitch } from '../LanguageSwitch.js';
import { PageHeading } from '../organiser/PageHeading.js';
import { periodName } from './PeriodPicker.js';

/** `/records/verify?…`: what a card's QR code opens — the server's check of its signed link, and the figures. */
export function VerifyPage() {
  useLocale();
  const [result, setResult] = useState<CardVerification>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    verifyCard(location.search).then(setResult, (err: unknown) => setError(refusal(err)));
  }, []);
  const f = result?.figures;
  return (
    <div class="org records" data-testid="verify">
      <header class="org-head">
        <span class="org-brand">{t('records.title')}</span>
        <LanguageSwitch />
      </header>
      <main class="org-main org-narrow">
        <PageHeading>{t('records.verify.heading')}</PageHeading>
        <ErrorNote error={error} testId="verify-error" />
        {result && f && (
          <section class="org-section" data-testid="verify-result" data-current={String(result.current)}>
            <p class="org-ok" role="status">
              {t('records.verify.ok')}
            </p>
            <h2>
              {result.person.name}
              <span class="muted records-details">
                {' '}
                {[result.person.sector, result.person.term].filter(Boolean).join(' · ')}
              </span>
            </h2>
            <p class="muted">{periodName(result.period)}</p>
            <p>{result.current ? t('records.verify.current') : t('records.verify.changed')}</p>
            <dl class="records-figures" data-testid="verify-figures">
              <Figure
                label={t('records.fig.attended')}
                value={t('records.fig.attendedOf', { attended: f.attended, invited: Math.max(f.invited, f.attended) })}
              />
              <Figure label={t('records.fig.speeches')} value={String(f.speeches)} />
              <Figure
                label={t('records.fig.speakingTime')}
                value={t('records.minutes', { n: Math.round(f.speakingSeconds / 60) })}
              />
              <Figure label={t('records.fig.comments')} value={String(f.comments)} />
              <Figure label={t('records.fig.itemsRaised')} value={String(f.itemsRaised)} />
              <Figure label={t('records.fig.itemsSolved')} value={String(f.itemsSolved)} />
            </dl>
            {result.rank !== null && (
              <p>
                {t('records.rank', { rank: result.rank, ranked: result.ranked })} ·{' '}
                {t('records.score', { score: result.score })}
              </p>
            )}
            <p class="muted">
              {t('records.verify.expires', { date: new Date(result.expiresAt).toLocaleDateString(getLocale()) })}
            </p>
          </section>
        )}
      </main>
    </div>
  );
}

/** Why a link was refused, in the reader's language: forged, changed or expired (403), or cut short (400). */
function refusal(err: unknown): string {
  if (err instanceof RequestError && err.code === 'NOT_ALLOWED') return t('records.verify.notGenuine');
  if (err instanceof RequestError && err.code === 'INVALID_REQUEST') return t('records.verify.incomplete');
  return describeError(err);
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
