import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { Field } from '../organiser/formControls.js';

/** The period shown when none is chosen: this calendar year (a term needs RECORDS_TERMS configured). */
export const defaultPeriod = (): string => String(new Date().getFullYear());

type Kind = 'term' | 'year' | 'month';

const kindOf = (period: string): Kind => (period.startsWith('term') ? 'term' : period.length === 7 ? 'month' : 'year');

/** A period as the API writes it, in the page's words. */
export function periodName(period: string): string {
  if (period.startsWith('term:')) return period.slice(5);
  if (period === 'term') return t('records.period.name.term');
  if (period.length === 7)
    return t('records.period.name.month', { year: period.slice(0, 4), month: Number(period.slice(5)) });
  return t('records.period.name.year', { year: period });
}

/** Picks a term, a year or a month; `onPick` gets the period as the API reads it. */
export function PeriodPicker({
  period,
  onPick,
  children,
}: {
  period: string;
  onPick: (period: string) => void;
  children?: ComponentChildren;
}) {
  const [kind, setKind] = useState<Kind>(kindOf(period));
  const [year, setYear] = useState(
    kindOf(period) === 'year' ? period : period.slice(0, 4).replace(/\D.*/, '') || defaultPeriod(),
  );
  const [month, setMonth] = useState(
    kindOf(period) === 'month' ? period : `${defaultPeriod()}-${String(new Date().getMonth() + 1).padStart(2, '0')}`,
  );
  const submit = (e: Event) => {
    e.preventDefault();
    onPick(kind === 'term' ? (kindOf(period) === 'term' ? period : 'term') : kind === 'year' ? year : month);
  };
  return (
    <form class="org-section records-period" onSubmit={submit} aria-label={t('records.period')}>
      <div class="org-pair">
        <Field label={t('records.period')}>
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)} data-testid="period-kind">
            <option value="year">{t('records.period.year')}</option>
            <option value="month">{t('records.period.month')}</option>
            <option value="term">{t('records.period.term')}</option>
          </select>
        </Field>
        {kind === 'year' && (
          <Field label={t('records.period.year')}>
            <input
              type="number"
              min={2000}
              max={2999}
              value={year}
              onInput={(e) => setYear(e.currentTarget.value)}
              data-testid="period-year"
            />
          </Field>
        )}
        {kind === 'month' && (
          <Field label={t('records.period.month')}>
            <input
              type="month"
              value={month}
              onInput={(e) => setMonth(e.currentTarget.value)}
              data-testid="period-month"
            />
          </Field>
        )}
        {children}
      </div>
      <div class="org-buttons">
        <button type="submit" class="primary" data-testid="period-show">
          {t('records.period.show')}
        </button>
      </div>
    </form>
  );
}
