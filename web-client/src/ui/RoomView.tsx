import { t, useLocale } from '../i18n/index.js';
import type { RoomSession } from '../lib/RoomSession.js';
import { useStore } from '../lib/store.js';
import { describeError } from './describeError.js';
import { LanguageSwitch } from './LanguageSwitch.js';
import { Tile } from './Tile.js';
import { Audio } from './Video.js';

/** The room: a grid of participants with the active speaker highlighted, and the controls. */
export function RoomView({ session, onRejoin }: { session: RoomSession; onRejoin: () => void }) {
  useLocale();
  const state = useStore(session.state);
  const self = state.self;

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

  return (
    <div class="room" data-testid="room" data-phase={state.phase}>
      <header class="room-head">
        <h1>{t('app.title')}</h1>
        <span class="count">{t('room.participants', { count: state.peers.length + (self ? 1 : 0) })}</span>
        <LanguageSwitch />
      </header>
      {(state.phase === 'reconnecting' || state.phase === 'restoring') && (
        <p class="banner" role="status" data-testid="banner">
          {state.phase === 'reconnecting' ? t('room.reconnecting') : t('room.mediaReset')}
        </p>
      )}
      {state.error && (
        <p class="banner error" role="alert">
          {describeError(state.error)}
        </p>
      )}
      <section class="grid" aria-label={t('room.participants', { count: state.peers.length + 1 })}>
        {self && (
          <Tile
            info={self}
            video={state.camOn ? session.local.camera : undefined}
            micOn={state.micOn}
            speaking={state.activeSpeakerId === self.id}
            self
          />
        )}
        {state.peers.map((p) => (
          <Tile
            key={p.info.id}
            info={p.info}
            video={p.tracks.camera}
            micOn={p.micOn}
            speaking={state.activeSpeakerId === p.info.id}
          />
        ))}
        {state.peers.length === 0 && <p class="empty">{t('room.empty')}</p>}
      </section>
      {state.peers.map((p) => p.tracks.mic && <Audio key={p.info.id} track={p.tracks.mic} />)}
      <nav class="controls" aria-label="controls">
        {session.local.mic && (
          <button
            type="button"
            aria-pressed={!state.micOn}
            data-testid="toggle-mic"
            onClick={() => void session.setMic(!state.micOn)}
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
        <button type="button" class="danger" data-testid="leave" onClick={() => void session.leave()}>
          {t('controls.leave')}
        </button>
      </nav>
    </div>
  );
}
