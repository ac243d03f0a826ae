import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { type CardFigures, Forbidden, InvalidRequest } from '@yishi/shared';

/**
 * The card's verification link (核验链接): `<base>/records/verify?p=<personId>&period=<period>
 * &exp=<unix seconds>&f=<figures digest>&sig=<HMAC>`. The HMAC key is derived from the server's
 * JWT secret, so every node with the same JWT_SECRET checks every other's links, and a link
 * proves nothing about tokens. `f` pins the figures printed on the card: the page says whether
 * today's figures are still the same (a period still running may have grown since).
 */
export interface CardLinkClaims {
  personId: string;
  period: string;
  /** Expiry, unix seconds. */
  exp: number;
  /** Digest of the figures the card printed. */
  f: string;
}

/** Cards are kept for years: a link lasts a five-year term. */
export const CARD_LINK_TTL_SECONDS = 5 * 366 * 24 * 3600;

const deriveKey = (secret: string) => createHmac('sha256', secret).update('yishi card verification link v1').digest();

const mac = (secret: string, c: CardLinkClaims) =>
  createHmac('sha256', deriveKey(secret))
    .update(['v1', c.personId, c.period, String(c.exp), c.f].join('\n'))
    .digest()
    .subarray(0, 16)
    .toString('base64url');

/** A short digest of a card's figures (in a fixed order). */
export function figuresDigest(f: CardFigures): string {
  const values = [f.invited, f.attended, f.speeches, f.speakingSeconds, f.comments, f.itemsRaised, f.itemsSolved];
  return createHash('sha256').update(values.join(',')).digest().subarray(0, 9).toString('base64url');
}

/** The signed link for `claims` under `base` (an origin, no trailing slash). */
export function cardLink(secret: string, base: string, claims: CardLinkClaims): string {
  const query = new URLSearchParams({
    p: claims.personId,
    period: claims.period,
    exp: String(claims.exp),
    f: claims.f,
    sig: mac(secret, claims),
  });
  return `${base.replace(/\/+$/, '')}/records/verify?${query}`;
}

/**
 * The claims of a link's query when its signature holds and it has not expired. A missing or
 * malformed field is INVALID_REQUEST; a signature that does not match (anything changed) or an
 * expired link is NOT_ALLOWED.
 */
export function checkCardLink(secret: string, query: Record<string, unknown>, nowSeconds: number): CardLinkClaims {
  const field = (name: string, max: number) => {
    const value = query[name];
    if (typeof value !== 'string' || value === '' || value.length > max) {
      throw new InvalidRequest(`the verification link has no valid "${name}"`);
    }
    return value;
  };
  const claims: CardLinkClaims = {
    personId: field('p', 200),
    period: field('period', 64),
    exp: Number(field('exp', 12)),
    f: field('f', 32),
  };
  const sig = field('sig', 64);
  if (!Number.isSafeInteger(claims.exp)) throw new InvalidRequest('the verification link has no valid "exp"');
  const expected = Buffer.from(mac(secret, claims));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new Forbidden('this verification link is not genuine: it was not made by this server or was changed');
  }
  if (claims.exp < nowSeconds) throw new Forbidden('this verification link has expired');
  return claims;
}
