import { useEffect, useMemo, useState } from 'preact/hooks';
import { t, useLocale } from '../../i18n/index.js';
import { OrganiserApi, organiserKey } from '../../lib/api.js';
import { RecordsApi } from '../../lib/recordsApi.js';
import {
  isVerifyPath,
  parseRecordsRoute,
  type RecordsRoute,
  recordsHref,
  recordsViewer,
  recordsToken,
} from '../../lib/recordsLink.js';
import { readClaims } from '../../lib/token.js';
import { LanguageSwitch } from '../LanguageSwitch.js';
import { describeKeyError, KeyForm } from '../organiser/KeyForm.js';
import { BoardPage } from './BoardPage.js';
import { DirectoryPage } from './DirectoryPage.js';
import { RecordPage } from './RecordPage.js';
import { VerifyPage } from './VerifyPage.js';
import './records.css';

/** Who reads the records: the committee office (its key), or a member by their room token. */
export type RecordsViewer = { role: 'organiser' } | { role: 'person'; sub: string; name: string };

type Credentials = { kind: 'token'; token: string } | { kind: 'key'; key: string };

/** The tab's credentials; a token that is none of ours, or whose holder has no record, is forgotten and said so. */
function initialCredentials(): Credentials | 'badLink' | 'noRecord' | undefined {
  const token = recordsToken.take();
  if (token && recordsViewer(token)) return { kind: 'token', token };
  if (token) {
    recordsToken.forget();
    return readClaims(token) ? 'noRecord' : 'badLink';
  }
  const key = organiserKey.load();
  return key ? { kind: 'key', key } : undefined;
}

/**
 * `/records`: participation records. A member comes from their room with its token (the room's
 * "我的履职" link) and sees their record, rank and card, and the board; the committee office signs
 * in with its key (shared with the organiser and ledger pages) and manages the directory.
 * `/records/verify` is the public page a card's QR code opens.
 */
export function RecordsApp() {
  useLocale();
  if (isVerifyPath(location.pathname)) return <VerifyPage />;
  return <SignedIn />;
}

function SignedIn() {
  const route = useRecordsRoute();
  const [initial] = useState(initialCredentials);
  const [credentials, setCredentials] = useState(typeof initial === 'string' ? undefined : initial);
  const [keyChecked, setKeyChecked] = useState(false);
  const [keyError, setKeyError] = useState(
    initial === 'badLink' ? t('records.badLink') : initial === 'noRecord' ? t('records.noRecord') : undefined,
  );
  const secret = credentials?.kind === 'token' ? credentials.token : credentials?.key;
  const api = useMemo(() => (secret ? new RecordsApi(secret) : undefined), [secret]);
  const person = credentials?.kind === 'token' ? recordsViewer(credentials.token) : undefined;
  const viewer: RecordsViewer | undefined =
    credentials?.kind === 'key'
      ? { role: 'organiser' }
      : person && { role: 'person', sub: person.sub, name: person.name };

  // A key kept from earlier in this tab is checked again; a refused one is forgotten.
  useEffect(() => {
    if (credentials?.kind !== 'key' || keyChecked) return;
    new OrganiserApi(credentials.key).whoami().then(
      (who) => {
        if (who.role === 'organiser') setKeyChecked(true);
        else signOut(t('org.key.notOrganiser'));
      },
      (err: unknown) => signOut(describeKeyError(err)),
    );
  }, [credentials]);

  const signOut = (error?: string) => {
    organiserKey.forget();
    recordsToken.forget();
    setCredentials(undefined);
    setKeyChecked(false);
    setKeyError(error);
  };

  const ready = api && viewer && (credentials?.kind === 'token' || keyChecked);
  const organiser = viewer?.role === 'organiser';

  return (
    <div class="org records" data-testid="records" data-role={viewer?.role}>
      <header class="org-head">
        <a class="org-brand" href={recordsHref.home()}>
          {t('records.title')}
        </a>
        {ready && (
          <nav class="records-nav" aria-label={t('records.title')}>
            <a href={recordsHref.home()} data-testid="nav-home">
              {organiser ? t('records.directory') : t('records.mine')}
            </a>
            <a href={recordsHref.board()} data-testid="nav-board">
              {t('records.board')}
            </a>
          </nav>
        )}
        {ready && (
          <span class="org-who" data-testid="records-who">
            {viewer.role === 'organiser' ? t('org.signedInOrganiser') : viewer.name}
          </span>
        )}
        {ready && (
          <button type="button" class="org-small" onClick={() => signOut()} data-testid="sign-out">
            {t('org.signOut')}
          </button>
        )}
        <LanguageSwitch />
      </header>
      {!credentials ? (
        <KeyForm
          error={keyError}
          onAccept={(key, who) => {
            if (who.role !== 'organiser') {
              setKeyError(t('org.key.notOrganiser'));
              return;
            }
            setKeyError(undefined);
            organiserKey.save(key);
            setKeyChecked(true);
            setCredentials({ kind: 'key', key });
          }}
        />
      ) : !ready ? (
        <p class="org-main muted" role="status">
          {t('org.checkingKey')}
        </p>
      ) : (
        <Page route={route} api={api} viewer={viewer} />
      )}
    </div>
  );
}

function Page({ route, api, viewer }: { route: RecordsRoute; api: RecordsApi; viewer: RecordsViewer }) {
  if (route.page === 'board') {
    return (
      <BoardPage
        key={`${route.period}|${route.sector}`}
        api={api}
        viewer={viewer}
        period={route.period}
        sector={route.sector}
      />
    );
  }
  if (route.page === 'person') {
    return (
      <RecordPage
        key={`${route.id}|${route.period}`}
        api={api}
        personId={route.id}
        period={route.period}
        office={viewer.role === 'organiser'}
      />
    );
  }
  if (viewer.role === 'organiser') return <DirectoryPage api={api} period={route.period} />;
  return <RecordPage key={route.period} api={api} personId={viewer.sub} period={route.period} office={false} />;
}

function useRecordsRoute(): RecordsRoute {
  const [route, setRoute] = useState(() => parseRecordsRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRecordsRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
