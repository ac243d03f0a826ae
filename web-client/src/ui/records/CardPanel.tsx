import { useEffect, useState } from 'preact/hooks';
import { getLocale, t } from '../../i18n/index.js';
import { type RecordsApi, saveBlob } from '../../lib/recordsApi.js';
import { describeError } from '../describeError.js';
import { ErrorNote } from '../ErrorNote.js';
import { useRequest } from '../organiser/useRequest.js';

/**
 * The member's card (履职纪念卡) of the period: its image, made by the server, to look at,
 * download as PNG or PDF, or share (the phone's share sheet, where the browser can share files).
 */
export function CardPanel({
  api,
  personId,
  period,
  name,
}: {
  api: RecordsApi;
  personId: string;
  period: string;
  name: string;
}) {
  const lang = getLocale();
  const [png, setPng] = useState<{ blob: Blob; name: string; url: string }>();
  const [error, setError] = useState<string>();
  const request = useRequest();

  useEffect(() => {
    let url: string | undefined;
    setPng(undefined);
    setError(undefined);
    api.card(personId, period, 'png', lang).then(
      (card) => {
        url = URL.createObjectURL(card.blob);
        setPng({ ...card, url });
      },
      (err: unknown) => setError(describeError(err)),
    );
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [api, personId, period, lang]);

  const file = png && new File([png.blob], png.name, { type: 'image/png' });
  const canShare = !!file && typeof navigator.canShare === 'function' && navigator.canShare({ files: [file] });

  return (
    <section class="org-section records-card" aria-labelledby="records-card" data-testid="card-panel">
      <h2 id="records-card">{t('records.card')}</h2>
      <p class="muted">{t('records.card.intro')}</p>
      {png ? (
        <img class="records-card-image" src={png.url} alt={t('records.card.alt', { name })} data-testid="card-image" />
      ) : (
        !error && (
          <p class="muted" role="status">
            {t('records.card.loading')}
          </p>
        )
      )}
      <ErrorNote error={error ?? request.error} testId="card-error" />
      <div class="org-buttons">
        <button
          type="button"
          class="primary"
          disabled={!png}
          onClick={() => png && saveBlob(png.blob, png.name)}
          data-testid="card-png"
        >
          {t('records.card.png')}
        </button>
        <button
          type="button"
          disabled={request.busy}
          onClick={() =>
            void request.run(async () => {
              const pdf = await api.card(personId, period, 'pdf', lang);
              saveBlob(pdf.blob, pdf.name);
            })
          }
          data-testid="card-pdf"
        >
          {t('records.card.pdf')}
        </button>
        {canShare && (
          <button
            type="button"
            onClick={() =>
              void navigator.share({ files: [file], title: t('records.card.alt', { name }) }).catch(() => undefined)
            }
            data-testid="card-share"
          >
            {t('records.card.share')}
          </button>
        )}
      </div>
    </section>
  );
}
