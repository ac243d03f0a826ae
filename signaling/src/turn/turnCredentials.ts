import { createHmac, randomBytes } from 'node:crypto';
import type { IceServer } from '@yishi/shared';

/** The TURN servers clients may relay through, and the secret they share with this server. */
export interface TurnConfig {
  /** `turn:` / `turns:` URLs of one coturn deployment (all with the same secret). */
  urls: string[];
  /** coturn's `static-auth-secret`: never sent to a client. */
  secret: string;
  /** How long credentials made for a join stay valid (seconds). */
  ttlSeconds: number;
}

/**
 * Credentials of the TURN REST API as coturn checks them with `use-auth-secret`: the username is
 * `<expiry>:<id>` (expiry in Unix seconds, id random per join, so no two joins share one), the
 * password base64(HMAC-SHA1(secret, username)). coturn recomputes the HMAC and refuses a username
 * whose expiry has passed; nothing needs to be stored on either side.
 */
export function turnCredentials(config: TurnConfig, nowMs = Date.now()): IceServer {
  const expiry = Math.floor(nowMs / 1000) + config.ttlSeconds;
  const username = `${expiry}:${randomBytes(12).toString('base64url')}`;
  return { urls: [...config.urls], username, credential: turnPassword(config.secret, username) };
}

/** The password coturn expects for `username` under `secret`. */
export function turnPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}
