import { useEffect, useState } from 'preact/hooks';
import type { LedgerCounts, Role } from '@yishi/shared';
import { t, useLocale } from '../i18n/index.js';
import { callApi } from '../lib/api.js';
import { ledgerLink } from '../lib/ledgerLink.js';
import { recordsLink } from '../lib/recordsLink.js';

/**
 * The room's way to its outcome ledger (问题台账), opened in another tab with this room's token:
 * for the chair and secretary with the number of the topic's overdue items, if any, and a link
 * to them; for a member, to what they raised. Beside it, "我的履职": the holder's participation
 * record, rank and card. Nothing for guests and observers (no part in either).
 */
export function LedgerRoomLink({ token, role }: { token: string; role: Role }) {
  useLocale();
  const [overdue, setOverdue] = useState(0);
  const officer = role === 'chair' || role === 'secretary';
  useEffect(() => {
    if (!officer) return;
    callApi<LedgerCounts>(token, 'GET', '/ledger/counts').then(
      (counts) => setOverdue(counts.overdue),
      // The count is a courtesy: without it the link still leads to the ledger, which says why.
      () => setOverdue(0),
    );
  }, [token]);
  if (!officer && role !== 'member') return null;
  return (
    <p class="ledger-room" data-testid="ledger-room">
      {overdue > 0 && (
        <span class="ledger-alert-text" role="status" data-testid="room-overdue" data-count={overdue}>
          {t('ledger.roomOverdue', { n: overdue })}{' '}
        </span>
      )}
      <a
        class="ledger-room-link"
        href={ledgerLink(location.origin, token, overdue > 0 ? { overdue: true } : {})}
        target="_blank"
        rel="noopener"
        data-testid="room-ledger-link"
      >
        {overdue > 0 ? t('ledger.overdueShow') : role === 'member' ? t('ledger.openMine') : t('ledger.open')}
      </a>{' '}
      <a
        class="ledger-room-link"
        href={recordsLink(location.origin, token)}
        target="_blank"
        rel="noopener"
        title={t('records.openTitle')}
        data-testid="room-records-link"
      >
        {t('records.open')}
      </a>
    </p>
  );
}
