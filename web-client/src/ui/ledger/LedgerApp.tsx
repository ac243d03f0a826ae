import { useEffect, useMemo, useState } from 'preact/hooks';
import { t, useLocale } from '../../i18n/index.js';
import { OrganiserApi, organiserKey } from '../../lib/api.js';
import { LedgerApi } from '../../lib/ledgerApi.js';
import {
  type LedgerRoute,
  type LedgerViewer,
  ledgerHref,
  parseLedgerRoute,
  ledgerToken,
  tokenViewer,
} from '../../lib/ledgerLink.js';
import { LanguageSwitch } from '../LanguageSwitch.js';
import { describeKeyError, KeyForm } from '../organiser/KeyForm.js';
import { LedgerItemPage } from './LedgerItemPage.js';
import { LedgerListPage } from './LedgerListPage.js';
import { LedgerRegisterPage } from './LedgerRegisterPage.js';
import { viewerLabel } from './names.js';

/** How this tab reads the ledger: a token from a link (a unit's, the room's), or the office's key. */
type Credentials = { kind: 'token'; token: string } | { kind: 'key'; key: string };

/** The tab's credentials; 'badLink' for a token that is none of ours (forgotten: the office may sign in instead). */
function initialCredentials(): Credentials | 'badLink' | undefined {
  const token = ledgerToken.take();
  if (token && tokenViewer(token)) return { kind: 'token', token };
  if (token) {
    ledgerToken.forget();
    return 'badLink';
  }
  const key = organiserKey.load();
  return key ? { kind: 'key', key } : undefined;
}

/**
 * `/ledger`: the outcome ledger (问题台账). A unit opens it with its link (`#token=`) and sees its
 * inbox; a chair, secretary or member comes from the room with theirs; the committee office signs
 * in with its key (the organiser pages' key is kept for the tab and used here too).
 */
export function LedgerApp() {
  useLocale();
  const route = useLedgerRoute();
  const [initial] = useState(initialCredentials);
  const [credentials, setCredentials] = useState(initial === 'badLink' ? undefined : initial);
  const [keyChecked, setKeyChecked] = useState(false);
  const [keyError, setKeyError] = useState(initial === 'badLink' ? t('ledger.badLink') : undefined);
  const secret = credentials?.kind === 'token' ? credentials.token : credentials?.key;
  const api = useMemo(() => (secret ? new LedgerApi(secret) : undefined), [secret]);
  const viewer: LedgerViewer | undefined =
    credentials?.kind === 'key' ? { role: 'organiser' } : credentials && tokenViewer(credentials.token);

  // A key kept from earlier in this tab is checked again; a refused one is forgotten. (A chair
  // may have signed in to the organiser pages with their token: it reads their topic's ledger.)
  useEffect(() => {
    if (credentials?.kind !== 'key' || keyChecked) return;
    const { key } = credentials;
    new OrganiserApi(key).whoami().then(
      (who) => {
        if (who.role === 'organiser') setKeyChecked(true);
        else if (tokenViewer(key)) setCredentials({ kind: 'token', token: key });
        else signOut();
      },
      (err: unknown) => {
        signOut();
        setKeyError(describeKeyError(err));
      },
    );
  }, [credentials]);

  const signOut = () => {
    organiserKey.forget();
    ledgerToken.forget();
    setCredentials(undefined);
    setKeyChecked(false);
    setKeyError(undefined);
  };

  const ready = api && viewer && (credentials?.kind === 'token' || keyChecked);

  return (
    <div class="org ledger" data-testid="ledger" data-role={viewer?.role}>
      <header class="org-head">
        <a class="org-brand" href={ledgerHref.list()}>
          {t('ledger.title')}
        </a>
        {ready && (
          <span class="org-who" data-testid="ledger-who">
            {viewerLabel(viewer)}
          </span>
        )}
        {ready && (
          <button type="button" class="org-small" onClick={signOut} data-testid="sign-out">
            {t('org.signOut')}
          </button>
        )}
        <LanguageSwitch />
      </header>
      {!credentials ? (
        <KeyForm
          error={keyError}
          onAccept={(key, who) => {
            setKeyError(undefined);
            if (who.role === 'organiser') {
              organiserKey.save(key);
              setKeyChecked(true);
              setCredentials({ kind: 'key', key });
            } else {
              setCredentials({ kind: 'token', token: key });
            }
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

function Page({ route, api, viewer }: { route: LedgerRoute; api: LedgerApi; viewer: LedgerViewer }) {
  if (route.page === 'item') return <LedgerItemPage key={route.id} api={api} id={route.id} />;
  if (route.page === 'new') return <LedgerRegisterPage api={api} viewer={viewer} />;
  return <LedgerListPage api={api} viewer={viewer} filters={route.filters} />;
}

/** The current route; follows the hash (links, back and forward). */
function useLedgerRoute(): LedgerRoute {
  const [route, setRoute] = useState(() => parseLedgerRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseLedgerRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
