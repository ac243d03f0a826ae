import { useEffect, useState } from 'preact/hooks';
import type { Leaderboard, LeaderboardEntry } from '@yishi/shared';
import { getLocale, t, useLocale } from '../../i18n/index.js';
import type { RecordsApi } from '../../lib/recordsApi.js';
import { recordsHref } from '../../lib/recordsLink.js';
import { describeError } from '../describeError.js';
import { Field } from '../organiser/formControls.js';
import { LoadState } from '../organiser/LoadState.js';
import { PageHeading } from '../organiser/PageHeading.js';
import { navigate } from '../organiser/route.js';
import type { RecordsViewer } from './RecordsApp.js';
import { defaultPeriod, PeriodPicker, periodName } from './PeriodPicker.js';

/** Rows the board shows (a phone's worth of reading); the office's exports hold everyone. */
const BOARD_SIZE = 100;

/**
 * The heat leaderboard (热力榜) of a period, of all sectors or one, with its formula beside it:
 * a member sees the board and where they stand; the office opens each person's record.
 */
export function BoardPage({
  api,
  viewer,
  period: chosen,
  sector: chosenSector,
}: {
  api: RecordsApi;
  viewer: RecordsViewer;
  period: string | undefined;
  sector: string | undefined;
}) {
  useLocale();
  const period = chosen ?? defaultPeriod();
  const [sector, setSector] = useState(chosenSector ?? '');
  const [board, setBoard] = useState<Leaderboard>();
  const [error, setError] = useState<string>();
  const load = () => {
    setError(undefined);
    api.leaderboard(period, chosenSector, BOARD_SIZE).then(setBoard, (err: unknown) => setError(describeError(err)));
  };
  useEffect(load, [api, period, chosenSector]);
  const me = viewer.role === 'person' ? viewer.sub : undefined;

  return (
    <main class="org-main" data-testid="board-page">
      <PageHeading>{t('records.board.heading')}</PageHeading>
      <PeriodPicker period={period} onPick={(p) => navigate(recordsHref.board(p, sector.trim() || undefined))}>
        <Field label={t('records.board.sector')}>
          <input
            type="text"
            value={sector}
            maxLength={32}
            placeholder={t('records.board.allSectors')}
            onInput={(e) => setSector(e.currentTarget.value)}
            data-testid="board-sector"
          />
        </Field>
      </PeriodPicker>
      {!board ? (
        <LoadState error={error} onRetry={load} errorTestId="board-error" />
      ) : (
        <div class="records-board-layout">
          <section class="org-section" aria-labelledby="board-list" data-testid="board" data-period={board.period}>
            <h2 id="board-list">
              {periodName(board.period)}
              {board.sector ? ` · ${board.sector}` : ''}
              <span class="muted records-details">
                {' '}
                {t('records.board.ranked', { n: board.ranked })}
                {board.ranked > board.entries.length && ` · ${t('records.board.top', { n: board.entries.length })}`}
              </span>
            </h2>
            {board.me !== undefined && (
              <p class="records-rank" data-testid="board-me" data-rank={board.me?.rank ?? ''}>
                {board.me
                  ? t('records.board.me', { rank: board.me.rank, score: board.me.score })
                  : t('records.board.meUnranked')}
              </p>
            )}
            {board.entries.length === 0 ? (
              <p class="muted">{t('records.board.empty')}</p>
            ) : (
              <BoardTable entries={board.entries} me={me} office={viewer.role === 'organiser'} period={board.period} />
            )}
          </section>
          <Formula board={board} />
        </div>
      )}
    </main>
  );
}

function BoardTable({
  entries,
  me,
  office,
  period,
}: {
  entries: LeaderboardEntry[];
  me: string | undefined;
  office: boolean;
  period: string;
}) {
  return (
    <div class="records-table-wrap">
      <table class="records-board">
        <thead>
          <tr>
            <th scope="col">{t('records.board.rank')}</th>
            <th scope="col">{t('records.board.name')}</th>
            <th scope="col">{t('records.board.score')}</th>
            <th scope="col">{t('records.board.attended')}</th>
            <th scope="col">{t('records.board.speeches')}</th>
            <th scope="col">{t('records.board.speaking')}</th>
            <th scope="col">{t('records.board.comments')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr
              key={e.personId}
              class={e.personId === me ? 'records-me' : undefined}
              data-testid="board-row"
              data-person={e.personId}
              data-rank={e.rank}
            >
              <td>{e.rank}</td>
              <th scope="row">
                {office ? <a href={recordsHref.person(e.personId, period)}>{e.name}</a> : e.name}
                {e.personId === me && t('records.board.you')}
                {e.sector && <span class="muted records-sector">{e.sector}</span>}
              </th>
              <td>
                <strong>{e.score}</strong>
              </td>
              <td>{e.attended}</td>
              <td>{e.speeches}</td>
              <td>{t('records.minutes', { n: Math.round(e.speakingSeconds / 60) })}</td>
              <td>{e.comments}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The formula the score is computed with, term by term, beside the board. */
function Formula({ board }: { board: Leaderboard }) {
  const zh = getLocale() === 'zh-CN';
  return (
    <aside class="org-section records-formula" aria-labelledby="board-formula" data-testid="board-formula">
      <h2 id="board-formula">{t('records.board.formula')}</h2>
      <p class="muted">{t('records.board.formulaNote')}</p>
      <ul>
        {board.formula.terms
          .filter((term) => term.weight !== 0)
          .map((term) => (
            <li key={term.key} data-term={term.key}>
              {t('records.board.weight', { label: zh ? term.zh : term.en, weight: term.weight })}
            </li>
          ))}
      </ul>
      <code class="records-expression">{board.formula.expression}</code>
    </aside>
  );
}
