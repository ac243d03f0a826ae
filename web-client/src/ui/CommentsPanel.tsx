import { useState } from 'preact/hooks';
import { type CommentView, MAX_COMMENT_LENGTH, type Person, REACTIONS, STANCES, type Stance } from '@yishi/shared';
import { getLocale, t, useLocale } from '../i18n/index.js';
import type { Consultation } from '../lib/Consultation.js';
import { useStore } from '../lib/store.js';
import { useAction } from './act.js';
import { ErrorNote } from './ErrorNote.js';
import { ReasonForm } from './ReasonForm.js';
import { Select } from './Select.js';

/** A comment may take a stance, or none (''). */
const STANCE_CHOICES: ReadonlyArray<Stance | ''> = ['', ...STANCES];

/** Live comments: threads one level deep, stance, reactions; chair and secretary hide, the secretary promotes. */
export function CommentsPanel({ consultation, self }: { consultation: Consultation; self: Person }) {
  useLocale();
  const state = useStore(consultation.state);
  const unsent = useStore(consultation.outbox.pending).filter((p) => p.name === 'comment:post');
  const { error, run } = useAction();
  const [replyTo, setReplyTo] = useState<CommentView>();
  const moderator = self.role === 'chair' || self.role === 'secretary';
  const mayComment = self.role !== 'observer' || state.session.settings.observersMayComment;
  const promoted = new Set(state.minutes?.minutes.promotedCommentIds ?? []);
  const roots = state.comments.filter((c) => !c.replyTo);
  const replies = (id: string) => state.comments.filter((c) => c.replyTo === id);
  const act = consultation.act.bind(consultation);

  const row = (c: CommentView) => (
    <Comment
      key={c.id}
      comment={c}
      self={self}
      moderator={moderator}
      promoted={promoted.has(c.id)}
      onReply={mayComment ? () => setReplyTo(c) : undefined}
      act={act}
      run={run}
    />
  );

  return (
    <section class="panel comments" aria-labelledby="comments-heading" data-testid="comments-panel">
      <h2 id="comments-heading">{t('comments.heading')}</h2>
      {state.hasMoreComments && (
        <button type="button" class="link" onClick={() => run(() => consultation.loadEarlierComments())}>
          {t('comments.loadEarlier')}
        </button>
      )}
      {roots.length === 0 && <p class="muted">{t('comments.empty')}</p>}
      <ul class="comment-list" aria-live="polite">
        {roots.map((c) => (
          <li key={c.id}>
            {row(c)}
            {replies(c.id).length > 0 && (
              <ul class="replies">
                {replies(c.id).map((r) => (
                  <li key={r.id}>{row(r)}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      {unsent.length > 0 && (
        <ul class="comment-list unsent" data-testid="unsent-comments">
          {unsent.map((p, i) => (
            <li key={i}>
              <p class="muted">{t('comments.pending')}</p>
              <p>{(p.payload as { text: string }).text}</p>
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={error} />
      {mayComment && state.session.session.status !== 'closed' && (
        <Composer
          replyTo={replyTo}
          onCancelReply={() => setReplyTo(undefined)}
          onSend={(text, stance) =>
            run(async () => {
              // The id makes a resend after a dropped connection count once.
              await consultation.deliver('comment:post', {
                id: crypto.randomUUID(),
                text,
                ...(replyTo ? { replyTo: replyTo.id } : {}),
                ...(stance ? { stance } : {}),
              });
              setReplyTo(undefined);
            })
          }
        />
      )}
    </section>
  );
}

interface CommentProps {
  comment: CommentView;
  self: Person;
  moderator: boolean;
  promoted: boolean;
  onReply: (() => void) | undefined;
  act: Consultation['act'];
  run: (action: () => Promise<unknown>) => void;
}

function Comment({ comment, self, moderator, promoted, onReply, act, run }: CommentProps) {
  const [hiding, setHiding] = useState(false);
  const time = new Date(comment.createdAt).toLocaleTimeString(getLocale(), { hour: '2-digit', minute: '2-digit' });
  return (
    <article class={`comment${comment.hidden ? ' hidden' : ''}`} data-testid="comment" data-comment-id={comment.id}>
      <header>
        <strong>{comment.author.name}</strong>
        {comment.author.sector && <span class="sector">{comment.author.sector}</span>}
        {comment.stance && <span class={`badge stance-${comment.stance}`}>{t(`stance.${comment.stance}`)}</span>}
        <time>{time}</time>
      </header>
      {comment.hidden && (
        <p class="muted hidden-note">
          {t('comments.hidden', { name: comment.hidden.byName, reason: comment.hidden.reason })}
        </p>
      )}
      {comment.text && <p class="text">{comment.text}</p>}
      <footer>
        {/* A hidden comment is no longer reacted or replied to; moderators may still promote or review it. */}
        {!comment.hidden &&
          REACTIONS.map((reaction) => {
            const who = comment.reactions[reaction] ?? [];
            const on = who.includes(self.id);
            return (
              <button
                key={reaction}
                type="button"
                class="reaction"
                aria-pressed={on}
                onClick={() => run(() => act('comment:react', { commentId: comment.id, reaction, on: !on }))}
              >
                {t(`reaction.${reaction}`)} {who.length > 0 ? who.length : ''}
              </button>
            );
          })}
        {onReply && !comment.replyTo && !comment.hidden && (
          <button type="button" class="link" onClick={onReply}>
            {t('comments.reply')}
          </button>
        )}
        {moderator && !comment.hidden && (
          <button
            type="button"
            class="link"
            aria-expanded={hiding}
            data-testid="hide"
            onClick={() => setHiding(!hiding)}
          >
            {t('comments.hide')}
          </button>
        )}
        {self.role === 'secretary' && !comment.hidden && (
          <button
            type="button"
            class="link"
            data-testid="promote"
            disabled={promoted}
            onClick={() => run(() => act('minutes:promoteComment', { commentId: comment.id }))}
          >
            {promoted ? t('comments.promoted') : t('comments.promote')}
          </button>
        )}
      </footer>
      {hiding && (
        <ReasonForm
          label={t('comments.hideReason')}
          confirm={t('comments.hideConfirm')}
          testId="hide"
          onSubmit={(reason) => {
            run(() => act('comment:hide', { commentId: comment.id, reason }));
            setHiding(false);
          }}
        />
      )}
    </article>
  );
}

function Composer(props: {
  replyTo: CommentView | undefined;
  onCancelReply: () => void;
  onSend: (text: string, stance: Stance | undefined) => void;
}) {
  const [text, setText] = useState('');
  const [stance, setStance] = useState<Stance | ''>('');
  const tooLong = text.length > MAX_COMMENT_LENGTH;
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        if (!text.trim() || tooLong) return;
        props.onSend(text, stance || undefined);
        setText('');
        setStance('');
      }}
    >
      {props.replyTo && (
        <p class="replying">
          {t('comments.replyingTo', { name: props.replyTo.author.name })}
          <button type="button" class="link" onClick={props.onCancelReply}>
            {t('comments.cancel')}
          </button>
        </p>
      )}
      <textarea
        aria-label={t('comments.placeholder')}
        placeholder={t('comments.placeholder')}
        data-testid="comment-input"
        rows={2}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      {tooLong && <p class="error">{t('comments.tooLong', { max: MAX_COMMENT_LENGTH })}</p>}
      <div class="composer-row">
        <label>
          {t('comments.stance')}
          <Select
            value={stance}
            options={STANCE_CHOICES}
            label={(s) => (s ? t(`stance.${s}`) : t('stance.none'))}
            onChange={setStance}
          />
        </label>
        <button type="submit" class="primary" data-testid="comment-send" disabled={!text.trim() || tooLong}>
          {t('comments.send')}
        </button>
      </div>
    </form>
  );
}
