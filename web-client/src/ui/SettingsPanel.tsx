import { useEffect, useState } from 'preact/hooks';
import { ENTRY_KINDS, type FloorSettings } from '@yishi/shared';
import { t, useLocale } from '../i18n/index.js';
import type { Consultation } from '../lib/Consultation.js';
import { useStore } from '../lib/store.js';
import { useAction } from './act.js';
import { ErrorNote } from './ErrorNote.js';

/** The settings that are on or off. */
const SWITCHES = ['autoEnd', 'fairness', 'observersMayComment'] as const;

/** The chair's floor settings: speaking time per kind, what happens when time is up, fairness, observers. */
export function SettingsPanel({ consultation }: { consultation: Consultation }) {
  useLocale();
  const { session } = useStore(consultation.state);
  const [draft, setDraft] = useState<FloorSettings>(session.settings);
  const { error, run } = useAction();
  const [saved, setSaved] = useState(false);
  useEffect(() => setDraft(session.settings), [session.settings]);
  const set = (change: Partial<FloorSettings>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...change }));
  };
  return (
    <details class="settings" data-testid="floor-settings">
      <summary>{t('settings.heading')}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const { mode: _mode, ...settings } = draft;
          run(async () => {
            await consultation.act('session:configure', { settings });
            setSaved(true);
          });
        }}
      >
        <fieldset>
          <legend>{t('settings.turnSeconds')}</legend>
          {ENTRY_KINDS.map((kind) => (
            <label key={kind} class="field">
              {t(`kind.${kind}`)}
              <input
                type="number"
                min={10}
                max={3600}
                step={10}
                value={draft.turnSeconds[kind]}
                onInput={(e) => set({ turnSeconds: { ...draft.turnSeconds, [kind]: Number(e.currentTarget.value) } })}
              />
            </label>
          ))}
        </fieldset>
        <label class="field">
          {t('settings.graceSeconds')}
          <input
            type="number"
            min={0}
            max={600}
            value={draft.graceSeconds}
            onInput={(e) => set({ graceSeconds: Number(e.currentTarget.value) })}
          />
        </label>
        {SWITCHES.map((name) => (
          <label key={name} class="check">
            <input type="checkbox" checked={draft[name]} onChange={(e) => set({ [name]: e.currentTarget.checked })} />
            {t(`settings.${name}`)}
          </label>
        ))}
        <div class="actions">
          <button type="submit" class="primary">
            {t('settings.save')}
          </button>
          {saved && <span role="status">{t('minutes.saved')}</span>}
        </div>
        <ErrorNote error={error} />
      </form>
    </details>
  );
}
