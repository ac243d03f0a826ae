import { useEffect, useRef, useState } from 'preact/hooks';
import type { EntryKind, Person, QueueEntry } from '@yishi/shared';
import { t, useLocale } from '../i18n/index.js';
import { type Consultation, type ConsultationState, remainingNow } from '../lib/Consultation.js';
import { useStore } from '../lib/store.js';
import { useAction } from './act.js';
import { ErrorNote } from './ErrorNote.js';
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
  const reorder = useReorder(queue.entries, act, run);

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
          {/* While speaking, ending one's turn comes first; asking for another stays possible. */}
          {holding && (
            <button type="button" class="primary" data-testid="yield" onClick={() => run(() => act('floor:yield', {}))}>
              {t('queue.yield')}
            </button>
          )}
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
                class={kind === 'contribution' && !holding ? 'primary' : undefined}
                data-testid={`request-${kind}`}
                onClick={() => run(() => act('queue:request', { kind }))}
              >
                {t(`queue.request.${kind}`)}
              </button>
            );
          })}
        </div>
      )}
      {chair && <ChairFloorControls state={state} act={act} run={run} />}
      <ErrorNote error={error} />
      {queue.entries.length === 0 ? (
        <p class="muted">{t('queue.empty')}</p>
      ) : (
        <>
          {chair && queue.entries.length > 1 && (
            <p class="hint" id="reorder-hint">
              {t('queue.reorderHint')}
            </p>
          )}
          <ol class="entries" data-testid="queue-entries" ref={reorder.listRef}>
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
                reorder={reorder}
              />
            ))}
          </ol>
        </>
      )}
      {/* Moves are announced to screen readers (keyboard reordering moves the focused entry). */}
      <p class="sr-only" aria-live="polite" data-testid="queue-announce">
        {reorder.announcement}
      </p>
    </section>
  );
}

interface Reorder {
  listRef: { current: HTMLOListElement | null };
  entries: QueueEntry[];
  announcement: string;
  /** The entry being dragged, and the row it would land on. */
  dragging: string | undefined;
  over: number | undefined;
  move: (entry: QueueEntry, toIndex: number, keepFocus?: boolean) => void;
  setDragging: (id: string | undefined) => void;
  setOver: (index: number | undefined) => void;
}

/**
 * The chair's reordering (queue:move): by drag and drop, by the ↑/↓ buttons, and by keyboard
 * (Alt+↑/↓ on a focused entry). The server's answer is announced; a keyboard move keeps the
 * focus on the moved entry, which the re-render would otherwise drop.
 */
function useReorder(entries: QueueEntry[], act: Consultation['act'], run: ActProps['run']): Reorder {
  const listRef = useRef<HTMLOListElement>(null);
  const [announcement, setAnnouncement] = useState('');
  const [dragging, setDragging] = useState<string>();
  const [over, setOver] = useState<number>();
  const focusAfterMove = useRef<string | undefined>(undefined);
  useEffect(() => {
    const id = focusAfterMove.current;
    if (!id) return;
    const active = document.activeElement;
    const row = listRef.current?.querySelector<HTMLElement>(`[data-entry-id="${CSS.escape(id)}"]`);
    if (row && (active === row || active === document.body || !active || listRef.current?.contains(active)))
      row.focus();
  }, [entries]);
  return {
    listRef,
    entries,
    announcement,
    dragging,
    over,
    setDragging,
    setOver,
    move: (entry, toIndex, keepFocus = false) => {
      if (toIndex < 0 || toIndex >= entries.length || entries[toIndex]?.id === entry.id) return;
      if (keepFocus) focusAfterMove.current = entry.id;
      run(async () => {
        await act('queue:move', { entryId: entry.id, toIndex });
        setAnnouncement(t('queue.moved', { name: entry.speaker.name, n: toIndex + 1 }));
      });
    },
  };
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
      <strong class="speaker" data-testid="current-speaker">
        {current.namedSpeaker
          ? t('site.speakerAt', { name: current.namedSpeaker, site: current.speaker.name })
          : current.speaker.name}
      </strong>
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
      {queue.listClosed && (
        <button
          type="button"
          aria-pressed={queue.pointsOfOrderBlocked}
          onClick={() =>
            run(() => act('queue:setClosed', { closed: true, pointsOfOrderBlocked: !queue.pointsOfOrderBlocked }))
          }
        >
          {queue.pointsOfOrderBlocked ? t('chair.allowPoo') : t('chair.blockPoo')}
        </button>
      )}
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

function Entry(
  props: ActProps & {
    entry: QueueEntry;
    index: number;
    last: boolean;
    self: Person;
    chair: boolean;
    reorder: Reorder;
  },
) {
  const { entry, index, last, self, chair, act, run, reorder } = props;
  const label = t('queue.entryLabel', { n: index + 1, name: entry.speaker.name, kind: t(`kind.${entry.kind}`) });
  const chairProps = chair
    ? {
        tabIndex: 0,
        draggable: true,
        'aria-label': label,
        ...(reorder.entries.length > 1 ? { 'aria-describedby': 'reorder-hint' } : {}),
        onKeyDown: (e: KeyboardEvent) => {
          if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
          if (e.target !== e.currentTarget) return;
          e.preventDefault();
          reorder.move(entry, index + (e.key === 'ArrowUp' ? -1 : 1), true);
        },
        onDragStart: (e: DragEvent) => {
          e.dataTransfer?.setData('text/plain', entry.id);
          if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
          reorder.setDragging(entry.id);
        },
        onDragOver: (e: DragEvent) => {
          if (!reorder.dragging) return;
          e.preventDefault();
          if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
          if (reorder.over !== index) reorder.setOver(index);
        },
        onDrop: (e: DragEvent) => {
          e.preventDefault();
          const id = reorder.dragging ?? e.dataTransfer?.getData('text/plain');
          reorder.setDragging(undefined);
          reorder.setOver(undefined);
          const dragged = id ? reorder.entries.find((x) => x.id === id) : undefined;
          if (dragged) reorder.move(dragged, index);
        },
        onDragEnd: () => {
          reorder.setDragging(undefined);
          reorder.setOver(undefined);
        },
      }
    : {};
  const classes = [
    chair ? 'movable' : '',
    reorder.dragging === entry.id ? 'dragging' : '',
    reorder.dragging && reorder.over === index && reorder.dragging !== entry.id ? 'drop-target' : '',
  ].filter(Boolean);
  return (
    <li
      data-testid="queue-entry"
      data-speaker-id={entry.speaker.id}
      data-entry-id={entry.id}
      class={classes.join(' ') || undefined}
      {...chairProps}
    >
      {chair && (
        <span class="grip" aria-hidden="true">
          ⋮⋮
        </span>
      )}
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
            aria-label={t('chair.upFor', { name: entry.speaker.name })}
            disabled={index === 0}
            onClick={() => reorder.move(entry, index - 1)}
          >
            ↑
          </button>
          <button
            type="button"
            aria-label={t('chair.downFor', { name: entry.speaker.name })}
            disabled={last}
            onClick={() => reorder.move(entry, index + 1)}
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
