import { type PeerInfo, type PollView, SITE_HEADCOUNT_MAX } from '@yishi/shared';
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import type { Consultation } from '../lib/Consultation.js';
import { useStore } from '../lib/store.js';
import { useAction } from './act.js';
import { ErrorNote } from './ErrorNote.js';

/**
 * Field sites and quick polls: a site's own controls (headcount, who speaks there), the sites
 * with their headcounts, and the current poll — the chair's form, a member's answer, a site's
 * show of hands, and the live results by site and sector.
 */
export function FieldPanel({ consultation, self }: { consultation: Consultation; self: PeerInfo }) {
  const state = useStore(consultation.state);
  const poll = state.polls.polls.at(-1);
  return (
    <section class="field" data-testid="field-panel">
      {self.role === 'site' && <SiteControls consultation={consultation} self={self} />}
      {state.sites.sites.length > 0 && (
        <ul class="sites" data-testid="sites" aria-label={t('site.list')}>
          {state.sites.sites.map((s) => (
            <li key={s.id} data-testid="site" data-site-id={s.id}>
              <strong>{s.name}</strong>{' '}
              <span data-testid="site-headcount-shown">
                {s.headcount === null ? t('site.unreported') : t('site.people', { count: s.headcount })}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h2>{t('poll.heading')}</h2>
      {self.role === 'chair' && !poll?.open && <PollForm consultation={consultation} />}
      {poll ? <PollCard consultation={consultation} self={self} poll={poll} /> : <p class="empty">{t('poll.none')}</p>}
    </section>
  );
}

function SiteControls({ consultation, self }: { consultation: Consultation; self: PeerInfo }) {
  const state = useStore(consultation.state);
  const mine = state.sites.sites.find((s) => s.id === self.id);
  const [count, setCount] = useState('');
  const [speaker, setSpeaker] = useState('');
  const { error, run } = useAction();
  const holding = state.queue.current?.speaker.id === self.id;
  const name = (value: string) =>
    run(async () => {
      await consultation.act('site:speaker', { name: value });
      setSpeaker('');
    });
  return (
    <div class="site-controls">
      <h2>
        {t('site.heading')} · {self.name}
      </h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run(() => consultation.act('site:headcount', { count: Number(count) }));
        }}
      >
        <label>
          {t('site.headcount')}{' '}
          <input
            type="number"
            min={0}
            max={SITE_HEADCOUNT_MAX}
            inputMode="numeric"
            value={count}
            data-testid="site-headcount"
            onInput={(e) => setCount((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" data-testid="site-headcount-save">
          {t('site.report')}
        </button>
        {mine?.headcount != null && <span class="hint">{t('site.headcountNow', { count: mine.headcount })}</span>}
      </form>
      {holding && (
        <form
          data-testid="site-speaker-form"
          onSubmit={(e) => {
            e.preventDefault();
            name(speaker);
          }}
        >
          <p class="hint">{t('site.speakerHint')}</p>
          <label>
            {t('site.speaker')}{' '}
            <input
              value={speaker}
              maxLength={64}
              data-testid="site-speaker"
              onInput={(e) => setSpeaker((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" data-testid="site-speaker-save">
            {t('site.nameSpeaker')}
          </button>
          {/* The quick list: names used here before. */}
          {mine?.speakers.map((n) => (
            <button key={n} type="button" class="chip" onClick={() => name(n)}>
              {n}
            </button>
          ))}
        </form>
      )}
      <ErrorNote error={error} />
    </div>
  );
}

const DEFAULT_OPTIONS = ['同意', '不同意', '弃权'];

function PollForm({ consultation }: { consultation: Consultation }) {
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState(DEFAULT_OPTIONS.join('\n'));
  const [anonymous, setAnonymous] = useState(false);
  const { error, run } = useAction();
  return (
    <form
      class="poll-form"
      data-testid="poll-form"
      onSubmit={(e) => {
        e.preventDefault();
        const list = options
          .split('\n')
          .map((o) => o.trim())
          .filter(Boolean);
        run(async () => {
          await consultation.act('poll:open', { id: crypto.randomUUID(), question, options: list, anonymous });
          setQuestion('');
        });
      }}
    >
      <label>
        {t('poll.question')}
        <input
          value={question}
          data-testid="poll-question"
          onInput={(e) => setQuestion((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        {t('poll.options')}
        <textarea
          rows={3}
          value={options}
          data-testid="poll-options"
          onInput={(e) => setOptions((e.target as HTMLTextAreaElement).value)}
        />
      </label>
      <label>
        <input
          type="checkbox"
          checked={anonymous}
          data-testid="poll-anonymous"
          onChange={(e) => setAnonymous((e.target as HTMLInputElement).checked)}
        />{' '}
        {t('poll.anonymous')}
      </label>
      <button type="submit" class="primary" data-testid="poll-open">
        {t('poll.open')}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

function PollCard({ consultation, self, poll }: { consultation: Consultation; self: PeerInfo; poll: PollView }) {
  const state = useStore(consultation.state);
  const { error, run } = useAction();
  const mine = state.myAnswers[poll.id];
  const headcount = state.sites.sites.find((s) => s.id === self.id)?.headcount ?? 0;
  const [counts, setCounts] = useState<string[]>(() => poll.options.map(() => ''));
  return (
    <article class="poll" data-testid="poll" data-poll-id={poll.id} data-open={poll.open}>
      <h3 data-testid="poll-question-shown">{poll.question}</h3>
      <p class="hint">
        {poll.open ? t('poll.isOpen') : t('poll.closed')} · {poll.anonymous ? t('poll.anonymous') : ''}{' '}
        {t('poll.askedBy', { name: poll.openedBy })} · {t('poll.answered', { count: poll.answered })} · {t('poll.note')}
      </p>
      {poll.open && self.role === 'member' && (
        <fieldset class="poll-answer">
          <legend class="sr-only">{poll.question}</legend>
          {poll.options.map((option, i) => (
            <button
              key={option}
              type="button"
              aria-pressed={mine === i}
              data-testid={`poll-answer-${i}`}
              onClick={() => run(() => consultation.answer(poll.id, i))}
            >
              {option}
            </button>
          ))}
          {mine !== undefined && (
            <p class="hint" data-testid="poll-mine">
              {t('poll.yourAnswer', { option: poll.options[mine] ?? '' })} {t('poll.answerHint')}
            </p>
          )}
        </fieldset>
      )}
      {poll.open && self.role === 'site' && (
        <form
          class="poll-counts"
          onSubmit={(e) => {
            e.preventDefault();
            run(() =>
              consultation.act('poll:siteCounts', { pollId: poll.id, counts: counts.map((c) => Number(c) || 0) }),
            );
          }}
        >
          <p class="hint">{t('poll.counts', { count: headcount })}</p>
          {poll.options.map((option, i) => (
            <label key={option}>
              {option}{' '}
              <input
                type="number"
                min={0}
                max={headcount}
                inputMode="numeric"
                value={counts[i]}
                data-testid={`poll-count-${i}`}
                onInput={(e) => {
                  const value = (e.target as HTMLInputElement).value;
                  setCounts((all) => all.map((c, j) => (j === i ? value : c)));
                }}
              />
            </label>
          ))}
          <button type="submit" data-testid="poll-counts-save">
            {t('poll.enterCounts')}
          </button>
        </form>
      )}
      <table class="poll-results" data-testid="poll-results">
        <thead>
          <tr>
            <th>{t('poll.option')}</th>
            <th>{t('poll.members')}</th>
            {poll.sites.map((s) => (
              <th key={s.id}>{s.name}</th>
            ))}
            <th>{t('poll.total')}</th>
          </tr>
        </thead>
        <tbody>
          {poll.options.map((option, i) => (
            <tr key={option}>
              <th>{option}</th>
              <td>{poll.members[i] ?? 0}</td>
              {poll.sites.map((s) => (
                <td key={s.id}>{s.counts[i] ?? 0}</td>
              ))}
              <td data-testid={`poll-total-${i}`}>{poll.counts[i] ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {poll.bySector.length > 0 && (
        <p class="hint">
          {t('poll.bySector')}：
          {poll.bySector.map((line) => `${line.sector ?? t('poll.otherSector')} ${line.counts.join('/')}`).join('；')}
        </p>
      )}
      {poll.open && self.role === 'chair' && (
        <button
          type="button"
          data-testid="poll-close"
          onClick={() => run(() => consultation.act('poll:close', { pollId: poll.id }))}
        >
          {t('poll.close')}
        </button>
      )}
      <ErrorNote error={error} />
    </article>
  );
}
