import { t } from '../../i18n/index.js';
import { type AgendaDraft, focusSoon, nextKey } from './draft.js';

/** The agenda as an ordered list of rows: title and description; add, remove, move up and down. */
export function AgendaEditor({
  items,
  onChange,
  locked,
}: {
  items: AgendaDraft[];
  onChange: (items: AgendaDraft[]) => void;
  /** Once an item has been opened, the agenda can no longer change. */
  locked?: boolean;
}) {
  const update = (key: number, change: Partial<AgendaDraft>) =>
    onChange(items.map((i) => (i.key === key ? { ...i, ...change } : i)));
  const move = (index: number, by: -1 | 1) => {
    const next = [...items];
    const [item] = next.splice(index, 1);
    if (!item) return;
    next.splice(index + by, 0, item);
    onChange(next);
    // Keep the focus on the moved row's button (or its twin when that one is now disabled).
    const target = index + by;
    const action = (by === -1 && target === 0) || (by === 1 && target === next.length - 1) ? -by : by;
    focusSoon(`[data-agenda-key="${item.key}"] [data-move="${action}"]`);
  };
  const remove = (index: number) => {
    const removed = items[index];
    onChange(items.filter((i) => i !== removed));
    const neighbour = items[index + 1] ?? items[index - 1];
    focusSoon(neighbour ? `[data-agenda-key="${neighbour.key}"] input` : '[data-testid="agenda-add"]');
  };
  const add = () => {
    const key = nextKey();
    onChange([...items, { key, title: '', description: '' }]);
    focusSoon(`[data-agenda-key="${key}"] input`);
  };

  return (
    <fieldset class="org-fieldset" data-testid="agenda-editor">
      <legend>{t('org.agenda.legend')}</legend>
      {locked && <p class="org-hint">{t('org.agenda.locked')}</p>}
      {items.length === 0 && <p class="muted">{t('org.agenda.empty')}</p>}
      <ol class="org-rows">
        {items.map((item, index) => {
          const n = index + 1;
          return (
            <li key={item.key} class="org-row" data-agenda-key={item.key} data-testid="agenda-row">
              <span class="org-row-n" aria-hidden="true">
                {n}
              </span>
              <div class="org-row-fields">
                <label class="org-field">
                  <span>{t('org.agenda.title', { n })}</span>
                  <input
                    required
                    maxLength={200}
                    disabled={locked}
                    value={item.title}
                    onInput={(e) => update(item.key, { title: e.currentTarget.value })}
                    data-testid="agenda-title"
                  />
                </label>
                <label class="org-field">
                  <span>{t('org.agenda.description', { n })}</span>
                  <input
                    maxLength={2000}
                    disabled={locked}
                    value={item.description}
                    onInput={(e) => update(item.key, { description: e.currentTarget.value })}
                    data-testid="agenda-description"
                  />
                </label>
              </div>
              {!locked && (
                <div class="org-row-actions">
                  <button
                    type="button"
                    data-move="-1"
                    disabled={index === 0}
                    aria-label={t('org.agenda.up', { n })}
                    title={t('org.agenda.up', { n })}
                    onClick={() => move(index, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    data-move="1"
                    disabled={index === items.length - 1}
                    aria-label={t('org.agenda.down', { n })}
                    title={t('org.agenda.down', { n })}
                    onClick={() => move(index, 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    aria-label={t('org.agenda.remove', { n })}
                    title={t('org.agenda.remove', { n })}
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
        <button type="button" onClick={add} disabled={items.length >= 50} data-testid="agenda-add">
          {t('org.agenda.add')}
        </button>
      )}
    </fieldset>
  );
}
