import { useState } from 'preact/hooks';
import { t, useLocale } from '../i18n/index.js';
import type { RoomSession } from '../lib/RoomSession.js';
import { useStore } from '../lib/store.js';
import { CommentsPanel } from './CommentsPanel.js';
import { describeError } from './describeError.js';
import { LanguageSwitch } from './LanguageSwitch.js';
import { MinutesPanel } from './MinutesPanel.js';
import { QueuePanel } from './QueuePanel.js';
import { SessionBar } from './SessionBar.js';
import { Tile } from './Tile.js';
import { Audio } from './Video.js';

/** The room: a grid of participants with the active speaker highlighted, and the controls. */
export function RoomView({ session, onRejoin }: { session: RoomSession; onRejoin: () => void }) {
  useLocale();
  const state = useStore(session.state);
  const [tab, setTab] = useState<Tab>('queue');
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

  const person = self ?? { id: session.identity.sub, name: session.identity.name, role: session.identity.role };
  const moderator = person.role === 'chair' || person.role === 'secretary';
  const tabs: Tab[] = ['queue', 'comments', ...(moderator ? (['minutes'] as const) : [])];
  const active = tabs.includes(tab) ? tab : 'queue';

  return (
    <div class="room" data-testid="room" data-phase={state.phase}>
      <header class="room-head">
        <h1>{t('app.title')}</h1>
        <span class="count">{t('room.participants', { count: state.peers.length + (self ? 1 : 0) })}</span>
        <LanguageSwitch />
      </header>
      <SessionBar consultation={session.consultation} self={person} />
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
      <div class="room-body">
        <section class="grid" aria-label={t('room.participants', { count: state.peers.length + 1 })}>
          {self && (
            <Tile
              info={self}
              video={state.camOn ? session.local.camera : undefined}
              micOn={state.micOn && state.micAllowed}
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
        <aside class="side">
          <div class="tabs" role="tablist">
            {tabs.map((name) => (
              <button
                key={name}
                type="button"
                role="tab"
                id={`tab-${name}`}
                aria-selected={active === name}
                data-testid={`tab-${name}`}
                onClick={() => setTab(name)}
              >
                {t(`tabs.${name}`)}
              </button>
            ))}
          </div>
          <div role="tabpanel" aria-labelledby={`tab-${active}`}>
            {active === 'queue' && <QueuePanel consultation={session.consultation} self={person} />}
            {active === 'comments' && <CommentsPanel consultation={session.consultation} self={person} />}
            {active === 'minutes' && (
              <MinutesPanel consultation={session.consultation} self={person} token={session.token} />
            )}
          </div>
        </aside>
      </div>
      {state.peers.map((p) => p.tracks.mic && <Audio key={p.info.id} track={p.tracks.mic} />)}
      <MicNotice session={session} />
      <nav class="controls" aria-label="controls">
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
        <button type="button" class="danger" data-testid="leave" onClick={() => void session.leave()}>
          {t('controls.leave')}
        </button>
      </nav>
    </div>
  );
}

type Tab = 'queue' | 'comments' | 'minutes';

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
