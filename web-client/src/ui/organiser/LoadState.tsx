import { t } from '../../i18n/index.js';
import { ErrorNote } from '../ErrorNote.js';

/** What an organiser page shows before its data is there: the error with a retry, or "loading". */
export function LoadState(props: { error: string | undefined; onRetry: () => void; errorTestId?: string }) {
  if (!props.error) {
    return (
      <p class="muted" role="status">
        {t('org.loading')}
      </p>
    );
  }
  return (
    <div class="org-problem">
      <ErrorNote error={props.error} testId={props.errorTestId} />
      <button type="button" onClick={props.onRetry}>
        {t('org.retry')}
      </button>
    </div>
  );
}
