import { type TokenClaims, TokenClaimsSchema } from '@yishi/shared';

/**
 * Reads the claims of an invitation token for display before joining. Not a verification: the
 * server checks the signature and refuses a bad token when we connect.
 */
export function readClaims(token: string): (TokenClaims & { exp?: number }) | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
    );
    const payload = JSON.parse(json) as Record<string, unknown>;
    const claims = TokenClaimsSchema.safeParse(payload);
    if (!claims.success) return undefined;
    return { ...claims.data, ...(typeof payload.exp === 'number' ? { exp: payload.exp } : {}) };
  } catch {
    return undefined;
  }
}
