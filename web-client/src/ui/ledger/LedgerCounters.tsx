import { useEffect, useState } from 'preact/hooks';
import { CONVERSIONS, LEDGER_STATUSES, type LedgerCounts, RATINGS } from '@yishi/shared';
import { t, useLocale } from '../../i18n/index.js';
import type { LedgerApi } from '../../lib/ledgerApi.js';
import type { LedgerFilters } from '../../lib/ledgerLink.js';
import { LoadState } from '../organiser/LoadState.js';
import { useRequest } from '../organiser/useRequest.js';

/**
 * The committee office's counters over the filtered items (`GET /api/ledger/counts`): how many,
 * how many overdue, in each status, what they became (成果转化), and the members' latest ratings.
 */
export function LedgerCounters({ api, filters }: { api: LedgerApi; filters: LedgerFilters }) {
  useLocale();
  const [counts, setCounts] = useState<LedgerCounts>();
  const request = useRequest();
  const load = () => void request.run(() => api.counts(filters)).then((c) => c && setCounts(c));
  useEffect(load, [api]);

  return (
    <section class="org-section" aria-labelledby="ledger-counters" data-testid="ledger-counters">
      <h2 id="ledger-counters">{t('ledger.counters')}</h2>
      {!counts ? (
        <LoadState error={request.error} onRetry={load} />
      ) : (
        <div class="ledger-counters">
          <Group
            title={t('ledger.counters.total')}
            figures={[
              ['items', t('ledger.counters.items'), counts.items],
              ['overdue', t('ledger.overdue'), counts.overdue],
            ]}
          />
          <Group
            title={t('ledger.field.status')}
            figures={LEDGER_STATUSES.map((s) => [s, t(`ledger.status.${s}`), counts.byStatus[s]])}
          />
          <Group
            title={t('ledger.counters.conversions')}
            figures={CONVERSIONS.map((c) => [c, t(`ledger.conversion.${c}`), counts.conversions[c]])}
          />
          <Group
            title={t('ledger.counters.ratings')}
            figures={RATINGS.map((r) => [r, t(`ledger.rating.${r}`), counts.ratings[r]])}
          />
        </div>
      )}
    </section>
  );
}

function Group({ title, figures }: { title: string; figures: Array<[string, string, number]> }) {
  return (
    <div class="ledger-counter-group">
      <h3>{title}</h3>
      <dl>
        {figures.map(([key, label, n]) => (
          <div key={key} data-testid={`count-${key}`}>
            <dt>{label}</dt>
            <dd>{n}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
