import type { TopicSummary } from '@yishi/shared';
import { t } from '../../i18n/index.js';

/** The topic's status (draft → archived) and its session's (scheduled → closed), as labelled badges. */
export function StatusBadges({
  topic,
  session,
}: {
  topic: TopicSummary['status'];
  session: TopicSummary['session']['status'];
}) {
  return (
    <p class="org-badges">
      <span class={`badge topic-${topic}`} data-testid="topic-status" data-status={topic}>
        {t('org.topicStatusIs', { status: t(`org.topicStatus.${topic}`) })}
      </span>
      <span class={`badge status-${session}`} data-testid="session-status" data-status={session}>
        {t('org.sessionStatusIs', { status: t(`session.status.${session}`) })}
      </span>
    </p>
  );
}
