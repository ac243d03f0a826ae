import { useEffect, useMemo, useState } from 'preact/hooks';
import type { WhoAmI } from '@yishi/shared';
import { t, useLocale } from '../../i18n/index.js';
import { OrganiserApi, organiserKey } from '../../lib/api.js';
import { LanguageSwitch } from '../LanguageSwitch.js';
import { describeKeyError, KeyForm } from './KeyForm.js';
import { href, useRoute } from './route.js';
import { TopicCreatePage } from './TopicCreatePage.js';
import { TopicList } from './TopicList.js';
import { TopicPage } from './TopicPage.js';

/** `/organiser`: the key gate, then the topic list, the create form and each topic's page. */
export function OrganiserApp() {
  useLocale();
  const route = useRoute();
  const [secret, setSecret] = useState(organiserKey.load);
  const [who, setWho] = useState<WhoAmI>();
  const [keyError, setKeyError] = useState<string>();
  const api = useMemo(() => (secret ? new OrganiserApi(secret) : undefined), [secret]);

  // A key kept from earlier in this tab is checked again; a refused one is forgotten.
  useEffect(() => {
    if (!api || who) return;
    api.whoami().then(setWho, (err: unknown) => {
      organiserKey.forget();
      setSecret(undefined);
      setKeyError(describeKeyError(err));
    });
  }, [api]);

  const signOut = () => {
    organiserKey.forget();
    setSecret(undefined);
    setWho(undefined);
    setKeyError(undefined);
  };

  return (
    <div class="org" data-testid="organiser">
      <header class="org-head">
        <a class="org-brand" href={href.list()}>
          {t('org.title')}
        </a>
        {who && (
          <span class="org-who" data-testid="org-who">
            {who.role === 'organiser' ? t('org.signedInOrganiser') : t('org.signedInChair', { room: who.room })}
          </span>
        )}
        {who?.role === 'organiser' && (
          <a href="/records" data-testid="org-records">
            {t('records.directory')}
          </a>
        )}
        {who && (
          <button type="button" class="org-small" onClick={signOut} data-testid="sign-out">
            {t('org.signOut')}
          </button>
        )}
        <LanguageSwitch />
      </header>
      {!api || !who ? (
        api ? (
          <p class="org-main muted" role="status">
            {t('org.checkingKey')}
          </p>
        ) : (
          <KeyForm
            error={keyError}
            onAccept={(key, identity) => {
              organiserKey.save(key);
              setKeyError(undefined);
              setWho(identity);
              setSecret(key);
            }}
          />
        )
      ) : route.page === 'new' ? (
        <TopicCreatePage api={api} />
      ) : route.page === 'topic' ? (
        <TopicPage key={route.id} api={api} who={who} id={route.id} focusInvite={route.section === 'invite'} />
      ) : (
        <TopicList api={api} who={who} />
      )}
    </div>
  );
}
