import { useEffect, useRef, useState } from 'preact/hooks';
import { DEFAULT_TIME_ZONE, type LedgerHistoryEntry, type LedgerItemDetail } from '@yishi/shared';
import { t, useLocale } from '../../i18n/index.js';
import type { LedgerApi } from '../../lib/ledgerApi.js';
import { ledgerHref } from '../../lib/ledgerLink.js';
import { formatTime } from '../organiser/format.js';
import { LoadState } from '../organiser/LoadState.js';
import { PageHeading } from '../organiser/PageHeading.js';
import { useRequest } from '../organiser/useRequest.js';
import { LedgerSteps } from './LedgerSteps.js';
import { StatusBadges } from './LedgerListPage.js';
import { actorName, sourceName } from './names.js';

/** One item: its fields, the steps the viewer may take now, and every change in order. */
export function LedgerItemPage({ api, id }: { api: LedgerApi; id: string }) {
  useLocale();
  const [item, setItem] = useState<LedgerItemDetail>();
  const [done, setDone] = useState<string>();
  const doneRef = useRef<HTMLParagraphElement>(null);
  const request = useRequest();
  const load = () => void request.run(() => api.item(id)).then((found) => found && setItem(found));
  useEffect(load, [api]);
  // After a step the form that took it is gone: the focus goes to what was done.
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done, item]);

  return (
    <main
      class="org-main org-narrow"
      data-testid="ledger-item"
      data-item-id={id}
      data-status={item?.status}
      data-version={item?.history.length}
    >
      <p class="org-back">
        <a href={ledgerHref.list()}>{t('ledger.back')}</a>
      </p>
      {!item ? (
        <LoadState error={request.error} onRetry={load} errorTestId="item-load-error" />
      ) : (
        <>
          <PageHeading>{item.title}</PageHeading>
          <StatusBadges row={item} />
          <Facts item={item} />
          {item.description && <p class="org-pre">{item.description}</p>}
          {done && (
            <p class="org-ok" role="status" tabIndex={-1} ref={doneRef} data-testid="step-done">
              {done}
            </p>
          )}
          <LedgerSteps
            key={item.history.length}
            api={api}
            item={item}
            onDone={(message) => {
              setDone(message);
              load();
            }}
          />
          <Timeline history={item.history} />
        </>
      )}
    </main>
  );
}

function Facts({ item }: { item: LedgerItemDetail }) {
  const facts: Array<[string, string, string]> = [
    ['id', t('ledger.field.id'), item.id],
    ['category', t('ledger.field.category'), item.category],
    ['priority', t('ledger.field.priority'), t(`ledger.priority.${item.priority}`)],
    ['source', t('ledger.field.source'), sourceName(item.source)],
    ['topic', t('ledger.field.topic'), item.topicId],
    ['session', t('ledger.field.session'), item.sessionId],
    ['leadUnit', t('ledger.field.leadUnit'), item.leadUnit ?? t('ledger.notAssigned')],
    ['coUnits', t('ledger.field.coUnits'), item.coUnits.join(t('ledger.listSeparator')) || t('ledger.none')],
    ['dueDate', t('ledger.field.dueDate'), item.dueDate ?? t('ledger.noDueDate')],
    [
      'raisedBy',
      t('ledger.field.raisedBy'),
      item.raisedBy.map((p) => p.name).join(t('ledger.listSeparator')) || t('ledger.none'),
    ],
    ...(item.returnedReason
      ? [['returned', t('ledger.field.returnedReason'), item.returnedReason] as [string, string, string]]
      : []),
    ...(item.conversion
      ? [
          [
            'conversion',
            t('ledger.field.conversion'),
            `${t(`ledger.conversion.${item.conversion.kind}`)} ${item.conversion.reference}`.trim(),
          ] as [string, string, string],
        ]
      : []),
  ];
  return (
    <dl class="org-facts" data-testid="item-facts">
      {facts.map(([key, label, value]) => (
        <div key={key} data-fact={key}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Every change, oldest first: when, who (in what role), what changed, and the reason or comment given. */
function Timeline({ history }: { history: LedgerHistoryEntry[] }) {
  return (
    <section class="org-section" aria-labelledby="ledger-timeline">
      <h2 id="ledger-timeline">{t('ledger.timeline')}</h2>
      <ol class="ledger-timeline" data-testid="timeline">
        {history.map((entry, i) => {
          const { details, note } = describe(entry);
          return (
            <li key={i} class="ledger-entry" data-testid="timeline-entry" data-type={entry.type}>
              <p class="ledger-when">
                <time dateTime={entry.at}>{formatTime(Date.parse(entry.at), DEFAULT_TIME_ZONE)}</time>
                {' · '}
                <strong>{t(`ledger.change.${entry.type}`)}</strong>
              </p>
              <p class="ledger-by">
                {actorName(entry.data)}
                {entry.data.byRole !== 'organiser' && entry.data.byRole !== 'system' && (
                  <span class="muted"> · {t(`ledger.actor.${entry.data.byRole}`)}</span>
                )}
              </p>
              {details && <p class="org-pre">{details}</p>}
              {note && <p class="org-pre ledger-note">{note}</p>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** What a change was, in words: its details, and the reason or comment it was given with. */
function describe(entry: LedgerHistoryEntry): { details: string; note: string } {
  const sep = t('ledger.fieldSeparator');
  switch (entry.type) {
    case 'ledger.registered':
      return { details: `${sourceName(entry.data.source)}${sep}${entry.data.category}`, note: '' };
    case 'ledger.assigned': {
      const { leadUnit, coUnits, dueDate } = entry.data;
      const parts = [
        t('ledger.assignedTo', { unit: leadUnit }),
        ...(coUnits.length > 0 ? [t('ledger.withCoUnits', { units: coUnits.join(t('ledger.listSeparator')) })] : []),
        ...(dueDate ? [t('ledger.dueBy', { date: dueDate })] : []),
      ];
      return { details: parts.join(sep), note: '' };
    }
    case 'ledger.updated':
    case 'ledger.answered':
      return { details: entry.data.text, note: '' };
    case 'ledger.returned':
      return { details: '', note: t('ledger.reasonIs', { reason: entry.data.reason }) };
    case 'ledger.evaluated':
      return {
        details: t('ledger.ratedAs', { rating: t(`ledger.rating.${entry.data.rating}`), n: entry.data.answer }),
        note: entry.data.comment ? t('ledger.commentIs', { comment: entry.data.comment }) : '',
      };
    case 'ledger.converted':
      return {
        details: `${t(`ledger.conversion.${entry.data.kind}`)} ${entry.data.reference}`.trim(),
        note: '',
      };
    case 'ledger.started':
    case 'ledger.closed':
      return { details: '', note: '' };
  }
}
