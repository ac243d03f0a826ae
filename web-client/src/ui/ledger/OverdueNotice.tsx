import { useEffect, useState } from 'preact/hooks';
import { t, useLocale } from '../../i18n/index.js';
import type { LedgerApi } from '../../lib/ledgerApi.js';
import { ledgerHref } from '../../lib/ledgerLink.js';

/**
 * How many of the viewer's items are overdue, with a link to them: what a unit, a secretary or
 * the office sees first. Nothing while none is (or the count cannot be read: the list says why).
 */
export function OverdueNotice({ api }: { api: LedgerApi }) {
  useLocale();
  const [overdue, setOverdue] = useState<number>();
  useEffect(() => {
    void api.counts().then(
      (counts) => setOverdue(counts.overdue),
      () => setOverdue(undefined),
    );
  }, [api]);
  if (!overdue) return null;
  return (
    <p class="ledger-alert" role="status" data-testid="overdue-notice" data-count={overdue}>
      {t('ledger.overdueNotice', { n: overdue })}{' '}
      <a href={ledgerHref.list({ overdue: true })} data-testid="overdue-link">
        {t('ledger.overdueShow')}
      </a>
    </p>
  );
}
