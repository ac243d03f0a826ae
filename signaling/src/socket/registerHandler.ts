import type { Logger } from 'pino';
import {
  type Ack,
  type ErrorCode,
  fail,
  ok,
  type RequestName,
  type RequestPayload,
  RequestSchemas,
  type ResponseMap,
} from '@yishi/shared';
import type { Metrics } from '../metrics.js';
import { describeZodError, toErrorBody } from '../errors.js';
import type { YishiSocket } from './types.js';

export type Handler<K extends RequestName> = (payload: RequestPayload<K>) => Promise<ResponseMap[K]> | ResponseMap[K];

/**
 * Wires one request: the payload is validated against its schema before the handler sees it, and
 * the ack always gets exactly one envelope, whatever the handler does. A message without an ack
 * callback cannot be answered, so it is refused with a `protocol:error` notification instead.
 */
export function registerHandler<K extends RequestName>(
  socket: YishiSocket,
  name: K,
  handler: Handler<K>,
  deps: { log: Logger; metrics: Metrics },
): void {
  const schema = RequestSchemas[name];
  const listener = async (...args: unknown[]): Promise<void> => {
    const ack = args.at(-1);
    if (typeof ack !== 'function') {
      socket.emit('protocol:error', {
        event: name,
        code: 'INVALID_REQUEST',
        message: 'request needs an acknowledgement callback',
      });
      return;
    }
    const reply = ack as (res: Ack<ResponseMap[K]>) => void;
    const stop = deps.metrics.requestDuration.startTimer({ event: name });
    let code: ErrorCode | 'OK' = 'OK';
    try {
      if (args.length !== 2) {
        code = 'INVALID_REQUEST';
        return reply(fail({ code, message: 'expected exactly one payload object and an acknowledgement' }));
      }
      const parsed = schema.safeParse(args[0]);
      if (!parsed.success) {
        code = 'INVALID_REQUEST';
        return reply(fail({ code, message: describeZodError(parsed.error) }));
      }
      const data = await handler(parsed.data as RequestPayload<K>);
      reply(ok(data));
    } catch (err) {
      const body = toErrorBody(err, deps.log.child({ event: name }));
      code = body.code;
      reply(fail(body));
    } finally {
      stop();
      deps.metrics.requests.inc({ event: name, code });
    }
  };
  socket.on(name, listener as never);
}
