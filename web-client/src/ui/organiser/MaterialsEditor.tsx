import { t } from '../../i18n/index.js';
import type { MaterialDraft } from './draft.js';
import { type RowField, RowsEditor } from './RowsEditor.js';

const FIELDS: ReadonlyArray<RowField<MaterialDraft>> = [
  { name: 'title', label: (n) => t('org.materials.title', { n }), required: true, maxLength: 200 },
  {
    name: 'url',
    label: (n) => t('org.materials.url', { n }),
    required: true,
    maxLength: 2000,
    url: true,
    placeholder: 'https://',
  },
];

/** Materials (调研报告, 提案原文…) as title + link rows. */
export function MaterialsEditor({
  items,
  onChange,
}: {
  items: MaterialDraft[];
  onChange: (items: MaterialDraft[]) => void;
}) {
  return (
    <RowsEditor
      legend={t('org.materials.legend')}
      empty={t('org.materials.empty')}
      items={items}
      onChange={onChange}
      blank={(key) => ({ key, title: '', url: '' })}
      fields={FIELDS}
      removeLabel={(n) => t('org.materials.remove', { n })}
      addLabel={t('org.materials.add')}
      testId="materials-editor"
      addTestId="material-add"
    />
  );
}
