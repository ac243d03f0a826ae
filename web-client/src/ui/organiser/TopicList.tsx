import { useEffect, useState } from 'preact/hooks';
import type { TopicSummary, WhoAmI } from '@yishi/shared';
import { t, useLocale } from '../../i18n/index.js';
import type { OrganiserApi } from '../../lib/api.js';
import { formatTime } from './format.js';
import { PageHeading } from './PageHeading.js';
import { StatusBadges } from './StatusBadges.js';
import { LoadState } from './LoadState.js';
import { href } from './route.js';
import { useRequest } from './useRequest.js';

/** Every topic the key may see, newest plans first, archived ones last; links to each topic's actions. */
export function TopicList({ api, who }: { api: OrganiserApi; who: WhoAmI }) {
  useLocale();
  const [topics, setTopics] = useState<TopicSummary[]>();
  const request = useRequest();

  const load = () => {
    void request.run(() => api.listTopics()).then((list) => list && setTopics(sortTopics(list)));
  };
  useEffect(load, [api]);

  // A chair token has exactly one room: it may create that room's topic when there is none yet.
  const mayCreate = who.role === 'organiser' || topics?.length === 0;

  return (
    <main class="org-main">
      <div class="org-title-row">
        <PageHeading>{t('org.list.heading')}</PageHeading>
        {mayCreate && (
          <a class="button primary" href={href.create()} data-testid="new-topic">
            {t('org.list.create')}
          </a>
        )}
      </div>
      {(request.error || !topics) && <LoadState error={request.error} onRetry={load} />}
      {topics?.length === 0 && <p class="muted">{t('org.list.empty')}</p>}
      {topics && topics.length > 0 && (
        <ul class="org-topics" data-testid="topic-list">
          {topics.map((topic) => (
            <li key={topic.id} class="org-topic" data-testid="topic-row" data-topic-id={topic.id}>
              <h2 class="org-topic-title">
                <a href={href.topic(topic.id)}>{topic.title}</a>
              </h2>
              <StatusBadges topic={topic.status} session={topic.session.status} />
              <dl class="org-facts">
                <div>
                  <dt>{t('org.field.scheduledAt')}</dt>
                  <dd>
                    {topic.session.scheduledAt === null
                      ? t('org.notScheduled')
                      : formatTime(topic.session.scheduledAt, topic.session.timeZone)}
                  </dd>
                </div>
                <div>
                  <dt>{t('org.field.organiser')}</dt>
                  <dd>{topic.organiser}</dd>
                </div>
                <div>
                  <dt>{t('org.field.id')}</dt>
                  <dd>
                    <code>{topic.id}</code>
                  </dd>
                </div>
              </dl>
              <div class="org-links">
                <a href={href.topic(topic.id)} aria-label={t('org.list.manageLabel', { title: topic.title })}>
                  {t('org.list.manage')}
                </a>
                {topic.status !== 'archived' && (
                  <a href={href.invite(topic.id)} aria-label={t('org.list.inviteLabel', { title: topic.title })}>
                    {t('org.list.invite')}
                  </a>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}

function sortTopics(list: TopicSummary[]): TopicSummary[] {
  const archived = (s: TopicSummary) => (s.status === 'archived' ? 1 : 0);
  return [...list].sort(
    (a, b) =>
      archived(a) - archived(b) ||
      (b.session.scheduledAt ?? Number.MAX_SAFE_INTEGER) - (a.session.scheduledAt ?? Number.MAX_SAFE_INTEGER),
  );
}
