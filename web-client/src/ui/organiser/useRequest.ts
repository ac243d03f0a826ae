import { useState } from 'preact/hooks';
import { describeError } from '../describeError.js';

/**
 * A server call started by the user: `busy` while it runs (to disable the control), and the
 * refusal in the user's language afterwards. `run` resolves to the result, or undefined on failure.
 */
export function useRequest(describe: (err: unknown) => string = describeError): {
  busy: boolean;
  error: string | undefined;
  run: <T>(call: () => Promise<T>) => Promise<T | undefined>;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return {
    busy,
    error,
    clear: () => setError(undefined),
    run: async (call) => {
      setBusy(true);
      setError(undefined);
      try {
        return await call();
      } catch (err) {
        setError(describe(err));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
  };
}
