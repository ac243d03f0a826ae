import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type TokenClaims, Unauthenticated } from '@yishi/shared';
import { resolveJwtSecret } from '../../signaling/src/auth/secret.js';
import {
  isUnitLedgerClaims,
  signToken,
  signUnitToken,
  type TokenSettings,
  verifyAnyToken,
  verifyToken,
} from '../../signaling/src/auth/tokens.js';
import { decodeJwtHeader, decodeJwtPayload, encodeJwt, tamperJwt } from '../support/jwt.js';

const SECRET = 'unit-test-secret-0123456789-abcdefghij';
const settings: TokenSettings = { secret: SECRET, issuer: 'yishi', audience: 'yishi' };
const claims: TokenClaims = { sub: 'u-li-hua', name: '李华', room: 'county-council', role: 'member', sector: '教育' };

/** Tokens are checked against a fixed clock (jsonwebtoken reads Date.now()). */
const NOW_S = Date.UTC(2025, 10, 26, 9, 0, 0) / 1000;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW_S * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

/** The payload a valid token carries; `changes` set (or, with undefined, remove) fields. */
function payload(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...claims, iss: 'yishi', aud: 'yishi', iat: NOW_S, exp: NOW_S + 3600, ...changes };
}

/** A token signed correctly (HS256, the server's secret) over `payload(changes)`. */
const hs256 = (changes: Record<string, unknown> = {}) => encodeJwt(payload(changes), { alg: 'HS256', secret: SECRET });

/** What verifyToken throws for `token`; fails the test if it accepts it. */
function refusal(token: string, with_: TokenSettings = settings): unknown {
  try {
    verifyToken(with_, token);
  } catch (err) {
    return err;
  }
  throw new Error('the token was accepted');
}

describe('signToken / verifyToken', () => {
  it('round-trips the claims of a signed token', () => {
    expect(verifyToken(settings, signToken(settings, claims, '1h'))).toEqual(claims);
    const { sector: _, ...noSector } = claims;
    expect(verifyToken(settings, signToken(settings, noSector, 60))).toEqual(noSector);
  });

  it('signs HS256 with issuer, audience, issue time and the requested lifetime', () => {
    const token = signToken(settings, claims, '12h');
    expect(decodeJwtHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decodeJwtPayload(token)).toEqual({
      ...claims,
      iss: 'yishi',
      aud: 'yishi',
      iat: NOW_S,
      exp: NOW_S + 12 * 3600,
    });
  });

  it('refuses to sign malformed claims, and signs only the known ones', () => {
    expect(() => signToken(settings, { ...claims, role: 'admin' as never }, '1h')).toThrow();
    const token = signToken(settings, { ...claims, admin: true } as TokenClaims, '1h');
    expect(decodeJwtPayload(token)).not.toHaveProperty('admin');
  });

  it('accepts a token issued elsewhere with the same settings, and tolerates 5 s of clock skew', () => {
    expect(verifyToken(settings, hs256())).toEqual(claims);
    expect(verifyToken(settings, hs256({ exp: NOW_S - 3, nbf: NOW_S + 3 }))).toEqual(claims);
  });

  it('tells a unit invited into a session from its ledger token, which opens no consultation', () => {
    const invited: TokenClaims = { sub: 'u-fgw', name: '张处长', room: 'county-council', role: 'unit', unit: '发改委' };
    const roomToken = signToken(settings, invited, '1h');
    expect(verifyToken(settings, roomToken)).toEqual(invited);
    expect(verifyAnyToken(settings, roomToken)).toEqual(invited);
    const ledger = signUnitToken(settings, { sub: 'u-fgw', name: '张处长', role: 'unit', unit: '发改委' }, '1h');
    expect(refusal(ledger)).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining('ledger token'),
    });
    const any = verifyAnyToken(settings, ledger);
    expect([isUnitLedgerClaims(any), isUnitLedgerClaims(verifyAnyToken(settings, roomToken))]).toEqual([true, false]);
    // A room token with role unit must name its unit; a member's must not.
    expect(refusal(hs256({ role: 'unit' }))).toMatchObject({ message: 'token claims are missing or malformed' });
    expect(refusal(hs256({ unit: '发改委' }))).toMatchObject({ message: 'token claims are missing or malformed' });
  });

  it('refuses a token once its lifetime has passed', () => {
    const token = signToken(settings, claims, 60);
    vi.setSystemTime((NOW_S + 120) * 1000);
    expect(refusal(token)).toMatchObject({ code: 'UNAUTHENTICATED', message: 'token expired' });
  });

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const unsigned = () => encodeJwt(payload({ role: 'chair' }), { alg: 'none' });

  it.each([
    { why: 'expired', token: () => hs256({ exp: NOW_S - 60 }), message: 'token expired' },
    {
      why: 'expired just beyond the clock tolerance',
      token: () => hs256({ exp: NOW_S - 6 }),
      message: 'token expired',
    },
    {
      why: 'not yet valid (nbf in the future)',
      token: () => hs256({ nbf: NOW_S + 600 }),
      message: 'token not yet valid',
    },
    { why: 'for another audience', token: () => hs256({ aud: 'other-app' }), message: 'token is for another audience' },
    { why: 'without an audience', token: () => hs256({ aud: undefined }), message: 'token is for another audience' },
    { why: 'from another issuer', token: () => hs256({ iss: 'evil' }), message: 'token is from another issuer' },
    {
      why: 'signed with another secret',
      token: () => encodeJwt(payload(), { alg: 'HS256', secret: `${SECRET}-other` }),
      message: 'token signature invalid',
    },
    { why: 'unsigned (alg: none)', token: unsigned, message: 'token is not signed' },
    {
      why: 'alg: none with a made-up signature',
      token: () => `${unsigned()}c2lnbmF0dXJl`,
      message: 'token algorithm not allowed',
    },
    {
      why: 'HS512, though signed with the right secret',
      token: () => encodeJwt(payload(), { alg: 'HS512', secret: SECRET }),
      message: 'token algorithm not allowed',
    },
    {
      why: 'RS256 with an attacker key (key confusion)',
      token: () => encodeJwt(payload(), { alg: 'RS256', privateKey }),
      message: 'token algorithm not allowed',
    },
    {
      why: 'tampered: member turned chair under the original signature',
      token: () => tamperJwt(hs256(), (p) => ({ ...p, role: 'chair' })),
      message: 'token signature invalid',
    },
    { why: 'without expiry', token: () => hs256({ exp: undefined }), message: 'token has no expiry' },
    { why: 'with a non-numeric expiry', token: () => hs256({ exp: 'tomorrow' }), message: 'token invalid' },
    {
      why: 'with an unknown role',
      token: () => hs256({ role: 'admin' }),
      message: 'token claims are missing or malformed',
    },
    {
      why: 'without a name',
      token: () => hs256({ name: undefined }),
      message: 'token claims are missing or malformed',
    },
    {
      why: 'with a bad room id',
      token: () => hs256({ room: '../admin' }),
      message: 'token claims are missing or malformed',
    },
    {
      why: 'without a subject',
      token: () => hs256({ sub: undefined }),
      message: 'token claims are missing or malformed',
    },
    { why: 'empty', token: () => '', message: 'token invalid' },
    { why: 'garbage', token: () => 'not-a-token', message: 'token invalid' },
    { why: 'three garbage segments', token: () => 'a.b.c', message: 'token invalid' },
    {
      why: 'cut short after the payload',
      token: () => hs256().split('.').slice(0, 2).join('.'),
      message: 'token invalid',
    },
    { why: 'whose header names no algorithm', token: () => 'e30.e30.e30', message: 'token algorithm not allowed' },
  ])('refuses a token $why', ({ token, message }) => {
    const err = refusal(token());
    expect(err).toBeInstanceOf(Unauthenticated);
    expect(err).toMatchObject({ code: 'UNAUTHENTICATED', message });
  });

  it('names the failing check whatever the configured issuer and audience are called', () => {
    const odd: TokenSettings = { secret: SECRET, issuer: 'audience-hub', audience: 'issuer-hub' };
    const token = (changes: Record<string, unknown>) =>
      encodeJwt(payload({ iss: 'audience-hub', aud: 'issuer-hub', ...changes }), { alg: 'HS256', secret: SECRET });
    expect(verifyToken(odd, token({}))).toEqual(claims);
    expect(refusal(token({ iss: 'x' }), odd)).toMatchObject({ message: 'token is from another issuer' });
    expect(refusal(token({ aud: 'x' }), odd)).toMatchObject({ message: 'token is for another audience' });
  });
});

describe('resolveJwtSecret', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-secret-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('generates a strong secret into DATA_DIR/jwt-secret, readable by the owner only', () => {
    const dataDir = path.join(tempDir(), 'not', 'yet', 'there');
    const secret = resolveJwtSecret(undefined, dataDir);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    const file = path.join(dataDir, 'jwt-secret');
    expect(fs.readFileSync(file, 'utf8')).toBe(`${secret}\n`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('returns the same secret on later starts', () => {
    const dataDir = tempDir();
    const first = resolveJwtSecret(undefined, dataDir);
    expect(resolveJwtSecret(undefined, dataDir)).toBe(first);
    expect(resolveJwtSecret('', dataDir)).toBe(first);
  });

  it('prefers a configured secret and then writes no file', () => {
    const dataDir = tempDir();
    expect(resolveJwtSecret(SECRET, dataDir)).toBe(SECRET);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('uses a secret placed in the file by hand, without surrounding whitespace', () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'jwt-secret'), `  ${SECRET}\r\n`, { mode: 0o600 });
    expect(resolveJwtSecret(undefined, dataDir)).toBe(SECRET);
  });

  it.each([
    ['an empty', ''],
    ['a short', 'hunter2\n'],
  ])('refuses %s stored secret rather than sign with it', (_, content) => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'jwt-secret'), content, { mode: 0o600 });
    expect(() => resolveJwtSecret(undefined, dataDir)).toThrow(
      /jwt-secret holds a JWT secret shorter than 32.*JWT_SECRET/,
    );
  });
});
