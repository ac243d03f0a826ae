import { useEffect, useRef, useState } from 'preact/hooks';
import type { ActionStatus, MinutesView, Person } from '@yishi/shared';
import { getLocale, t, useLocale } from '../i18n/index.js';
import type { Consultation } from '../lib/Consultation.js';
import { downloadMinutes, type MinutesFormat, previewMinutes } from '../lib/exportMinutes.js';
import { useStore } from '../lib/store.js';
import { useAction } from './act.js';
import { ErrorNote } from './ErrorNote.js';
import { clock } from './useNow.js';
import { Select } from './Select.js';

const ACTION_STATUSES: ActionStatus[] = ['open', 'in_progress', 'done', 'dropped'];

/** The secretary's minutes (the chair reviews and finalizes): speeches with summaries, notes, consensus, actions. */
export function MinutesPanel(props: { consultation: Consultation; self: Person; token: string }) {
  useLocale();
  const { consultation, self } = props;
  const state = useStore(consultation.state);
  const { error, run } = useAction();
  const [preview, setPreview] = useState<string>();
  const view = state.minutes;
  if (!view) return null;
  const { minutes } = view;
  const secretary = self.role === 'secretary';
  const editable = secretary && minutes.status === 'draft';
  const act = consultation.act.bind(consultation);
  // Edits that are safe to send twice (they overwrite, or carry their own id) go through the
  // outbox: made while the connection is down, they are sent once it is back. Submitting,
  // finalizing and removing are not retried behind the user's back.
  const deliver = consultation.deliver.bind(consultation);
  const sessionId = state.session.session.id;
  const last = minutes.finalized.at(-1);

  return (
    <section class="panel minutes" aria-labelledby="minutes-heading" data-testid="minutes-panel">
      <h2 id="minutes-heading">
        {t('minutes.heading')} · {t('minutes.version', { n: minutes.version })} ·{' '}
        {t(`minutes.status.${minutes.status}`)}
      </h2>
      {last && <p class="muted">{t('minutes.finalizedAs', { n: last.version, hash: last.hash.slice(0, 12) })}</p>}
      <div class="actions">
        {secretary && minutes.status === 'draft' && (
          <button type="button" onClick={() => run(() => act('minutes:submit', {}))}>
            {t('minutes.submit')}
          </button>
        )}
        {self.role === 'chair' && minutes.status === 'under_review' && (
          <button type="button" class="primary" onClick={() => run(() => act('minutes:finalize', {}))}>
            {t('minutes.finalize')}
          </button>
        )}
        {minutes.status !== 'draft' && (
          <button type="button" onClick={() => run(() => act('minutes:reopen', {}))}>
            {t('minutes.reopen')}
          </button>
        )}
        <button
          type="button"
          data-testid="preview"
          onClick={() => run(async () => setPreview(await previewMinutes(sessionId, props.token, getLocale())))}
        >
          {t('minutes.preview')}
        </button>
        {(['docx', 'md', 'json'] as MinutesFormat[]).map((format) => (
          <button
            key={format}
            type="button"
            data-testid={`export-${format}`}
            onClick={() => run(() => downloadMinutes(sessionId, props.token, format, getLocale()))}
          >
            {t('minutes.export')} {format.toUpperCase()}
          </button>
        ))}
      </div>
      <ErrorNote error={error} />
      {preview !== undefined && (
        <section class="preview-md" aria-label={t('minutes.preview')} data-testid="minutes-preview">
          <button type="button" class="link" onClick={() => setPreview(undefined)}>
            {t('minutes.previewClose')}
          </button>
          <pre>{preview}</pre>
        </section>
      )}

      <h3>{t('minutes.attendance')}</h3>
      <ul class="attendance" data-testid="attendance">
        {view.attendance.map(({ person, present, presentMs }) => (
          <li key={person.id} class="attendance-row">
            <span>{person.name}</span>
            {person.sector && <span class="sector">{person.sector}</span>}
            <span class="muted">
              {t(`role.${person.role}`)} · {present ? t('minutes.present') : t('minutes.left')} ·{' '}
              {t('minutes.presentFor', { time: clock(presentMs) })}
            </span>
          </li>
        ))}
      </ul>

      <h3>{t('minutes.turns')}</h3>
      {view.turns.length === 0 && <p class="muted">{t('minutes.noTurns')}</p>}
      <ol class="turns">
        {view.turns.map((turn) => (
          <li key={turn.id} data-testid="minutes-turn" data-turn-id={turn.id}>
            <header>
              <strong>
                {turn.namedSpeaker
                  ? t('site.speakerAt', { name: turn.namedSpeaker, site: turn.speaker.name })
                  : turn.speaker.name}
              </strong>
              {turn.speaker.sector && <span class="sector">{turn.speaker.sector}</span>}
              <span class={`badge kind-${turn.kind}`}>{t(`kind.${turn.kind}`)}</span>
              <time>{new Date(turn.startedAt).toLocaleTimeString(getLocale())}</time>
              <span>{t('minutes.duration', { time: clock(turn.spokenMs) })}</span>
            </header>
            <AutosaveText
              label={t('minutes.summary')}
              value={minutes.summaries[turn.id]?.text ?? ''}
              disabled={!editable}
              testId="summary-input"
              save={(text) => deliver('minutes:setSummary', { turnId: turn.id, text }, `summary:${turn.id}`)}
            />
          </li>
        ))}
      </ol>

      <h3>{t('minutes.consensus')}</h3>
      <ItemList
        items={minutes.consensus}
        editable={editable}
        onAdd={(text) => run(() => deliver('minutes:addConsensus', { id: crypto.randomUUID(), text }))}
        onRemove={(id) => run(() => act('minutes:removeConsensus', { id }))}
      />

      <h3>{t('minutes.actions')}</h3>
      <Actions view={view} editable={editable} act={act} deliver={deliver} run={run} />

      <h3>{t('minutes.notes')}</h3>
      <AutosaveText
        label={t('minutes.notes')}
        value={minutes.notes}
        disabled={!editable}
        save={(text) => deliver('minutes:setNotes', { text }, 'notes')}
      />
    </section>
  );
}

/**
 * A text area that saves itself a moment after the last keystroke, and keeps what was typed
 * until the server has it: a newer server value never overwrites unsaved typing.
 */
function AutosaveText(props: {
  label: string;
  value: string;
  disabled: boolean;
  testId?: string;
  save: (text: string) => Promise<unknown>;
}) {
  const [text, setText] = useState(props.value);
  const [status, setStatus] = useState<'saved' | 'saving' | 'dirty'>('saved');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    if (status === 'saved') setText(props.value);
  }, [props.value]);
  const flush = (value: string) => {
    setStatus('saving');
    props.save(value).then(
      () => setStatus((s) => (s === 'saving' ? 'saved' : s)),
      () => setStatus('dirty'),
    );
  };
  return (
    <label class="autosave">
      <span class="sr-only">{props.label}</span>
      <textarea
        rows={3}
        value={text}
        disabled={props.disabled}
        data-testid={props.testId}
        onInput={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          setStatus('dirty');
          clearTimeout(timer.current);
          timer.current = setTimeout(() => flush(value), 800);
        }}
        onBlur={() => {
          if (status === 'dirty') {
            clearTimeout(timer.current);
            flush(text);
          }
        }}
      />
      {/* Read-only (under review, finalized, or not the secretary's): nothing is being saved. */}
      {!props.disabled && (
        <span class="save-state" data-state={status}>
          {status === 'saved' ? t('minutes.saved') : t('minutes.saving')}
        </span>
      )}
    </label>
  );
}

function ItemList(props: {
  items: Array<{ id: string; text: string }>;
  editable: boolean;
  onAdd: (text: string) => void;
  onRemove: (id: string) => void;
}) {
  const [draft, setDraft] = useState('');
  return (
    <>
      <ul class="items">
        {props.items.map((item) => (
          <li key={item.id}>
            {item.text}
            {props.editable && (
              <button type="button" class="link" onClick={() => props.onRemove(item.id)}>
                {t('minutes.delete')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {props.editable && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!draft.trim()) return;
            props.onAdd(draft);
            setDraft('');
          }}
        >
          <CompactInput label={t('minutes.consensus')} value={draft} onValue={setDraft} />
          <button type="submit">{t('minutes.add')}</button>
        </form>
      )}
    </>
  );
}

function Actions(props: {
  view: MinutesView;
  editable: boolean;
  act: Consultation['act'];
  deliver: Consultation['deliver'];
  run: (action: () => Promise<unknown>) => void;
}) {
  const { view, editable, act, deliver, run } = props;
  const [title, setTitle] = useState('');
  const [owner, setOwner] = useState('');
  const [due, setDue] = useState('');
  return (
    <>
      <table class="actions-table">
        <thead>
          <tr>
            <th>{t('minutes.title')}</th>
            <th>{t('minutes.ownerUnit')}</th>
            <th>{t('minutes.dueDate')}</th>
            <th>{t('minutes.actionStatus')}</th>
          </tr>
        </thead>
        <tbody>
          {view.minutes.actions.map((a) => (
            <tr key={a.id}>
              <td>{a.title}</td>
              <td>{a.ownerUnit}</td>
              <td>{a.dueDate ?? ''}</td>
              <td>
                <Select
                  value={a.status}
                  options={ACTION_STATUSES}
                  label={(s) => t(`minutes.action.${s}`)}
                  onChange={(status) => run(() => act('minutes:updateAction', { id: a.id, status }))}
                  ariaLabel={t('minutes.actionStatus')}
                  disabled={!editable}
                />
                {editable && (
                  <button
                    type="button"
                    class="link"
                    onClick={() => run(() => act('minutes:removeAction', { id: a.id }))}
                  >
                    {t('minutes.delete')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editable && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!title.trim() || !owner.trim()) return;
            run(() =>
              deliver('minutes:addAction', {
                id: crypto.randomUUID(),
                title,
                ownerUnit: owner,
                ...(due ? { dueDate: due } : {}),
              }),
            );
            setTitle('');
            setOwner('');
            setDue('');
          }}
        >
          <CompactInput label={t('minutes.title')} value={title} onValue={setTitle} />
          <CompactInput label={t('minutes.ownerUnit')} value={owner} onValue={setOwner} />
          <input
            aria-label={t('minutes.dueDate')}
            type="date"
            value={due}
            onInput={(e) => setDue(e.currentTarget.value)}
          />
          <button type="submit">{t('minutes.add')}</button>
        </form>
      )}
    </>
  );
}

/** An input of an inline form, named by its placeholder (there is no room for a label). */
function CompactInput({ label, value, onValue }: { label: string; value: string; onValue: (value: string) => void }) {
  return <input aria-label={label} placeholder={label} value={value} onInput={(e) => onValue(e.currentTarget.value)} />;
}
