import { useEffect, useRef, useState } from 'preact/hooks';
import { t, useLocale } from '../i18n/index.js';
import { linkNotice, RECEIVE_MODES, type TileRef, tileKey } from '../lib/ReceivePolicy.js';
import type { MediaState } from '../lib/mediaState.js';
import type { RoomSession } from '../lib/RoomSession.js';
import { useStore } from '../lib/store.js';
import { CommentsPanel } from './CommentsPanel.js';
import { describeError } from './describeError.js';
import { ErrorNote } from './ErrorNote.js';
import { FieldPanel } from './FieldPanel.js';
import { LanguageSwitch } from './LanguageSwitch.js';
import { LedgerRoomLink } from './LedgerRoomLink.js';
import { MinutesPanel } from './MinutesPanel.js';
import { ParticipantsPanel } from './ParticipantsPanel.js';
import { QueuePanel } from './QueuePanel.js';
import { SessionBar } from './SessionBar.js';
import { Select } from './Select.js';
import { SettingsPanel } from './SettingsPanel.js';
import { Tile } from './Tile.js';
import { Audio } from './Video.js';

/**
 * The room: the active speaker (or a screen share) large, everyone else in a paged grid, the
 * floor, people, comments and minutes beside (below on a phone), and the controls.
 */
export function RoomView({ session, onRejoin }: { session: RoomSession; onRejoin: () => void }) {
  useLocale();
  const state = useStore(session.state);
  // The floor holder is a fallback of the large view: re-render when the floor changes.
  useStore(session.consultation.state);
  const [tab, setTab] = useState<Tab>('queue');
  const [screenError, setScreenError] = useState<string>();
  const big = bigScreen(state.self.role);
  useEffect(() => {
    if (!big) return;
    document.addEventListener('keydown', moveFocusWithArrows);
    return () => document.removeEventListener('keydown', moveFocusWithArrows);
  }, [big]);
  if (state.phase === 'removed') {
    return (
      <main class="card" data-testid="removed">
        <p>{t('room.removed')}</p>
        {state.removedReason && <p>{t('room.removedReason', { reason: state.removedReason })}</p>}
      </main>
    );
  }

  if (state.phase === 'left' || state.phase === 'replaced') {
    return (
      <main class="card" data-testid="left">
        <p>{state.phase === 'replaced' ? t('room.replaced') : t('room.left')}</p>
        <button type="button" class="primary" onClick={onRejoin}>
          {t('room.rejoin')}
        </button>
      </main>
    );
  }

  const { self } = state;
  const moderator = self.role === 'chair' || self.role === 'secretary';
  const tabs: Tab[] = ['queue', 'participants', 'comments', ...(moderator ? (['minutes'] as const) : [])];
  const active = tabs.includes(tab) ? tab : 'queue';
  const layout = session.layout();
  const count = state.peers.length + 1;

  const toggleScreen = () => {
    setScreenError(undefined);
    const action = state.screenOn ? session.stopScreenShare() : session.startScreenShare();
    action.catch((err: unknown) => {
      // Cancelling the browser's picker is not an error worth showing.
      if ((err as DOMException)?.name === 'NotAllowedError' || (err as DOMException)?.name === 'AbortError') return;
      setScreenError(t('controls.screenFailed', { detail: describeError(err) }));
    });
  };

  return (
    <div
      class={`room${big ? ' big-screen' : ''}`}
      data-testid="room"
      data-phase={state.phase}
      data-receive-mode={state.receiveMode}
    >
      <header class="room-head">
        <h1>{t('app.title')}</h1>
        <span class="count">{t('room.participants', { count })}</span>
        <QualityIndicator state={state} />
        <LanguageSwitch />
      </header>
      <SessionBar consultation={session.consultation} self={self} />
      <LedgerRoomLink token={session.token} role={self.role} />
      {(state.phase === 'reconnecting' || state.phase === 'restoring') && (
        <p class="banner" role="status" data-testid="banner">
          {state.phase === 'reconnecting' ? t('room.reconnecting') : t('room.mediaReset')}
        </p>
      )}
      {state.phase === 'connecting' && (
        <p class="banner" role="status" data-testid="connecting">
          {t('room.connectingMedia')}
        </p>
      )}
      <ErrorNote error={state.error && describeError(state.error)} banner />
      <div class="room-body">
        <section class="media" aria-label={t('room.participants', { count })}>
          <section
            class="stage"
            data-testid="stage"
            data-featured-peer={layout.featured?.peerId}
            data-featured-source={layout.featured?.source}
            aria-label={t('room.stage')}
          >
            {layout.featured && <TileOf session={session} state={state} tile={layout.featured} large />}
            {state.peers.length === 0 && <p class="empty">{t('room.empty')}</p>}
          </section>
          {layout.grid.length > 0 && (
            <ul class="grid" data-testid="grid" aria-label={t('room.grid')}>
              {layout.grid.map((tile) => (
                <li key={tileKey(tile)}>
                  <TileOf session={session} state={state} tile={tile} />
                </li>
              ))}
            </ul>
          )}
          {layout.pageCount > 1 && (
            <Pager page={layout.page} pageCount={layout.pageCount} onPage={(page) => session.setPage(page)} />
          )}
        </section>
        <aside class="side">
          <Tabs tabs={tabs} active={active} onSelect={setTab} peopleCount={count} />
          <div role="tabpanel" id={`panel-${active}`} aria-labelledby={`tab-${active}`}>
            {active === 'queue' && (
              <>
                <QueuePanel consultation={session.consultation} self={self} />
                <FieldPanel consultation={session.consultation} self={self} />
                {self.role === 'chair' && <SettingsPanel consultation={session.consultation} />}
              </>
            )}
            {active === 'participants' && <ParticipantsPanel session={session} self={self} />}
            {active === 'comments' && <CommentsPanel consultation={session.consultation} self={self} />}
            {active === 'minutes' && (
              <MinutesPanel consultation={session.consultation} self={self} token={session.token} />
            )}
          </div>
        </aside>
      </div>
      {state.peers.map((p) => p.tracks.mic && <Audio key={p.info.id} track={p.tracks.mic} />)}
      {/* Kept in view at the bottom: why the microphone is locked, and the controls. */}
      <div class="dock">
        <LinkNotice state={state} />
        <MicNotice session={session} />
        <ErrorNote error={screenError} banner />
        <nav class="controls" aria-label={t('controls.label')}>
          {session.local.mic && (
            <button
              type="button"
              aria-pressed={!state.micOn}
              data-testid="toggle-mic"
              disabled={!state.micOn && !state.micAllowed}
              onClick={() => void session.setMic(!state.micOn).catch(() => undefined)}
            >
              {state.micOn ? t('controls.micOn') : t('controls.micOff')}
            </button>
          )}
          {session.local.camera && (
            <button
              type="button"
              aria-pressed={!state.camOn}
              data-testid="toggle-camera"
              onClick={() => void session.setCamera(!state.camOn)}
            >
              {state.camOn ? t('controls.camOn') : t('controls.camOff')}
            </button>
          )}
          <button
            type="button"
            aria-pressed={Boolean(state.listenOnly)}
            data-testid="listen-only"
            onClick={() => void session.setListenOnly(!state.listenOnly)}
          >
            {state.listenOnly ? t('controls.listenOnlyOff') : t('controls.listenOnly')}
          </button>
          {session.canShareScreen && (
            <button type="button" aria-pressed={state.screenOn} data-testid="toggle-screen" onClick={toggleScreen}>
              {state.screenOn ? t('controls.screenStop') : t('controls.screenStart')}
            </button>
          )}
          <label class="receive">
            <span>{t('controls.receive')}</span>
            <Select
              value={state.receiveMode}
              options={RECEIVE_MODES}
              label={(mode) => t(`receive.${mode}`)}
              onChange={(mode) => session.setReceiveMode(mode)}
              testId="receive-mode"
            />
          </label>
          <button type="button" class="danger" data-testid="leave" onClick={() => void session.leave()}>
            {t('controls.leave')}
          </button>
        </nav>
      </div>
    </div>
  );
}

type Tab = 'queue' | 'participants' | 'comments' | 'minutes';

/**
 * The big-screen layout (a TV in a village hall): on by itself for a site, or for anyone with
 * `screen=big` in the address's hash (`screen=normal` turns it off for a site).
 */
function bigScreen(role: string): boolean {
  const flag = new URLSearchParams(location.hash.slice(1)).get('screen');
  return flag === 'big' || (role === 'site' && flag !== 'normal');
}

/**
 * A TV remote sends arrow keys: they move the focus through the controls in page order, as Tab
 * does, except in a tab list (its own arrows), a select or a multi-line field. In a one-line field
 * (the headcount, the speaker's name, a poll's counts) Up and Down still move on — a remote has
 * no other way out — while Left and Right move the caret.
 */
function moveFocusWithArrows(e: KeyboardEvent): void {
  const step =
    e.key === 'ArrowDown' || e.key === 'ArrowRight' ? 1 : e.key === 'ArrowUp' || e.key === 'ArrowLeft' ? -1 : 0;
  const target = e.target as HTMLElement;
  const upDown = e.key === 'ArrowDown' || e.key === 'ArrowUp';
  const field = target.tagName === 'INPUT' ? !upDown : ['TEXTAREA', 'SELECT'].includes(target.tagName);
  if (!step || target.closest('[role="tablist"]') || field) return;
  const room = document.querySelector<HTMLElement>('[data-testid="room"]');
  if (!room) return;
  const focusable = [
    ...room.querySelectorAll<HTMLElement>('button:not([disabled]), input, textarea, select, [tabindex="0"]'),
  ].filter((el) => el.offsetParent !== null);
  const at = focusable.indexOf(target);
  const next = focusable[(at + step + focusable.length) % focusable.length];
  if (!next) return;
  e.preventDefault();
  next.focus();
}

/** Previous / next page of the grid. A button that becomes disabled hands the focus to the other. */
function Pager({ page, pageCount, onPage }: { page: number; pageCount: number; onPage: (page: number) => void }) {
  const prev = useRef<HTMLButtonElement>(null);
  const next = useRef<HTMLButtonElement>(null);
  const go = (to: number) => {
    onPage(to);
    const edge = to <= 0 ? next : to >= pageCount - 1 ? prev : undefined;
    // After the re-render, when the other button is enabled.
    if (edge) setTimeout(() => edge.current?.focus(), 0);
  };
  return (
    <nav class="pager" aria-label={t('room.grid')} data-testid="pager">
      <button
        ref={prev}
        type="button"
        data-testid="page-prev"
        aria-label={t('room.prevPage')}
        disabled={page === 0}
        onClick={() => go(page - 1)}
      >
        ‹
      </button>
      <span aria-live="polite">{t('room.page', { n: page + 1, total: pageCount })}</span>
      <button
        ref={next}
        type="button"
        data-testid="page-next"
        aria-label={t('room.nextPage')}
        disabled={page >= pageCount - 1}
        onClick={() => go(page + 1)}
      >
        ›
      </button>
    </nav>
  );
}

/** Tabs with arrow-key movement (roving focus), as the WAI-ARIA tabs pattern has it. */
function Tabs(props: { tabs: Tab[]; active: Tab; onSelect: (tab: Tab) => void; peopleCount: number }) {
  const { tabs, active, onSelect } = props;
  const onKeyDown = (e: KeyboardEvent) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    const to = e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : tabs.indexOf(active) + step;
    if (!step && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    const next = tabs[(to + tabs.length) % tabs.length] ?? active;
    onSelect(next);
    (e.currentTarget as HTMLElement).querySelector<HTMLElement>(`#tab-${next}`)?.focus();
  };
  return (
    <div class="tabs" role="tablist" onKeyDown={onKeyDown}>
      {tabs.map((name) => (
        <button
          key={name}
          type="button"
          role="tab"
          id={`tab-${name}`}
          aria-selected={active === name}
          aria-controls={active === name ? `panel-${name}` : undefined}
          tabIndex={active === name ? 0 : -1}
          data-testid={`tab-${name}`}
          onClick={() => onSelect(name)}
        >
          {t(`tabs.${name}`)}
          {name === 'participants' && <span class="tab-count">{props.peopleCount}</span>}
        </button>
      ))}
    </div>
  );
}

/** One tile of the layout, from the session's state (one's own camera and screen are local tracks). */
function TileOf({
  session,
  state,
  tile,
  large = false,
}: {
  session: RoomSession;
  state: MediaState;
  tile: TileRef;
  large?: boolean;
}) {
  const self = state.self;
  if (tile.peerId === self.id) {
    const video = tile.source === 'screen' ? session.local.screen : state.camOn ? session.local.camera : undefined;
    return (
      <Tile
        info={self}
        video={video}
        micOn={Boolean(session.local.mic) && state.micOn && state.micAllowed}
        speaking={state.activeSpeakerId === self.id}
        source={tile.source}
        large={large}
        self
      />
    );
  }
  const peer = state.peers.find((p) => p.info.id === tile.peerId);
  if (!peer) return null;
  return (
    <Tile
      info={peer.info}
      video={peer.tracks[tile.source]}
      videoPaused={peer.videoOff?.[tile.source] ?? false}
      videoStalled={peer.videoStalled?.[tile.source] ?? false}
      micOn={peer.micOn}
      speaking={state.activeSpeakerId === peer.info.id}
      source={tile.source}
      large={large}
    />
  );
}

/** The receive link: good / fair / poor, with the words, not only the bars' colour. */
function QualityIndicator({ state }: { state: MediaState }) {
  const level = state.quality ?? 'unknown';
  const text = t('quality.label', { level: t(`quality.${level}`) });
  const bars = level === 'good' ? 3 : level === 'fair' ? 2 : level === 'poor' ? 1 : 0;
  const { lossRate, nackRate, rttMs, videoStalled } = state.link;
  const jitterMs = state.link.jitterMs ?? state.link.videoJitterMs;
  const details = t('quality.details', {
    loss: lossRate === undefined ? '—' : `${(lossRate * 100).toFixed(1)}%`,
    nack: nackRate === undefined ? '—' : `${(nackRate * 100).toFixed(1)}%`,
    jitter: jitterMs === undefined ? '—' : `${Math.round(jitterMs)} ms`,
    rtt: rttMs === undefined ? '—' : `${Math.round(rttMs)} ms`,
  });
  const words = () => (
    <>
      {text}
      {state.degradation > 0 && (
        <>
          {' · '}
          <span class="quality-lowered">{t('quality.loweredShort')}</span>
        </>
      )}
    </>
  );
  return (
    <span
      class={`quality quality-${level}`}
      data-testid="quality"
      data-quality={level}
      data-degradation={state.degradation}
      title={[
        text,
        details,
        ...(videoStalled ? [t('quality.videoStalled')] : []),
        ...(state.degradation > 0 ? [t('quality.lowered')] : []),
      ].join('\n')}
    >
      <svg viewBox="0 0 18 14" width="18" height="14" aria-hidden="true">
        {[0, 1, 2].map((i) => (
          <rect key={i} x={i * 6} y={10 - i * 5} width="4" height={4 + i * 5} rx="1" class={i < bars ? 'on' : 'off'} />
        ))}
      </svg>
      {/* Shown beside the bars except on a phone (see styles.css); always read out from the sr-only copy. */}
      <span class="quality-text" aria-hidden="true">
        {words()}
      </span>
      <span class="sr-only">{words()}</span>
    </span>
  );
}

/**
 * What the page does about the link, said in words: listen-only (the user's tap), or a thin link
 * (it switched itself to audio and the speaker's lowest layer, and steps back up when the link holds).
 */
function LinkNotice({ state }: { state: MediaState }) {
  const notice = linkNotice({ ...state, listenOnly: Boolean(state.listenOnly) });
  if (!notice) return null;
  return (
    <p class="link-notice" role="status" data-testid="link-notice" data-notice={notice}>
      {notice === 'thin' ? t('link.thin') : t('link.listenOnly')}
    </p>
  );
}

/** Why the microphone is locked (moderated mode) and where one stands in the queue. */
function MicNotice({ session }: { session: RoomSession }) {
  const state = useStore(session.state);
  const { queue } = useStore(session.consultation.state);
  if (!session.local.mic) return null;
  if (state.mutedByChair)
    return (
      <p class="mic-notice" role="status">
        {t('mic.mutedByChair')}
      </p>
    );
  if (state.micAllowed) return null;
  const position = queue.entries.findIndex((e) => e.speaker.id === session.identity.sub);
  return (
    <p class="mic-notice" role="status" data-testid="mic-locked">
      {position >= 0 ? t('mic.lockedQueued', { n: position + 1 }) : t('mic.locked')}
    </p>
  );
}
