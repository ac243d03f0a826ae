/**
 * The closed set of error codes a request can be refused with. Every ack error and every
 * handshake refusal carries exactly one of these.
 */
export const ERROR_CODES = [
  'INVALID_REQUEST',
  'UNAUTHENTICATED',
  'NOT_ALLOWED',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'UNSUPPORTED_VERSION',
  /** The room's session is not open (scheduled, or closed) — joining is refused. */
  'SESSION_NOT_OPEN',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The error half of the ack envelope; also the `data` of a refused Socket.IO handshake. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/**
 * Base of the application's typed errors. Anything thrown that is not an AppError is a bug and
 * reaches the client only as INTERNAL, without its message.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  /** For a refusal that passes (RATE_LIMITED, UNAVAILABLE), when known: HTTP sends it as `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

export class InvalidRequest extends AppError {
  constructor(message: string) {
    super('INVALID_REQUEST', message);
  }
}

export class Unauthenticated extends AppError {
  constructor(message: string) {
    super('UNAUTHENTICATED', message);
  }
}

export class Forbidden extends AppError {
  constructor(message: string) {
    super('NOT_ALLOWED', message);
  }
}

export class NotFound extends AppError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

export class Conflict extends AppError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

export class RateLimited extends AppError {
  constructor(message: string, retryAfterSeconds?: number) {
    super('RATE_LIMITED', message, retryAfterSeconds);
  }
}

export class SessionNotOpen extends AppError {
  constructor(message: string) {
    super('SESSION_NOT_OPEN', message);
  }
}

export class Unavailable extends AppError {
  constructor(message: string, retryAfterSeconds?: number) {
    super('UNAVAILABLE', message, retryAfterSeconds);
  }
}

export class UnsupportedVersion extends AppError {
  constructor(message: string) {
    super('UNSUPPORTED_VERSION', message);
  }
}
