import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { CONVERSIONS, type ConversionKind, type LedgerAction, type LedgerItemDetail, RATINGS } from '@yishi/shared';
import { t, useLocale } from '../../i18n/index.js';
import type { LedgerApi } from '../../lib/ledgerApi.js';
import { ErrorNote } from '../ErrorNote.js';
import { splitList } from '../organiser/format.js';
import { Field, SubmitButton } from '../organiser/formControls.js';
import { useRequest } from '../organiser/useRequest.js';

interface StepProps {
  api: LedgerApi;
  item: LedgerItemDetail;
  /** Called with what was done, once the server has taken the step. */
  onDone: (message: string) => void;
}

/**
 * The steps the viewer may take on the item now — exactly those the server lists for them
 * (`actions`: the ledger's rules applied to this viewer and this item), each a small form.
 * Nothing when there is none.
 */
export function LedgerSteps(props: StepProps) {
  useLocale();
  const { actions } = props.item;
  if (actions.length === 0) return null;
  return (
    <section class="org-section" aria-labelledby="ledger-steps" data-testid="ledger-steps">
      <h2 id="ledger-steps">{t('ledger.steps')}</h2>
      {actions.map((action) => {
        const Step = STEPS[action];
        return <Step key={action} {...props} />;
      })}
    </section>
  );
}

const STEPS: Record<LedgerAction, (props: StepProps) => JSX.Element> = {
  assign: AssignStep,
  start: (props) => <ButtonStep {...props} action="start" />,
  update: (props) => <TextStep {...props} action="update" field="text" />,
  answer: (props) => <TextStep {...props} action="answer" field="text" />,
  return: (props) => <TextStep {...props} action="return" field="reason" />,
  evaluate: EvaluateStep,
  close: (props) => <ButtonStep {...props} action="close" />,
  convert: ConvertStep,
};

/** A step's form: its heading-less fieldset, the refusal beside it, the submit button. */
function StepForm({
  action,
  busy,
  error,
  onSubmit,
  children,
}: {
  action: LedgerAction;
  busy: boolean;
  error: string | undefined;
  onSubmit: () => void;
  children?: ComponentChildren;
}) {
  return (
    <form
      class="org-form ledger-step"
      data-testid={`step-${action}`}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
      <ErrorNote error={error} testId={`step-${action}-error`} />
      <div class="org-buttons">
        <SubmitButton busy={busy} testId={`step-${action}-submit`}>
          {t(`ledger.step.${action}`)}
        </SubmitButton>
      </div>
    </form>
  );
}

/** Runs one step and reports it done; the refusal stays beside the form. */
function useStep({ api, item, onDone }: StepProps, action: LedgerAction) {
  const request = useRequest();
  const run = async (body: object = {}) => {
    const row = await request.run(() => api.act(item.id, action, body));
    if (row) onDone(t(`ledger.stepDone.${action}`));
  };
  return { ...request, run };
}

function ButtonStep(props: StepProps & { action: 'start' | 'close' }) {
  const step = useStep(props, props.action);
  return <StepForm action={props.action} busy={step.busy} error={step.error} onSubmit={() => void step.run()} />;
}

/** Progress (进展), the answer (答复) or the reason for returning it: one text. */
function TextStep(props: StepProps & { action: 'update' | 'answer' | 'return'; field: 'text' | 'reason' }) {
  const step = useStep(props, props.action);
  const [text, setText] = useState('');
  const max = props.action === 'answer' ? 10_000 : props.action === 'update' ? 2000 : 500;
  return (
    <StepForm
      action={props.action}
      busy={step.busy}
      error={step.error}
      onSubmit={() => void step.run({ [props.field]: text })}
    >
      <Field label={t(`ledger.stepText.${props.action}`)} required>
        <textarea
          rows={props.action === 'answer' ? 5 : 3}
          required
          maxLength={max}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          data-testid={`step-${props.action}-text`}
        />
      </Field>
    </StepForm>
  );
}

/** The office hands the item to a lead unit (and co-units), with a due date. */
function AssignStep(props: StepProps) {
  const step = useStep(props, 'assign');
  const [leadUnit, setLeadUnit] = useState(props.item.leadUnit ?? '');
  const [coUnits, setCoUnits] = useState(props.item.coUnits.join('、'));
  const [dueDate, setDueDate] = useState(props.item.dueDate ?? '');
  return (
    <StepForm
      action="assign"
      busy={step.busy}
      error={step.error}
      onSubmit={() => void step.run({ leadUnit, coUnits: splitList(coUnits), ...(dueDate ? { dueDate } : {}) })}
    >
      <div class="org-pair">
        <Field label={t('ledger.field.leadUnit')} required>
          <input
            type="text"
            required
            maxLength={64}
            value={leadUnit}
            onInput={(e) => setLeadUnit(e.currentTarget.value)}
            data-testid="step-assign-unit"
          />
        </Field>
        <Field label={t('ledger.field.dueDate')}>
          <input type="date" value={dueDate} onInput={(e) => setDueDate(e.currentTarget.value)} />
        </Field>
      </div>
      <Field label={t('ledger.field.coUnits')}>
        <input type="text" value={coUnits} onInput={(e) => setCoUnits(e.currentTarget.value)} />
      </Field>
      <p class="org-hint">{t('ledger.coUnitsHint')}</p>
    </StepForm>
  );
}

/** A member who raised the item rates the answer: 满意 / 基本满意 / 不满意, with a comment. */
function EvaluateStep(props: StepProps) {
  const step = useStep(props, 'evaluate');
  const [rating, setRating] = useState<string>('');
  const [comment, setComment] = useState('');
  return (
    <StepForm action="evaluate" busy={step.busy} error={step.error} onSubmit={() => void step.run({ rating, comment })}>
      <fieldset class="org-radios">
        <legend>{t('ledger.rateAnswer', { n: props.item.answers.length })}</legend>
        {RATINGS.map((r) => (
          <label key={r} class="check">
            <input type="radio" name="rating" value={r} required checked={rating === r} onChange={() => setRating(r)} />{' '}
            {t(`ledger.rating.${r}`)}
          </label>
        ))}
      </fieldset>
      <Field label={t('ledger.stepText.evaluate')}>
        <textarea
          rows={3}
          maxLength={1000}
          value={comment}
          onInput={(e) => setComment(e.currentTarget.value)}
          data-testid="step-evaluate-comment"
        />
      </Field>
      {rating === 'unsatisfied' && <p class="org-hint">{t('ledger.unsatisfiedHint')}</p>}
    </StepForm>
  );
}

/** 成果转化: a proposal or a public-opinion report with its reference number, or solved on site. */
function ConvertStep(props: StepProps) {
  const step = useStep(props, 'convert');
  const [kind, setKind] = useState<ConversionKind>('proposal');
  const [reference, setReference] = useState('');
  const needsReference = kind !== 'solved_on_site';
  return (
    <StepForm action="convert" busy={step.busy} error={step.error} onSubmit={() => void step.run({ kind, reference })}>
      <div class="org-pair">
        <Field label={t('ledger.field.conversion')}>
          <select
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value as ConversionKind)}
            data-testid="step-convert-kind"
          >
            {CONVERSIONS.map((c) => (
              <option key={c} value={c}>
                {t(`ledger.conversion.${c}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('ledger.field.reference')} required={needsReference}>
          <input
            type="text"
            maxLength={100}
            required={needsReference}
            value={reference}
            onInput={(e) => setReference(e.currentTarget.value)}
            data-testid="step-convert-reference"
          />
        </Field>
      </div>
    </StepForm>
  );
}
