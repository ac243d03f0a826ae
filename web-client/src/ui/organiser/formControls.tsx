import type { ComponentChildren } from 'preact';
import { t } from '../../i18n/index.js';

/** A labelled control of an organiser form: the label's words above it; `class` adds to `org-field`. */
export function Field({
  label,
  required = false,
  class: extra,
  children,
}: {
  label: string;
  /** Marks the label as that of a field that must be filled in. */
  required?: boolean;
  class?: string;
  children: ComponentChildren;
}) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is `children`
    <label class={extra ? `org-field ${extra}` : 'org-field'}>
      <span>
        {label}
        {required && (
          <>
            {' '}
            <Required />
          </>
        )}
      </span>
      {children}
    </label>
  );
}

/** The mark of a required field, in words for screen readers. */
function Required() {
  return (
    <span class="org-required" title={t('org.required')}>
      *<span class="sr-only">{t('org.required')}</span>
    </span>
  );
}

/** A form's submit button, saying so while the request runs. */
export function SubmitButton({
  busy,
  testId,
  children,
}: {
  busy: boolean;
  testId: string;
  children: ComponentChildren;
}) {
  return (
    <button type="submit" class="primary" disabled={busy} data-testid={testId}>
      {busy ? t('org.busy') : children}
    </button>
  );
}
