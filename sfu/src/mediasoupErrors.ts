import { Conflict, InvalidRequest, NotFound } from '@yishi/shared';

/**
 * Runs a mediasoup call whose inputs came from a client. mediasoup refuses bad parameters with
 * TypeError / UnsupportedError, a producer that closed meanwhile with NotFoundError, and calls made
 * in the wrong state with a plain Error whose message says so; those follow from the client's
 * request and become typed errors. Anything else (WorkerClosedError: the worker died) is ours and
 * propagates.
 */
export async function clientCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof Error) {
      if (err.name === 'TypeError' || err.name === 'UnsupportedError') {
        throw new InvalidRequest(`${what}: ${err.message}`);
      }
      if (err.name === 'NotFoundError') throw new NotFound(`${what}: ${err.message}`);
      // "already exists": the worker's refusal of a MID or SSRC the client already uses on that transport.
      if (/already called|already connected|already exists/i.test(err.message)) {
        throw new Conflict(`${what}: ${err.message}`);
      }
    }
    throw err;
  }
}
