import type { EntryKind, Person, QueueEntry } from '@yishi/shared';
import { t, useLocale } from '../i18n/index.js';
import { type Consultation, type ConsultationState, remainingNow } from '../lib/Consultation.js';
import { useStore } from '../lib/store.js';
import { useAction } from './act.js';
import { clock, useNow } from './useNow.js';

const KINDS: EntryKind[] = ['contribution', 'point_of_order', 'reply'];

/** The floor: who speaks and for how long, who waits, and the buttons each role has. */
export function QueuePanel({ consultation, self }: { consultation: Consultation; self: Person }) {
  useLocale();
  const state = useStore(consultation.state);
  const { queue } = state;
  const { error, run } = useAction();
  const chair = self.role === 'chair';
  const canSpeak = self.role !== 'observer';
  const mine = (kind: EntryKind) => queue.entries.find((e) => e.speaker.id === self.id && e.kind === kind);
  const holding = queue.current?.speaker.id === self.id;
  const act = consultation.act.bind(consultation);

  return (
    <section class="panel queue" aria-labelledby="queue-heading" data-testid="queue-panel">
      <h2 id="queue-heading">{t('queue.heading')}</h2>
      <CurrentTurn state={state} />
      {queue.listClosed && (
        <p class="note">
          {t('queue.closed')}
          {queue.pointsOfOrderBlocked && ` · ${t('queue.pooBlocked')}`}
        </p>
      )}
      {canSpeak && (
        <div class="actions" data-testid="member-actions">
          {KINDS.map((kind) => {
            const entry = mine(kind);
            if (entry) {
              return (
                <button
                  key={kind}
                  type="button"
                  onClick={() => run(() => act('queue:withdraw', { entryId: entry.id }))}
                >
                  {t('queue.withdraw')} · {t(`kind.${kind}`)}
                </button>
              );
            }
            if (kind === 'reply' && (!queue.current || holding)) return null;
            return (
              <button
                key={kind}
                type="button"
                class={kind === 'contribution' ? 'primary' : undefined}
                data-testid={`request-${kind}`}
                onClick={() => run(() => act('queue:request', { kind }))}
              >
                {t(`queue.request.${kind}`)}
              </button>
            );
          })}
          {holding && (
            <button type="button" data-testid="yield" onClick={() => run(() => act('floor:yield', {}))}>
              {t('queue.yield')}
            </button>
          )}
        </div>
      )}
      {chair && <ChairFloorControls state={state} act={act} run={run} />}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {queue.entries.length === 0 ? (
        <p class="muted">{t('queue.empty')}</p>
      ) : (
        <ol class="entries" data-testid="queue-entries">
          {queue.entries.map((entry, index) => (
            <Entry
              key={entry.id}
              entry={entry}
              index={index}
              last={index === queue.entries.length - 1}
              self={self}
              chair={chair}
              act={act}
              run={run}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

function CurrentTurn({ state }: { state: ConsultationState }) {
  const current = state.queue.current;
  const now = useNow(500, Boolean(current && !current.paused));
  if (!current) return <p class="current none">{t('floor.nobody')}</p>;
  const left = remainingNow(state, now) ?? 0;
  return (
    <div
      class={`current${current.warned ? ' warned' : ''}`}
      data-testid="current-turn"
      data-speaker-id={current.speaker.id}
    >
      <span class="label">{t('floor.current')}</span>
      <strong class="speaker">{current.speaker.name}</strong>
      {current.speaker.sector && <span class="sector">{current.speaker.sector}</span>}
      <span class={`badge kind-${current.kind}`}>{t(`kind.${current.kind}`)}</span>
      <span class="clock" role="timer" aria-live="off">
        {left >= 0 ? t('floor.remaining', { time: clock(left) }) : t('floor.overtime', { time: clock(left) })}
      </span>
      {current.paused && <span class="badge">{t('floor.paused')}</span>}
      {current.warned && <span class="badge warn">{t('floor.warned')}</span>}
      {state.queue.interrupted.map((turn) => (
        <span key={turn.id} class="interrupted">
          {t('floor.interrupted', { name: turn.speaker.name })}
        </span>
      ))}
    </div>
  );
}

interface ActProps {
  act: Consultation['act'];
  run: (action: () => Promise<unknown>) => void;
}

function ChairFloorControls({ state, act, run }: ActProps & { state: ConsultationState }) {
  const { queue } = state;
  const current = queue.current;
  return (
    <div class="actions chair" data-testid="chair-floor">
      <button
        type="button"
        class="primary"
        data-testid="grant-next"
        disabled={queue.entries.length === 0}
        onClick={() => run(() => act('floor:grant', {}))}
      >
        {t('chair.grantNext')}
      </button>
      {current && (
        <>
          <button type="button" data-testid="end-turn" onClick={() => run(() => act('floor:end', {}))}>
            {t('chair.end')}
          </button>
          <button type="button" onClick={() => run(() => act(current.paused ? 'floor:resume' : 'floor:pause', {}))}>
            {current.paused ? t('chair.resume') : t('chair.pause')}
          </button>
          <button type="button" onClick={() => run(() => act('floor:extend', { seconds: 60 }))}>
            {t('chair.extend')}
          </button>
        </>
      )}
      <button type="button" onClick={() => run(() => act('queue:setClosed', { closed: !queue.listClosed }))}>
        {queue.listClosed ? t('chair.openList') : t('chair.closeList')}
      </button>
      <button
        type="button"
        data-testid="switch-mode"
        onClick={() =>
          run(() => act('session:configure', { settings: { mode: queue.mode === 'moderated' ? 'open' : 'moderated' } }))
        }
      >
        {queue.mode === 'moderated' ? t('chair.switchToOpen') : t('chair.switchToModerated')}
      </button>
    </div>
  );
}

function Entry(props: ActProps & { entry: QueueEntry; index: number; last: boolean; self: Person; chair: boolean }) {
  const { entry, index, last, self, chair, act, run } = props;
  return (
    <li data-testid="queue-entry" data-speaker-id={entry.speaker.id}>
      <span class="pos">{index + 1}</span>
      <span class="name">
        {entry.speaker.name}
        {entry.speaker.id === self.id && t('queue.you')}
      </span>
      {entry.speaker.sector && <span class="sector">{entry.speaker.sector}</span>}
      <span class={`badge kind-${entry.kind}`}>{t(`kind.${entry.kind}`)}</span>
      {chair && (
        <span class="row-actions">
          <button
            type="button"
            data-testid="grant-entry"
            onClick={() => run(() => act('floor:grant', { entryId: entry.id }))}
          >
            {t('chair.grant')}
          </button>
          <button
            type="button"
            aria-label={t('chair.up')}
            disabled={index === 0}
            onClick={() => run(() => act('queue:move', { entryId: entry.id, toIndex: index - 1 }))}
          >
            ↑
          </button>
          <button
            type="button"
            aria-label={t('chair.down')}
            disabled={last}
            onClick={() => run(() => act('queue:move', { entryId: entry.id, toIndex: index + 1 }))}
          >
            ↓
          </button>
          <button type="button" onClick={() => run(() => act('queue:remove', { entryId: entry.id }))}>
            {t('chair.remove')}
          </button>
        </span>
      )}
    </li>
  );
}
