import { pino, type Logger } from 'pino';

/** JSON logs on stdout; tokens never appear because nothing logs handshake auth or headers. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'yishi' },
    redact: { paths: ['token', '*.token', 'auth', '*.auth', 'req.headers.authorization'], censor: '[redacted]' },
  });
}
