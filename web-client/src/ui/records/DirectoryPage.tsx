import { useEffect, useState } from 'preact/hooks';
import type { DirectoryPerson, PersonCreate } from '@yishi/shared';
import { getLocale, t, useLocale } from '../../i18n/index.js';
import type { RecordsApi } from '../../lib/recordsApi.js';
import { recordsHref } from '../../lib/recordsLink.js';
import { describeError } from '../describeError.js';
import { ErrorNote } from '../ErrorNote.js';
import { Field, SubmitButton } from '../organiser/formControls.js';
import { LoadState } from '../organiser/LoadState.js';
import { PageHeading } from '../organiser/PageHeading.js';
import { navigate } from '../organiser/route.js';
import { useRequest } from '../organiser/useRequest.js';
import { defaultPeriod, PeriodPicker } from './PeriodPicker.js';

/**
 * The office's member directory (委员名录): every person with their id (their tokens' `sub`),
 * sector, term and unit; add and edit one, import a roster (CSV), merge two entries that are one
 * person, take one off the board; open anyone's record; export the period's records.
 */
export function DirectoryPage({ api, period: chosen }: { api: RecordsApi; period: string | undefined }) {
  useLocale();
  const period = chosen ?? defaultPeriod();
  const [people, setPeople] = useState<DirectoryPerson[]>();
  const [error, setError] = useState<string>();
  const [search, setSearch] = useState('');
  const load = () => {
    setError(undefined);
    api.people().then(setPeople, (err: unknown) => setError(describeError(err)));
  };
  useEffect(load, [api]);
  const needle = search.trim().toLowerCase();
  const shown = people
    ?.filter((p) => !needle || [p.id, p.name, p.sector, p.unit].some((v) => v?.toLowerCase().includes(needle)))
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));

  return (
    <main class="org-main" data-testid="directory-page">
      <PageHeading>{t('records.dir.heading')}</PageHeading>
      <PeriodPicker key={period} period={period} onPick={(p) => navigate(recordsHref.home(p))} />
      <Exports api={api} period={period} />
      <div class="records-tools">
        <AddPerson api={api} onDone={load} />
        <ImportRoster api={api} onDone={load} />
        <MergePeople api={api} onDone={load} />
      </div>
      <section class="org-section" aria-labelledby="dir-list">
        <h2 id="dir-list">
          {t('records.directory')}
          {people && <span class="muted records-details"> {t('records.dir.count', { n: people.length })}</span>}
        </h2>
        <Field label={t('records.dir.search')}>
          <input
            type="search"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
            data-testid="dir-search"
          />
        </Field>
        {!shown ? (
          <LoadState error={error} onRetry={load} errorTestId="dir-error" />
        ) : shown.length === 0 ? (
          <p class="muted">{t('records.dir.empty')}</p>
        ) : (
          <ul class="records-people" data-testid="dir-list">
            {shown.map((p) => (
              <PersonRow key={`${p.id}|${p.updatedAt}`} api={api} person={p} period={period} onDone={load} />
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}

function Exports({ api, period }: { api: RecordsApi; period: string }) {
  const request = useRequest();
  const download = (format: 'csv' | 'xlsx') => void request.run(() => api.exportRecords(format, period, getLocale()));
  return (
    <section class="org-section" aria-labelledby="dir-exports">
      <h2 id="dir-exports">{t('records.dir.exports')}</h2>
      <div class="org-buttons">
        <button type="button" onClick={() => download('csv')} disabled={request.busy} data-testid="export-csv">
          {t('records.dir.csv')}
        </button>
        <button type="button" onClick={() => download('xlsx')} disabled={request.busy} data-testid="export-xlsx">
          {t('records.dir.xlsx')}
        </button>
        <a href={recordsHref.board(period)}>{t('records.board')}</a>
      </div>
      <ErrorNote error={request.error} testId="export-error" />
    </section>
  );
}

type Fields = { name: string; sector: string; term: string; unit: string };

/** Name, sector, term and unit; empty optional fields are sent as null (cleared). */
function PersonFields({ fields, onChange }: { fields: Fields; onChange: (f: Fields) => void }) {
  const input = (key: keyof Fields, label: string, max: number, required = false) => (
    <Field label={label} required={required}>
      <input
        type="text"
        value={fields[key]}
        maxLength={max}
        required={required}
        onInput={(e) => onChange({ ...fields, [key]: e.currentTarget.value })}
        data-testid={`person-${key}`}
      />
    </Field>
  );
  return (
    <div class="org-pair">
      {input('name', t('records.dir.name'), 64, true)}
      {input('sector', t('records.dir.sector'), 32)}
      {input('term', t('records.dir.term'), 32)}
      {input('unit', t('records.dir.unit'), 64)}
    </div>
  );
}

const orNull = (v: string) => v.trim() || null;

function AddPerson({ api, onDone }: { api: RecordsApi; onDone: () => void }) {
  const empty = { name: '', sector: '', term: '', unit: '' };
  const [id, setId] = useState('');
  const [fields, setFields] = useState<Fields>(empty);
  const request = useRequest();
  const submit = async (e: Event) => {
    e.preventDefault();
    const body: PersonCreate = {
      ...(id.trim() ? { id: id.trim() } : {}),
      name: fields.name.trim(),
      sector: orNull(fields.sector),
      term: orNull(fields.term),
      unit: orNull(fields.unit),
    };
    if (await request.run(() => api.add(body))) {
      setId('');
      setFields(empty);
      onDone();
    }
  };
  return (
    <details class="org-section">
      <summary data-testid="dir-add-open">{t('records.dir.add')}</summary>
      <form class="org-form" onSubmit={submit}>
        <Field label={t('records.dir.id')}>
          <input
            type="text"
            value={id}
            maxLength={128}
            onInput={(e) => setId(e.currentTarget.value)}
            data-testid="person-id"
          />
        </Field>
        <PersonFields fields={fields} onChange={setFields} />
        <ErrorNote error={request.error} testId="dir-add-error" />
        <SubmitButton busy={request.busy} testId="dir-add">
          {t('records.dir.add')}
        </SubmitButton>
      </form>
    </details>
  );
}

function ImportRoster({ api, onDone }: { api: RecordsApi; onDone: () => void }) {
  const [file, setFile] = useState<File>();
  const [done, setDone] = useState<string>();
  const request = useRequest();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setDone(undefined);
    const result = await request.run(async () => api.importRoster(await file.text()));
    if (result) {
      setDone(t('records.dir.importDone', { ...result }));
      onDone();
    }
  };
  return (
    <details class="org-section">
      <summary data-testid="dir-import-open">{t('records.dir.import')}</summary>
      <form class="org-form" onSubmit={submit}>
        <p class="org-hint">{t('records.dir.importHint')}</p>
        <Field label={t('records.dir.importFile')}>
          <input
            type="file"
            accept=".csv,text/csv,text/plain"
            required
            onChange={(e) => setFile(e.currentTarget.files?.[0])}
            data-testid="dir-import-file"
          />
        </Field>
        <ErrorNote error={request.error} testId="dir-import-error" />
        {done && (
          <p class="org-ok" role="status" data-testid="dir-import-done">
            {done}
          </p>
        )}
        <SubmitButton busy={request.busy} testId="dir-import">
          {t('records.dir.import')}
        </SubmitButton>
      </form>
    </details>
  );
}

function MergePeople({ api, onDone }: { api: RecordsApi; onDone: () => void }) {
  const [from, setFrom] = useState('');
  const [into, setInto] = useState('');
  const [done, setDone] = useState<string>();
  const request = useRequest();
  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(undefined);
    const kept = await request.run(() => api.merge(from.trim(), into.trim()));
    if (kept) {
      setDone(t('records.dir.mergeDone', { name: kept.name }));
      setFrom('');
      setInto('');
      onDone();
    }
  };
  return (
    <details class="org-section">
      <summary data-testid="dir-merge-open">{t('records.dir.merge')}</summary>
      <form class="org-form" onSubmit={submit}>
        <p class="org-hint">{t('records.dir.mergeHint')}</p>
        <div class="org-pair">
          <Field label={t('records.dir.mergeFrom')} required>
            <input
              type="text"
              value={from}
              required
              maxLength={128}
              onInput={(e) => setFrom(e.currentTarget.value)}
              data-testid="merge-from"
            />
          </Field>
          <Field label={t('records.dir.mergeInto')} required>
            <input
              type="text"
              value={into}
              required
              maxLength={128}
              onInput={(e) => setInto(e.currentTarget.value)}
              data-testid="merge-into"
            />
          </Field>
        </div>
        <ErrorNote error={request.error} testId="dir-merge-error" />
        {done && (
          <p class="org-ok" role="status">
            {done}
          </p>
        )}
        <SubmitButton busy={request.busy} testId="dir-merge">
          {t('records.dir.merge')}
        </SubmitButton>
      </form>
    </details>
  );
}

function PersonRow({
  api,
  person,
  period,
  onDone,
}: {
  api: RecordsApi;
  person: DirectoryPerson;
  period: string;
  onDone: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [fields, setFields] = useState<Fields>({
    name: person.name,
    sector: person.sector ?? '',
    term: person.term ?? '',
    unit: person.unit ?? '',
  });
  const request = useRequest();
  const save = async (e: Event) => {
    e.preventDefault();
    const body = {
      name: fields.name.trim(),
      sector: orNull(fields.sector),
      term: orNull(fields.term),
      unit: orNull(fields.unit),
    };
    if (await request.run(() => api.update(person.id, body))) onDone();
  };
  const setStatus = async (status: 'active' | 'removed') => {
    if (await request.run(() => api.update(person.id, { status }))) onDone();
  };
  const details = [person.sector, person.term, person.unit].filter(Boolean).join(' · ');
  return (
    <li class="records-person" data-testid="dir-person" data-person={person.id} data-status={person.status}>
      <div class="records-person-head">
        <a href={recordsHref.person(person.mergedInto ?? person.id, period)}>
          <strong>{person.name}</strong>
        </a>
        <code class="muted">{person.id}</code>
        <span class={`badge records-status-${person.status}`}>
          {person.status === 'merged'
            ? t('records.dir.status.merged', { into: person.mergedInto ?? '' })
            : t(`records.dir.status.${person.status}`)}
        </span>
      </div>
      {details && <p class="muted records-details">{details}</p>}
      {person.status !== 'merged' && (
        <div class="org-buttons">
          <button
            type="button"
            class="org-small"
            onClick={() => setEditing(!editing)}
            aria-expanded={editing}
            data-testid="dir-edit"
          >
            {t('records.dir.edit')}
          </button>
          <button
            type="button"
            class="org-small"
            disabled={request.busy}
            onClick={() => void setStatus(person.status === 'active' ? 'removed' : 'active')}
            data-testid="dir-status"
          >
            {person.status === 'active' ? t('records.dir.remove') : t('records.dir.restore')}
          </button>
        </div>
      )}
      {editing && (
        <form class="org-form" onSubmit={save}>
          <PersonFields fields={fields} onChange={setFields} />
          <SubmitButton busy={request.busy} testId="dir-save">
            {t('records.dir.save')}
          </SubmitButton>
        </form>
      )}
      <ErrorNote error={request.error} />
    </li>
  );
}
