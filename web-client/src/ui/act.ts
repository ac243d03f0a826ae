import { useState } from 'preact/hooks';
import { describeError } from './describeError.js';

/**
 * Runs user actions that ask the server something, and keeps the last refusal to show next to
 * the controls (in the user's language), so no click fails silently.
 */
export function useAction(): { error: string | undefined; run: (action: () => Promise<unknown>) => void } {
  const [error, setError] = useState<string>();
  return {
    error,
    run: (action) => {
      setError(undefined);
      action().catch((err: unknown) => setError(describeError(err)));
    },
  };
}
