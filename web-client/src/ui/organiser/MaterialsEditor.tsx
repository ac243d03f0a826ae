import { t } from '../../i18n/index.js';
import { focusSoon, type MaterialDraft, nextKey } from './draft.js';

/** Materials (调研报告, 提案原文…) as title + link rows. */
export function MaterialsEditor({
  items,
  onChange,
}: {
  items: MaterialDraft[];
  onChange: (items: MaterialDraft[]) => void;
}) {
  const update = (key: number, change: Partial<MaterialDraft>) =>
    onChange(items.map((m) => (m.key === key ? { ...m, ...change } : m)));
  const remove = (index: number) => {
    const removed = items[index];
    onChange(items.filter((m) => m !== removed));
    const neighbour = items[index + 1] ?? items[index - 1];
    focusSoon(neighbour ? `[data-material-key="${neighbour.key}"] input` : '[data-testid="material-add"]');
  };
  const add = () => {
    const key = nextKey();
    onChange([...items, { key, title: '', url: '' }]);
    focusSoon(`[data-material-key="${key}"] input`);
  };

  return (
    <fieldset class="org-fieldset" data-testid="materials-editor">
      <legend>{t('org.materials.legend')}</legend>
      {items.length === 0 && <p class="muted">{t('org.materials.empty')}</p>}
      <ol class="org-rows">
        {items.map((item, index) => {
          const n = index + 1;
          return (
            <li key={item.key} class="org-row" data-material-key={item.key}>
              <span class="org-row-n" aria-hidden="true">
                {n}
              </span>
              <div class="org-row-fields">
                <label class="org-field">
                  <span>{t('org.materials.title', { n })}</span>
                  <input
                    required
                    maxLength={200}
                    value={item.title}
                    onInput={(e) => update(item.key, { title: e.currentTarget.value })}
                  />
                </label>
                <label class="org-field">
                  <span>{t('org.materials.url', { n })}</span>
                  <input
                    type="url"
                    required
                    maxLength={2000}
                    placeholder="https://"
                    value={item.url}
                    onInput={(e) => update(item.key, { url: e.currentTarget.value })}
                  />
                </label>
              </div>
              <div class="org-row-actions">
                <button
                  type="button"
                  aria-label={t('org.materials.remove', { n })}
                  title={t('org.materials.remove', { n })}
                  onClick={() => remove(index)}
                >
                  ✕
                </button>
              </div>
            </li>
          );
        })}
      </ol>
      <button type="button" onClick={add} disabled={items.length >= 50} data-testid="material-add">
        {t('org.materials.add')}
      </button>
    </fieldset>
  );
}
