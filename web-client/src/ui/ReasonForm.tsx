import { useState } from 'preact/hooks';

/**
 * A one-line reason, required, at most 200 characters (the server's bound), asked inline next to
 * the action it explains: hiding a comment, removing a participant. `testId` prefixes the
 * input's and the button's test ids (`-reason`, `-confirm`).
 */
export function ReasonForm(props: {
  label: string;
  confirm: string;
  testId: string;
  onSubmit: (reason: string) => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        const text = reason.trim();
        if (text) props.onSubmit(text);
      }}
    >
      <input
        aria-label={props.label}
        placeholder={props.label}
        maxLength={200}
        data-testid={`${props.testId}-reason`}
        value={reason}
        onInput={(e) => setReason(e.currentTarget.value)}
      />
      <button type="submit" disabled={!reason.trim()} data-testid={`${props.testId}-confirm`}>
        {props.confirm}
      </button>
    </form>
  );
}
