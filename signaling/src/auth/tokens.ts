import jwt from 'jsonwebtoken';
import {
  type TokenClaims,
  TokenClaimsSchema,
  Unauthenticated,
  type UnitTokenClaims,
  UnitTokenClaimsSchema,
} from '@yishi/shared';

/** The one algorithm Yishi signs and accepts; pinned so `none` and key-confusion tokens are refused. */
const ALGORITHM = 'HS256';

export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
}

/** Signs a room token. `ttl` is a jsonwebtoken duration: seconds, or a string like "12h". */
export function signToken(settings: TokenSettings, claims: TokenClaims, ttl: string | number): string {
  return sign(settings, TokenClaimsSchema.parse(claims), ttl);
}

/** Signs a handling unit's token (no room). */
export function signUnitToken(settings: TokenSettings, claims: UnitTokenClaims, ttl: string | number): string {
  return sign(settings, UnitTokenClaimsSchema.parse(claims), ttl);
}

function sign(settings: TokenSettings, claims: object, ttl: string | number): string {
  return jwt.sign(claims, settings.secret, {
    algorithm: ALGORITHM,
    issuer: settings.issuer,
    audience: settings.audience,
    expiresIn: ttl as jwt.SignOptions['expiresIn'],
  });
}

/** When a token this server signed expires (its `exp`); no verification. */
export function tokenExpiresAt(token: string): Date {
  const payload = jwt.decode(token);
  if (payload === null || typeof payload === 'string' || typeof payload.exp !== 'number') {
    throw new Error('token has no expiry');
  }
  return new Date(payload.exp * 1000);
}

/**
 * Verifies signature, algorithm, issuer, audience, expiry and not-before, then the claims' shape.
 * Every failure is an Unauthenticated with a message a user can act on.
 */
export function verifyToken(settings: TokenSettings, token: string): TokenClaims {
  const payload = verified(settings, token);
  if (isLedgerToken(payload)) {
    throw new Unauthenticated('a unit’s ledger token opens no consultation; ask for an invitation to the session');
  }
  // The schema keeps Yishi's claims and drops the registered ones (iss, aud, exp, iat).
  const claims = TokenClaimsSchema.safeParse(payload);
  if (!claims.success) throw new Unauthenticated('token claims are missing or malformed');
  return claims.data;
}

/**
 * A room token's claims, or a unit's ledger token's: for the ledger's routes, which both may use.
 * A unit's invitation into a session is a room token (it has a room), not a ledger token.
 */
export function verifyAnyToken(settings: TokenSettings, token: string): TokenClaims | UnitTokenClaims {
  const payload = verified(settings, token);
  const claims = isLedgerToken(payload)
    ? UnitTokenClaimsSchema.safeParse(payload)
    : TokenClaimsSchema.safeParse(payload);
  if (!claims.success) throw new Unauthenticated('token claims are missing or malformed');
  return claims.data;
}

/** A handling unit's ledger token: role unit and no room. */
function isLedgerToken(payload: jwt.JwtPayload): boolean {
  return payload.role === 'unit' && payload.room === undefined;
}

/** Whether verified claims are a unit's ledger token's (no room) rather than a room token's. */
export function isUnitLedgerClaims(claims: TokenClaims | UnitTokenClaims): claims is UnitTokenClaims {
  return !('room' in claims);
}

function verified(settings: TokenSettings, token: string): jwt.JwtPayload {
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, settings.secret, {
      algorithms: [ALGORITHM],
      issuer: settings.issuer,
      audience: settings.audience,
      clockTolerance: 5,
    });
  } catch (err) {
    throw new Unauthenticated(describe(err));
  }
  if (typeof payload === 'string' || typeof payload.exp !== 'number') {
    throw new Unauthenticated('token has no expiry');
  }
  return payload;
}

function describe(err: unknown): string {
  if (err instanceof jwt.TokenExpiredError) return 'token expired';
  if (err instanceof jwt.NotBeforeError) return 'token not yet valid';
  if (err instanceof jwt.JsonWebTokenError) {
    // Match only the fixed start of jsonwebtoken's messages: the audience and issuer messages end
    // with the configured values, which may themselves contain words like "issuer".
    if (err.message.startsWith('jwt audience invalid')) return 'token is for another audience';
    if (err.message.startsWith('jwt issuer invalid')) return 'token is from another issuer';
    if (err.message === 'invalid algorithm') return 'token algorithm not allowed';
    if (err.message === 'jwt signature is required') return 'token is not signed';
    if (err.message === 'invalid signature') return 'token signature invalid';
  }
  return 'token invalid';
}
