import { Conflict, InvalidRequest } from '@yishi/shared';

/**
 * Runs a mediasoup call whose inputs came from a client. mediasoup refuses bad parameters with
 * TypeError / UnsupportedError and calls made in the wrong state with InvalidStateError; those are
 * the client's mistakes and become typed errors. Anything else is ours and propagates.
 */
export async function clientCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof Error) {
      if (err.name === 'TypeError' || err.name === 'UnsupportedError') {
        throw new InvalidRequest(`${what}: ${err.message}`);
      }
      // "already exists": the worker's refusal of a MID or SSRC the client already uses on that transport.
      if (err.name === 'InvalidStateError' || /already called|already connected|already exists/i.test(err.message)) {
        throw new Conflict(`${what}: ${err.message}`);
      }
    }
    throw err;
  }
}
