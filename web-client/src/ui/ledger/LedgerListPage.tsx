import { useEffect, useState } from 'preact/hooks';
import { LEDGER_STATUSES, type LedgerRow, type LedgerStatus, type TopicSummary } from '@yishi/shared';
import { getLocale, t, useLocale } from '../../i18n/index.js';
import type { LedgerApi } from '../../lib/ledgerApi.js';
import { filtersQuery, type LedgerFilters, type LedgerViewer, ledgerHref } from '../../lib/ledgerLink.js';
import { ErrorNote } from '../ErrorNote.js';
import { Field } from '../organiser/formControls.js';
import { LoadState } from '../organiser/LoadState.js';
import { PageHeading } from '../organiser/PageHeading.js';
import { navigate } from '../organiser/route.js';
import { useRequest } from '../organiser/useRequest.js';
import { LedgerCounters } from './LedgerCounters.js';
import { OverdueNotice } from './OverdueNotice.js';
import { sourceName } from './names.js';

/** Items a page of the list holds. */
const PAGE_SIZE = 20;

/**
 * The ledger's list: the office's across topics (or one), a unit's inbox, a room's topic, or what
 * a member raised — filtered by topic, status, unit, sector and overdue, the overdue items first, each
 * group paged; with the office's counters and the exports of what is shown.
 */
export function LedgerListPage({
  api,
  viewer,
  filters,
}: {
  api: LedgerApi;
  viewer: LedgerViewer;
  filters: LedgerFilters;
}) {
  useLocale();
  const keeper = viewer.role === 'organiser' || viewer.role === 'secretary' || viewer.role === 'chair';
  const query = filtersQuery(filters);
  return (
    <main class="org-main" data-testid="ledger-list">
      <div class="org-title-row">
        <PageHeading>{heading(viewer)}</PageHeading>
        {viewer.role !== 'unit' && (
          <a class="button primary" href={ledgerHref.create()} data-testid="ledger-new">
            {viewer.role === 'member' ? t('ledger.new.submit') : t('ledger.new.heading')}
          </a>
        )}
      </div>
      {filters.overdue !== true && viewer.role !== 'member' && <OverdueNotice api={api} />}
      <FilterForm key={query} api={api} viewer={viewer} filters={filters} />
      {keeper && <LedgerCounters key={query} api={api} filters={filters} />}
      {viewer.role !== 'member' && <Exports api={api} filters={filters} />}
      {filters.overdue === undefined ? (
        <>
          <LedgerSection
            key={`overdue?${query}`}
            api={api}
            filters={{ ...filters, overdue: true }}
            title={t('ledger.list.overdue')}
            hideWhenEmpty
          />
          <LedgerSection
            key={`rest?${query}`}
            api={api}
            filters={{ ...filters, overdue: false }}
            title={t('ledger.list.others')}
          />
        </>
      ) : (
        <LedgerSection
          key={query}
          api={api}
          filters={filters}
          title={filters.overdue ? t('ledger.list.overdue') : t('ledger.list.others')}
        />
      )}
    </main>
  );
}

function heading(viewer: LedgerViewer): string {
  if (viewer.role === 'unit') return t('ledger.inbox', { unit: viewer.unit });
  if (viewer.role === 'member') return t('ledger.mine');
  if (viewer.role === 'organiser') return t('ledger.heading');
  return t('ledger.ofRoom', { room: viewer.room });
}

/** The filters as a form: applied together (a unit's name is typed), kept in the address for back and reload. */
function FilterForm({ api, viewer, filters }: { api: LedgerApi; viewer: LedgerViewer; filters: LedgerFilters }) {
  const [topic, setTopic] = useState(filters.topic ?? '');
  const [status, setStatus] = useState<string>(filters.status ?? '');
  const [unit, setUnit] = useState(filters.unit ?? '');
  const [sector, setSector] = useState(filters.sector ?? '');
  const [overdue, setOverdue] = useState(filters.overdue === true);
  const [topics, setTopics] = useState<TopicSummary[]>();
  const office = viewer.role === 'organiser';

  useEffect(() => {
    if (office) void api.topics().then(setTopics, () => setTopics([]));
  }, [api]);

  const apply = (e: Event) => {
    e.preventDefault();
    navigate(
      ledgerHref.list({
        ...(topic ? { topic } : {}),
        ...(status ? { status: status as LedgerStatus } : {}),
        ...(unit.trim() ? { unit: unit.trim() } : {}),
        ...(sector.trim() ? { sector: sector.trim() } : {}),
        ...(overdue ? { overdue: true } : {}),
      }),
    );
  };

  return (
    <form class="org-section ledger-filters" onSubmit={apply} aria-label={t('ledger.filter.label')}>
      <div class="org-pair">
        {office && (
          <Field label={t('ledger.filter.topic')}>
            <select value={topic} onChange={(e) => setTopic(e.currentTarget.value)} data-testid="filter-topic">
              <option value="">{t('ledger.filter.allTopics')}</option>
              {topics?.map((tp) => (
                <option key={tp.id} value={tp.id}>
                  {tp.title} ({tp.id})
                </option>
              ))}
              {filters.topic && !topics?.some((tp) => tp.id === filters.topic) && (
                <option value={filters.topic}>{filters.topic}</option>
              )}
            </select>
          </Field>
        )}
        <Field label={t('ledger.filter.status')}>
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)} data-testid="filter-status">
            <option value="">{t('ledger.filter.allStatuses')}</option>
            {LEDGER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`ledger.status.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        {viewer.role !== 'unit' && viewer.role !== 'member' && (
          <Field label={t('ledger.filter.unit')}>
            <input
              type="text"
              value={unit}
              maxLength={64}
              onInput={(e) => setUnit(e.currentTarget.value)}
              data-testid="filter-unit"
            />
          </Field>
        )}
        {viewer.role !== 'member' && (
          <Field label={t('ledger.filter.sector')}>
            <input
              type="text"
              value={sector}
              maxLength={32}
              onInput={(e) => setSector(e.currentTarget.value)}
              data-testid="filter-sector"
            />
          </Field>
        )}
      </div>
      <div class="org-buttons">
        <label class="check">
          <input
            type="checkbox"
            checked={overdue}
            onChange={(e) => setOverdue(e.currentTarget.checked)}
            data-testid="filter-overdue"
          />{' '}
          {t('ledger.filter.overdue')}
        </label>
        <button type="submit" class="primary" data-testid="filter-apply">
          {t('ledger.filter.apply')}
        </button>
        {filtersQuery(filters) && <a href={ledgerHref.list()}>{t('ledger.filter.clear')}</a>}
      </div>
    </form>
  );
}

/** Downloads of what the list shows, with its filters, in the page's language. */
function Exports({ api, filters }: { api: LedgerApi; filters: LedgerFilters }) {
  const request = useRequest();
  const download = (format: 'xlsx' | 'docx') => void request.run(() => api.download(format, filters, getLocale()));
  return (
    <div class="ledger-exports">
      <div class="org-buttons">
        <button type="button" onClick={() => download('xlsx')} disabled={request.busy} data-testid="export-xlsx">
          {t('ledger.export.xlsx')}
        </button>
        <button type="button" onClick={() => download('docx')} disabled={request.busy} data-testid="export-docx">
          {t('ledger.export.docx')}
        </button>
      </div>
      <ErrorNote error={request.error} testId="export-error" />
    </div>
  );
}

/** One group of items, a page at a time ("more" follows the cursor). */
function LedgerSection({
  api,
  filters,
  title,
  hideWhenEmpty = false,
}: {
  api: LedgerApi;
  filters: LedgerFilters;
  title: string;
  hideWhenEmpty?: boolean;
}) {
  const [rows, setRows] = useState<LedgerRow[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const request = useRequest();

  const load = (after: string | null) => {
    void request
      .run(() => api.page(filters, PAGE_SIZE, after))
      .then((page) => {
        if (!page) return;
        setRows((before) => [...(after ? (before ?? []) : []), ...page.items]);
        setCursor(page.nextCursor);
      });
  };
  useEffect(() => load(null), [api]);

  if (hideWhenEmpty && rows?.length === 0) return null;
  const testId = filters.overdue ? 'ledger-overdue' : 'ledger-items';
  return (
    <section class="ledger-group" aria-label={title} data-testid={testId}>
      <h2>{title}</h2>
      {!rows && <LoadState error={request.error} onRetry={() => load(null)} errorTestId="ledger-load-error" />}
      {rows?.length === 0 && <p class="muted">{t('ledger.list.empty')}</p>}
      {rows && rows.length > 0 && (
        <ul class="org-topics">
          {rows.map((row) => (
            <ItemCard key={row.id} row={row} />
          ))}
        </ul>
      )}
      {rows && cursor && (
        <div class="org-buttons">
          <button type="button" onClick={() => load(cursor)} disabled={request.busy} data-testid="ledger-more">
            {request.busy ? t('org.busy') : t('ledger.list.more')}
          </button>
          <ErrorNote error={request.error} />
        </div>
      )}
    </section>
  );
}

function ItemCard({ row }: { row: LedgerRow }) {
  return (
    <li
      class={row.overdue ? 'org-topic ledger-card overdue' : 'org-topic ledger-card'}
      data-testid="ledger-row"
      data-item-id={row.id}
      data-status={row.status}
      data-overdue={String(row.overdue)}
    >
      <h3 class="org-topic-title">
        <a href={ledgerHref.item(row.id)}>{row.title}</a>
      </h3>
      <StatusBadges row={row} />
      <dl class="org-facts">
        <div>
          <dt>{t('ledger.field.leadUnit')}</dt>
          <dd>{row.leadUnit ?? t('ledger.notAssigned')}</dd>
        </div>
        <div>
          <dt>{t('ledger.field.dueDate')}</dt>
          <dd>{row.dueDate ?? t('ledger.noDueDate')}</dd>
        </div>
        <div>
          <dt>{t('ledger.field.session')}</dt>
          <dd>
            <code>{row.sessionId}</code>
          </dd>
        </div>
        <div>
          <dt>{t('ledger.field.source')}</dt>
          <dd>{sourceName(row.source)}</dd>
        </div>
      </dl>
    </li>
  );
}

/** An item's status, overdue mark and priority, as labelled badges. */
export function StatusBadges({ row }: { row: Pick<LedgerRow, 'status' | 'overdue' | 'priority'> }) {
  return (
    <p class="org-badges">
      <span class={`badge ledger-status-${row.status}`} data-testid="item-status">
        {t('ledger.statusIs', { status: t(`ledger.status.${row.status}`) })}
      </span>
      {row.overdue && (
        <span class="badge ledger-overdue" data-testid="overdue-mark">
          {t('ledger.overdue')}
        </span>
      )}
      {row.priority !== 'normal' && (
        <span class={`badge ledger-priority-${row.priority}`}>{t(`ledger.priority.${row.priority}`)}</span>
      )}
    </p>
  );
}
