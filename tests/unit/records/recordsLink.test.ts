import { describe, expect, it } from 'vitest';
import { signToken } from '../../../signaling/src/auth/tokens.js';
import {
  isRecordsPath,
  isVerifyPath,
  parseRecordsRoute,
  readPeriod,
  recordsHref,
  recordsLink,
  recordsViewer,
  recordsToken,
} from '../../../web-client/src/lib/recordsLink.js';

/**
 * The records pages' addresses (web-client/src/lib/recordsLink.ts): routes and periods in the
 * hash, the room token a 我的履职 link brings taken out of the address and kept for the tab, and
 * whose record a token names (the server checks every call).
 */

const SETTINGS = { secret: 'a-secret-long-enough-for-hs256-0123456789', issuer: 'yishi', audience: 'yishi' };
const token = (role: 'member' | 'guest' | 'chair') =>
  signToken(SETTINGS, { sub: 'm-1', name: '张委员', role, room: 'r1' }, 3600);

describe('records addresses', () => {
  it('route by the hash, with a period only when the API would take it', () => {
    expect(parseRecordsRoute('')).toEqual({ page: 'home', period: undefined });
    expect(parseRecordsRoute('#/?period=2026-03')).toEqual({ page: 'home', period: '2026-03' });
    expect(parseRecordsRoute('#/board?period=term&sector=经济界')).toEqual({
      page: 'board',
      period: 'term',
      sector: '经济界',
    });
    expect(parseRecordsRoute('#/people/m%2F1?period=2026-13')).toEqual({
      page: 'person',
      id: 'm/1',
      period: undefined,
    });
    expect(parseRecordsRoute('#/people/%E0')).toEqual({ page: 'home', period: undefined });
    expect(['2026', '2026-12', 'term', 'term:第十四届'].map(readPeriod)).toEqual([
      '2026',
      '2026-12',
      'term',
      'term:第十四届',
    ]);
    expect(['26', '2026-1', 'all', ''].map(readPeriod)).toEqual([undefined, undefined, undefined, undefined]);
    expect(parseRecordsRoute(recordsHref.home('2026'))).toEqual({ page: 'home', period: '2026' });
    expect(parseRecordsRoute(recordsHref.board('term:第十四届', '经济界'))).toEqual({
      page: 'board',
      period: 'term:第十四届',
      sector: '经济界',
    });
    expect(parseRecordsRoute(recordsHref.person('a b', '2026-01'))).toEqual({
      page: 'person',
      id: 'a b',
      period: '2026-01',
    });
    expect(isRecordsPath('/records')).toBe(true);
    expect(isRecordsPath('/records/verify')).toBe(true);
    expect(isRecordsPath('/recordsx')).toBe(false);
    expect(isVerifyPath('/records/verify')).toBe(true);
    expect(isVerifyPath('/records')).toBe(false);
  });

  it('take the token out of the address, keep it for the tab, and name its holder only for those with a record', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    const replaced: string[] = [];
    const member = token('member');
    const link = new URL(recordsLink('https://yishi.example', member));
    expect(link.pathname).toBe('/records');
    const where = { pathname: link.pathname, search: link.search, hash: link.hash };
    expect(recordsToken.take(where, storage, (url) => replaced.push(url))).toBe(member);
    expect(replaced).toEqual(['/records#/']);
    // A reload finds it in the tab.
    expect(recordsToken.take({ pathname: '/records', search: '', hash: '#/' }, storage, () => undefined)).toBe(member);

    expect(recordsViewer(member)).toEqual({ sub: 'm-1', name: '张委员', role: 'member' });
    expect(recordsViewer(token('chair'))?.role).toBe('chair');
    expect(recordsViewer(token('guest'))).toBeUndefined();
    expect(recordsViewer('not-a-token')).toBeUndefined();
  });
});
