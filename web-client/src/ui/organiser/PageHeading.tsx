import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../../i18n/index.js';

/**
 * A page's h1; takes the focus when the page opens, so keyboard and screen-reader users start there,
 * and names the tab.
 */
export function PageHeading({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  // The tab's title follows the page (and the language).
  useEffect(() => {
    document.title = `${ref.current?.textContent ?? ''} · ${t('app.title')}`;
  });
  return (
    <h1 ref={ref} tabIndex={-1} class="org-h1">
      {children}
    </h1>
  );
}
