import { useEffect, useState } from 'preact/hooks';
import { catalogue, LOCALES, type Locale, type MessageKey } from './messages.js';

const STORAGE_KEY = 'yishi.locale';
const listeners = new Set<() => void>();

/** zh-CN unless the user chose English before (or `?lang=en`). */
let locale: Locale = initialLocale();

function initialLocale(): Locale {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  const stored = fromUrl ?? localStorage.getItem(STORAGE_KEY);
  return (LOCALES as readonly string[]).includes(stored ?? '') ? (stored as Locale) : 'zh-CN';
}

export function getLocale(): Locale {
  return locale;
}

export function setLocale(next: Locale): void {
  locale = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  for (const l of listeners) l();
}

/** Looks a message up in the current locale and fills `{placeholders}`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return (catalogue[locale][key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

/** Re-renders the calling component when the locale changes. */
export function useLocale(): Locale {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((n) => n + 1);
    listeners.add(l);
    return () => listeners.delete(l);
  }, []);
  return locale;
}

document.documentElement.lang = locale;
