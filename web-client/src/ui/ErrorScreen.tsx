import { t, useLocale } from '../i18n/index.js';
import { LanguageSwitch } from './LanguageSwitch.js';

export function ErrorScreen({ message, action }: { message: string; action?: { label: string; run: () => void } }) {
  useLocale();
  return (
    <main class="card" data-testid="error-screen">
      <header class="card-head">
        <h1>{t('error.heading')}</h1>
        <LanguageSwitch />
      </header>
      <p role="alert">{message}</p>
      {action && (
        <button type="button" class="primary" onClick={action.run}>
          {action.label}
        </button>
      )}
    </main>
  );
}
