import type { ComponentChildren } from 'preact';
import { focusSoon, nextKey } from './draft.js';
import { Field } from './formControls.js';

/** At most this many rows (the server takes no more materials or agenda items). */
const MAX_ROWS = 50;

/** The row with `key` (keys are unique on the page), for moving the focus after a change. */
export const rowSelector = (key: number): string => `[data-row-key="${key}"]`;

/** The text fields of a row type. */
type TextKey<T> = { [K in keyof T]: T[K] extends string ? K : never }[keyof T] & string;

/** One text input of every row. */
export interface RowField<T> {
  name: TextKey<T>;
  /** The label of row `n` (from 1). */
  label: (n: number) => string;
  maxLength: number;
  required?: boolean;
  /** A link (checked as a URL by the browser). */
  url?: boolean;
  placeholder?: string;
  testId?: string;
}

/**
 * An ordered list of keyed rows in a fieldset: numbered rows of text inputs, each row with its
 * actions and a remove button, and an add button below. Removing a row focuses a neighbour (or
 * the add button), adding one focuses it.
 */
export function RowsEditor<T extends { key: number }>(props: {
  legend: string;
  /** Said under the legend. */
  note?: ComponentChildren;
  empty: string;
  items: T[];
  onChange: (items: T[]) => void;
  /** A new, blank row. */
  blank: (key: number) => T;
  fields: ReadonlyArray<RowField<T>>;
  /** More buttons before a row's remove button. */
  actions?: (index: number) => ComponentChildren;
  removeLabel: (n: number) => string;
  addLabel: string;
  /** Nothing can change: not the rows, nor what they say. */
  locked?: boolean | undefined;
  testId: string;
  addTestId: string;
  rowTestId?: string;
}) {
  const { items, onChange, locked } = props;
  const set = (key: number, name: TextKey<T>, value: string) =>
    onChange(items.map((i) => (i.key === key ? { ...i, [name]: value } : i)));
  const remove = (index: number) => {
    const removed = items[index];
    onChange(items.filter((i) => i !== removed));
    const neighbour = items[index + 1] ?? items[index - 1];
    focusSoon(neighbour ? `${rowSelector(neighbour.key)} input` : `[data-testid="${props.addTestId}"]`);
  };
  const add = () => {
    const key = nextKey();
    onChange([...items, props.blank(key)]);
    focusSoon(`${rowSelector(key)} input`);
  };

  return (
    <fieldset class="org-fieldset" data-testid={props.testId}>
      <legend>{props.legend}</legend>
      {props.note}
      {items.length === 0 && <p class="muted">{props.empty}</p>}
      <ol class="org-rows">
        {items.map((item, index) => {
          const n = index + 1;
          return (
            <li key={item.key} class="org-row" data-row-key={item.key} data-testid={props.rowTestId}>
              <span class="org-row-n" aria-hidden="true">
                {n}
              </span>
              <div class="org-row-fields">
                {props.fields.map((field) => {
                  const input = {
                    required: field.required,
                    maxLength: field.maxLength,
                    placeholder: field.placeholder,
                    disabled: locked,
                    value: String(item[field.name]),
                    onInput: (e: { currentTarget: HTMLInputElement }) =>
                      set(item.key, field.name, e.currentTarget.value),
                    'data-testid': field.testId,
                  };
                  return (
                    <Field key={field.name} label={field.label(n)}>
                      {field.url ? <input type="url" {...input} /> : <input {...input} />}
                    </Field>
                  );
                })}
              </div>
              {!locked && (
                <div class="org-row-actions">
                  {props.actions?.(index)}
                  <button
                    type="button"
                    aria-label={props.removeLabel(n)}
                    title={props.removeLabel(n)}
                    onClick={() => remove(index)}
                  >
                    ✕
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ol>
      {!locked && (
        <button type="button" onClick={add} disabled={items.length >= MAX_ROWS} data-testid={props.addTestId}>
          {props.addLabel}
        </button>
      )}
    </fieldset>
  );
}
