import { useEffect, useState } from 'preact/hooks';
import type { SessionView, WhoAmI } from '@yishi/shared';
import { t, useLocale } from '../../i18n/index.js';
import type { OrganiserApi } from '../../lib/api.js';
import { formatTime } from './format.js';
import { InvitationMaker } from './InvitationMaker.js';
import { LoadState } from './LoadState.js';
import { PageHeading } from './PageHeading.js';
import { href } from './route.js';
import { SessionControls } from './SessionControls.js';
import { StatusBadges } from './StatusBadges.js';
import { TopicDetails } from './TopicDetails.js';
import { TopicEditForm } from './TopicEditForm.js';
import { useRequest } from './useRequest.js';

/** One topic: its state, the session's lifecycle, invitations, and its fields while they may change. */
export function TopicPage({
  api,
  who,
  id,
  focusInvite,
}: {
  api: OrganiserApi;
  who: WhoAmI;
  id: string;
  focusInvite: boolean;
}) {
  useLocale();
  const [view, setView] = useState<SessionView>();
  const request = useRequest();
  const load = () => {
    void request.run(() => api.getTopic(id)).then((v) => v && setView(v));
  };
  useEffect(load, [api, id]);

  // `#/topics/<id>/invite` (from the list) lands on the invitation maker.
  useEffect(() => {
    if (!view || !focusInvite) return;
    const section = document.getElementById('org-invite');
    section?.scrollIntoView();
    section?.querySelector<HTMLElement>('select, input')?.focus({ preventScroll: true });
  }, [view !== undefined, focusInvite]);

  if (!view) {
    return (
      <main class="org-main">
        <p class="org-back">
          <a href={href.list()}>{t('org.backToList')}</a>
        </p>
        <LoadState error={request.error} onRetry={load} errorTestId="topic-error" />
      </main>
    );
  }

  const { topic, session } = view;
  const archived = topic.status === 'archived';
  const editable = !archived && (session.status === 'scheduled' || session.status === 'open');
  return (
    <main class="org-main" data-testid="topic-page" data-topic-id={topic.id}>
      <p class="org-back">
        <a href={href.list()}>{t('org.backToList')}</a>
      </p>
      <PageHeading>{topic.title}</PageHeading>
      <StatusBadges topic={topic.status} session={session.status} />
      <dl class="org-facts">
        <div>
          <dt>{t('org.field.id')}</dt>
          <dd>
            <code data-testid="topic-id">{topic.id}</code>
          </dd>
        </div>
        <div>
          <dt>{t('org.field.scheduledAt')}</dt>
          <dd>
            {session.scheduledAt === undefined
              ? t('org.notScheduled')
              : `${formatTime(session.scheduledAt, session.timeZone)} (${session.timeZone})`}
          </dd>
        </div>
        <div>
          <dt>{t('org.field.mode')}</dt>
          <dd>
            {view.settings.mode === 'moderated' ? t('chair.modeModerated') : t('chair.modeOpen')}
            {' · '}
            {t('org.turnSecondsShort', { n: view.settings.turnSeconds.contribution })}
          </dd>
        </div>
      </dl>
      <div class="org-sections">
        <SessionControls api={api} view={view} mayArchive={who.role === 'organiser'} onChange={setView} />
        {!archived && <InvitationMaker api={api} view={view} />}
        {editable ? <TopicEditForm api={api} view={view} onSaved={setView} /> : <TopicDetails view={view} />}
      </div>
    </main>
  );
}
