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
  const [autojoining, setAutojoining] = useState('token' in link && link.autojoin);
  const claims = 'token' in link ? readClaims(link.token) : undefined;

  const join = async (local: LocalMedia | Promise<LocalMedia>, options: JoinOptions = {}): Promise<boolean> => {
    if (!('token' in link) || !claims) return false;
    setJoining(true);
    setJoinError(undefined);
    try {
      const joined = await RoomSession.join(link.roomId, link.token, claims, local, {
        ...options,
        relayOnly: link.relay,
      });
      window.yishi = { session: joined };
      setSession(joined);
      return true;
    } catch (err) {
      setJoinError(describeError(err));
      return false;
    } finally {
      setJoining(false);
    }
  };

  // `&autojoin=1`: skip the check screen, join with camera and microphone; on failure show it.
  useEffect(() => {
    if (!autojoining || !claims) return;
    // Camera and microphone open while the connection is made (acquireMedia reports, never throws).
    const acquired = acquireMedia({ video: true });
    const local = acquired.then(({ stream }): LocalMedia => {
      traceJoin('media');
      const [mic] = stream.getAudioTracks();
      const [camera] = stream.getVideoTracks();
      return { ...(mic ? { mic } : {}), ...(camera ? { camera } : {}) };
    });
    void join(local).then(async (ok) => {
      if (!ok) for (const track of (await acquired).stream.getTracks()) track.stop();
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
