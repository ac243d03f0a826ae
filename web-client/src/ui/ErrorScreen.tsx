import { t, useLocale } from '../i18n/index.js';
import { CardHead } from './CardHead.js';

export function ErrorScreen({ message, action }: { message: string; action?: { label: string; run: () => void } }) {
  useLocale();
  return (
    <main class="card" data-testid="error-screen">
      <CardHead title={t('error.heading')} />
      <p role="alert">{message}</p>
      {action && (
        <button type="button" class="primary" onClick={action.run}>
          {action.label}
        </button>
      )}
    </main>
  );
}
