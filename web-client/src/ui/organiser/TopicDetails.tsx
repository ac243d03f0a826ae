import type { SessionView } from '@yishi/shared';
import { t } from '../../i18n/index.js';
import { webLink } from '../../lib/links.js';

/** A topic's fields, read-only (once its session has started or it is archived). */
export function TopicDetails({ view }: { view: SessionView }) {
  const { topic, agenda } = view;
  return (
    <section class="org-section" aria-labelledby="org-details-h">
      <h2 id="org-details-h">{t('org.details.heading')}</h2>
      <p class="org-hint">{t('org.details.readOnly')}</p>
      <dl class="org-facts org-facts-wide">
        <div>
          <dt>{t('org.field.organiser')}</dt>
          <dd>{topic.organiser}</dd>
        </div>
        {topic.proposalNumber && (
          <div>
            <dt>{t('org.field.proposalNumber')}</dt>
            <dd>{topic.proposalNumber}</dd>
          </div>
        )}
        {topic.sectors.length > 0 && (
          <div>
            <dt>{t('org.field.sectors')}</dt>
            <dd>{topic.sectors.join('、')}</dd>
          </div>
        )}
        {topic.background && (
          <div>
            <dt>{t('org.field.background')}</dt>
            <dd class="org-pre">{topic.background}</dd>
          </div>
        )}
      </dl>
      {topic.materials.length > 0 && (
        <>
          <h3>{t('org.materials.legend')}</h3>
          <ul class="org-list">
            {topic.materials.map((m) => {
              const href = webLink(m.url);
              return (
                <li key={m.url}>
                  {href ? (
                    <a href={href} target="_blank" rel="noopener noreferrer">
                      {m.title}
                    </a>
                  ) : (
                    // Not a web link (stored before the server refused those): shown, never followed.
                    <span data-testid="material-not-a-link">
                      {m.title} <span class="muted">{m.url}</span>
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
      <h3>{t('org.agenda.legend')}</h3>
      {agenda.length === 0 ? (
        <p class="muted">{t('org.agenda.empty')}</p>
      ) : (
        <ol class="org-list">
          {agenda.map((item) => (
            <li key={item.id}>
              {item.title}
              {item.description && <span class="muted"> — {item.description}</span>}{' '}
              <span class="badge">{t(`org.agendaStatus.${item.status}`)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
