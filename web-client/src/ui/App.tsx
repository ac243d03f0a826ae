import { useEffect, useState } from 'preact/hooks';
import { t, useLocale } from '../i18n/index.js';
import { acquireMedia } from '../lib/devices.js';
import { traceJoin } from '../lib/joinTrace.js';
import type { LocalMedia } from '../lib/mediaState.js';
import { type JoinOptions, RoomSession } from '../lib/RoomSession.js';
import { readJoinLink } from '../lib/joinLink.js';
import { isLedgerPath } from '../lib/ledgerLink.js';
import { readClaims } from '../lib/token.js';
import { describeError } from './describeError.js';
import { ErrorScreen } from './ErrorScreen.js';
import { isOrganiserPath } from './organiser/route.js';
import { isRecordsPath } from '../lib/recordsLink.js';
import { Prejoin } from './Prejoin.js';
import { RoomView } from './RoomView.js';

/** Debug and test hook: the current session (stats, state). Read-only use. */
declare global {
  interface Window {
    yishi?: { session: RoomSession | undefined };
  }
}

/**
 * `/organiser` → the organiser pages, `/ledger` → the outcome ledger, `/records` → participation
 * records (each loaded only there: members on phones in a room never download them); anything
 * else is a join link.
 */
export function App() {
  if (isOrganiserPath(location.pathname)) return <LazyOrganiser />;
  if (isRecordsPath(location.pathname)) return <LazyRecords />;
  return isLedgerPath(location.pathname) ? <LazyLedger /> : <JoinApp />;
}

function LazyLedger() {
  const [page, setPage] = useState<typeof import('./ledger/LedgerApp.js') | undefined>();
  useEffect(() => {
    void import('./ledger/LedgerApp.js').then(setPage);
  }, []);
  return page ? <page.LedgerApp /> : null;
}

function LazyRecords() {
  const [page, setPage] = useState<typeof import('./records/RecordsApp.js') | undefined>();
  useEffect(() => {
    void import('./records/RecordsApp.js').then(setPage);
  }, []);
  return page ? <page.RecordsApp /> : null;
}

function LazyOrganiser() {
  const [page, setPage] = useState<typeof import('./organiser/OrganiserApp.js') | undefined>();
  useEffect(() => {
    void import('./organiser/OrganiserApp.js').then(setPage);
  }, []);
  return page ? <page.OrganiserApp /> : null;
}

function JoinApp() {
  useLocale();
  const [link] = useState(() => readJoinLink());
  const [session, setSession] = useState<RoomSession>();
  const [joining, setJoining] = useState(false);
  const [joinError, setJoinError] = useState<string>();
  const claims = 'token' in link ? readClaims(link.token) : undefined;

  const startJoin = (local: LocalMedia | Promise<LocalMedia>, options: JoinOptions = {}): Promise<RoomSession> =>
    'token' in link && claims
      ? RoomSession.join(link.roomId, link.token, claims, local, { ...options, relayOnly: link.relay })
      : Promise.reject(new Error('no invitation'));

  /** Shows the room once `joining` resolves, or the reason it was refused. */
  const enter = async (joining: Promise<RoomSession>): Promise<boolean> => {
    try {
      const joined = await joining;
      window.yishi = { session: joined };
      setSession(joined);
      return true;
    } catch (err) {
      setJoinError(describeError(err));
      return false;
    }
  };

  const join = async (local: LocalMedia, options?: JoinOptions): Promise<boolean> => {
    setJoining(true);
    setJoinError(undefined);
    try {
      return await enter(startJoin(local, options));
    } finally {
      setJoining(false);
    }
  };

  // `&autojoin=1`: skip the check screen and join with camera and microphone, starting during the
  // first render (an effect would wait for the first paint, ~70 ms on the 2-core test machine); camera
  // and microphone open while the connection is made (acquireMedia reports, never throws).
  const [autojoin] = useState(() => {
    if (!('token' in link) || !link.autojoin || !claims) return undefined;
    const acquired = acquireMedia({ video: true });
    const local = acquired.then(({ stream }): LocalMedia => {
      traceJoin('media');
      const [mic] = stream.getAudioTracks();
      const [camera] = stream.getVideoTracks();
      return { ...(mic ? { mic } : {}), ...(camera ? { camera } : {}) };
    });
    const joining = startJoin(local);
    // Handled by the effect below, which runs after the first paint: no "unhandled" report before.
    joining.catch(() => undefined);
    return { acquired, joining };
  });
  const [autojoining, setAutojoining] = useState(autojoin !== undefined);
  // On failure the check screen shows, with the reason.
  useEffect(() => {
    if (!autojoin) return;
    void enter(autojoin.joining).then(async (ok) => {
      if (!ok) for (const track of (await autojoin.acquired).stream.getTracks()) track.stop();
      setAutojoining(false);
    });
  }, []);

  if (!('token' in link))
    return <ErrorScreen message={t(link.problem === 'noToken' ? 'error.noToken' : 'error.badLink')} />;
  if (!claims) return <ErrorScreen message={t('error.UNAUTHENTICATED', { detail: 'token invalid' })} />;
  if (session) return <RoomView session={session} onRejoin={() => setSession(undefined)} />;
  if (autojoining) {
    return (
      <main class="card" data-testid="joining">
        {t('prejoin.joining')}
      </main>
    );
  }
  return <Prejoin claims={claims} joining={joining} error={joinError} onJoin={join} />;
}
