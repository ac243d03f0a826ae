import { createHmac, type KeyObject, sign } from 'node:crypto';

/**
 * A hand-rolled JWT encoder, independent of the library under test, for crafting the tokens an
 * attacker or a misconfigured issuer would send: unsigned, other algorithms, odd claims.
 */

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export type JwtKey =
  | { alg: 'none' }
  | { alg: 'HS256' | 'HS512'; secret: string }
  | { alg: 'RS256'; privateKey: KeyObject };

/** Encodes and signs `payload` exactly as given (no claims are added). */
export function encodeJwt(payload: Record<string, unknown>, key: JwtKey): string {
  const input = `${b64url({ alg: key.alg, typ: 'JWT' })}.${b64url(payload)}`;
  switch (key.alg) {
    case 'none':
      return `${input}.`;
    case 'HS256':
    case 'HS512':
      return `${input}.${createHmac(key.alg === 'HS256' ? 'sha256' : 'sha512', key.secret)
        .update(input)
        .digest('base64url')}`;
    case 'RS256':
      return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
  }
}

/** The decoded payload of a token (no verification). */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The decoded header of a token (no verification). */
export function decodeJwtHeader(token: string): Record<string, unknown> {
  const header = token.split('.')[0] ?? '';
  return JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Replaces a token's payload but keeps its header and (now wrong) signature: a tampered token. */
export function tamperJwt(
  token: string,
  change: (payload: Record<string, unknown>) => Record<string, unknown>,
): string {
  const [header, , signature] = token.split('.');
  return `${header}.${b64url(change(decodeJwtPayload(token)))}.${signature}`;
}
