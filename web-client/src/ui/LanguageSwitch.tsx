import { getLocale, setLocale, t, useLocale } from '../i18n/index.js';

export function LanguageSwitch() {
  useLocale();
  return (
    <button
      type="button"
      class="lang"
      data-testid="lang-switch"
      onClick={() => setLocale(getLocale() === 'zh-CN' ? 'en' : 'zh-CN')}
    >
      {t('lang.switch')}
    </button>
  );
}
