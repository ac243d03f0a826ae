import { t } from '../../i18n/index.js';
import { type AgendaDraft, focusSoon } from './draft.js';
import { type RowField, RowsEditor, rowSelector } from './RowsEditor.js';

const FIELDS: ReadonlyArray<RowField<AgendaDraft>> = [
  {
    name: 'title',
    label: (n) => t('org.agenda.title', { n }),
    required: true,
    maxLength: 200,
    testId: 'agenda-title',
  },
  {
    name: 'description',
    label: (n) => t('org.agenda.description', { n }),
    maxLength: 2000,
    testId: 'agenda-description',
  },
];

/** The agenda as an ordered list of rows: title and description; add, remove, move up and down. */
export function AgendaEditor({
  items,
  onChange,
  locked,
}: {
  items: AgendaDraft[];
  onChange: (items: AgendaDraft[]) => void;
  /** Once an item has been opened, the agenda can no longer change. */
  locked?: boolean | undefined;
}) {
  const move = (index: number, by: -1 | 1) => {
    const next = [...items];
    const [item] = next.splice(index, 1);
    if (!item) return;
    next.splice(index + by, 0, item);
    onChange(next);
    // Keep the focus on the moved row's button (or its twin when that one is now disabled).
    const target = index + by;
    const action = (by === -1 && target === 0) || (by === 1 && target === next.length - 1) ? -by : by;
    focusSoon(`${rowSelector(item.key)} [data-move="${action}"]`);
  };

  return (
    <RowsEditor
      legend={t('org.agenda.legend')}
      note={locked && <p class="org-hint">{t('org.agenda.locked')}</p>}
      empty={t('org.agenda.empty')}
      items={items}
      onChange={onChange}
      locked={locked}
      blank={(key) => ({ key, title: '', description: '' })}
      fields={FIELDS}
      actions={(index) =>
        ([-1, 1] as const).map((by) => {
          const label = t(by === -1 ? 'org.agenda.up' : 'org.agenda.down', { n: index + 1 });
          return (
            <button
              key={by}
              type="button"
              data-move={by}
              disabled={by === -1 ? index === 0 : index === items.length - 1}
              aria-label={label}
              title={label}
              onClick={() => move(index, by)}
            >
              {by === -1 ? '↑' : '↓'}
            </button>
          );
        })
      }
      removeLabel={(n) => t('org.agenda.remove', { n })}
      addLabel={t('org.agenda.add')}
      testId="agenda-editor"
      addTestId="agenda-add"
      rowTestId="agenda-row"
    />
  );
}
