import { describe, expect, it } from 'vitest';
import { signUnitToken } from '../../signaling/src/auth/tokens.js';
import { signToken } from '../../signaling/src/auth/tokens.js';
import {
  filtersQuery,
  isLedgerPath,
  ledgerHref,
  ledgerLink,
  parseLedgerRoute,
  ledgerToken,
  tokenViewer,
} from '../../web-client/src/lib/ledgerLink.js';
import { fileName } from '../../web-client/src/lib/ledgerApi.js';

/**
 * The ledger pages' addresses (web-client/src/lib/ledgerLink.ts): routes and filters in the hash,
 * the token a unit's link brings taken out of the address and kept for the tab, and who a token
 * names — the page's only knowledge of its viewer (the server checks every call).
 */

const SETTINGS = { secret: 'a-secret-long-enough-for-hs256-0123456789', issuer: 'yishi', audience: 'yishi' };

/** A tab's sessionStorage, and the addresses the page replaced its own with. */
function tab(initial: Record<string, string> = {}) {
  const store = new Map(Object.entries(initial));
  const replaced: string[] = [];
  return {
    storage: {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    },
    store,
    replaced,
    replace: (url: string) => void replaced.push(url),
  };
}

const at = (hash: string) => ({ pathname: '/ledger', search: '', hash });

describe('the ledger routes', () => {
  it('reads the list with its filters, an item and the form; anything else is the list', () => {
    expect(parseLedgerRoute('')).toEqual({ page: 'list', filters: {} });
    expect(parseLedgerRoute('#/')).toEqual({ page: 'list', filters: {} });
    expect(
      parseLedgerRoute('#/?topic=t-1&status=assigned&unit=%E5%8E%BF%E6%95%99%E8%82%B2%E5%B1%80&overdue=true'),
    ).toEqual({ page: 'list', filters: { topic: 't-1', status: 'assigned', unit: '县教育局', overdue: true } });
    expect(parseLedgerRoute('#/items/t-1.act-3')).toEqual({ page: 'item', id: 't-1.act-3' });
    expect(parseLedgerRoute('#/items/%E4%B8%80')).toEqual({ page: 'item', id: '一' });
    expect(parseLedgerRoute('#/new')).toEqual({ page: 'new' });
    expect(parseLedgerRoute('#/elsewhere')).toEqual({ page: 'list', filters: {} });
    expect(parseLedgerRoute('#/items/%E4%')).toEqual({ page: 'list', filters: {} });
    // A token-only fragment is the list; the token is no filter.
    expect(parseLedgerRoute('#token=abc&overdue=false')).toEqual({ page: 'list', filters: { overdue: false } });
  });

  it('leaves out filters the API would refuse', () => {
    expect(parseLedgerRoute('#/?topic=a:b&status=lost&unit=%20&overdue=1')).toEqual({ page: 'list', filters: {} });
  });

  it('writes filters in one order, and reads back what it wrote', () => {
    const filters = { overdue: false, sector: '教育界', unit: '县卫健委', status: 'answered' as const, topic: 'exp-a' };
    expect(filtersQuery(filters)).toBe(
      'topic=exp-a&status=answered&unit=%E5%8E%BF%E5%8D%AB%E5%81%A5%E5%A7%94&sector=%E6%95%99%E8%82%B2%E7%95%8C&overdue=false',
    );
    expect(parseLedgerRoute(ledgerHref.list(filters))).toEqual({ page: 'list', filters });
    expect(ledgerHref.list()).toBe('#/');
    expect(parseLedgerRoute(ledgerHref.item('a/b'))).toEqual({ page: 'item', id: 'a/b' });
  });

  it('knows its path', () => {
    expect(['/ledger', '/ledger/', '/ledgers', '/organiser', '/r/ledger'].map(isLedgerPath)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe("a ledger link's token", () => {
  it('is taken out of the address at once and kept for the tab; the route and filters stay', () => {
    const t = tab();
    expect(ledgerToken.take(at('#token=jwt.a.b'), t.storage, t.replace)).toBe('jwt.a.b');
    expect(t.replaced).toEqual(['/ledger#/']);
    expect(t.store.get('yishi.ledger.token')).toBe('jwt.a.b');

    const u = tab();
    const link = ledgerLink('https://yishi.example', 'jwt.c.d', { overdue: true });
    expect(link).toBe('https://yishi.example/ledger#/?overdue=true&token=jwt.c.d');
    expect(ledgerToken.take(at(new URL(link).hash), u.storage, u.replace)).toBe('jwt.c.d');
    expect(u.replaced).toEqual(['/ledger#/?overdue=true']);
    expect(parseLedgerRoute(u.replaced[0]?.slice('/ledger'.length) ?? '')).toEqual({
      page: 'list',
      filters: { overdue: true },
    });
  });

  it('is the one kept earlier when the address has none, and a new one replaces it', () => {
    const t = tab({ 'yishi.ledger.token': 'old.token.x' });
    expect(ledgerToken.take(at('#/items/x'), t.storage, t.replace)).toBe('old.token.x');
    expect(t.replaced).toEqual([]);
    expect(ledgerToken.take(at('#/items/x?token=new.token.y'), t.storage, t.replace)).toBe('new.token.y');
    expect(t.replaced).toEqual(['/ledger#/items/x']);
    expect(t.store.get('yishi.ledger.token')).toBe('new.token.y');
    expect(ledgerToken.take(at('#/'), tab().storage, t.replace)).toBeUndefined();
  });

  it('still works when the tab refuses to keep it', () => {
    const refusing = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    expect(ledgerToken.take(at('#token=jwt.e.f'), refusing, () => undefined)).toBe('jwt.e.f');
    expect(ledgerToken.take(at('#/'), refusing, () => undefined)).toBeUndefined();
  });

  it("names its viewer: a unit's token its unit, a room token its role and room; anything else nobody", () => {
    const unit = signUnitToken(SETTINGS, { sub: 'u-1', name: '刘科长', role: 'unit', unit: '县教育局' }, 60);
    expect(tokenViewer(unit)).toEqual({ role: 'unit', sub: 'u-1', name: '刘科长', unit: '县教育局' });
    const secretary = signToken(SETTINGS, { sub: 's-1', name: '李秘书', role: 'secretary', room: 'r-1' }, 60);
    expect(tokenViewer(secretary)).toEqual({ role: 'secretary', sub: 's-1', name: '李秘书', room: 'r-1' });
    expect(tokenViewer('not-a-token')).toBeUndefined();
    expect(tokenViewer(`x.${Buffer.from('{"role":"unit","sub":"u"}').toString('base64url')}.y`)).toBeUndefined();
  });
});

describe('an export’s file name', () => {
  it('is the UTF-8 name the server gives, or its plain one', () => {
    expect(
      fileName(
        `attachment; filename="ledger-2026-12-04-?.xlsx"; filename*=UTF-8''ledger-2026-12-04-${encodeURIComponent('县教育局')}.xlsx`,
      ),
    ).toBe('ledger-2026-12-04-县教育局.xlsx');
    expect(fileName('attachment; filename="ledger-2026-12-04.docx"')).toBe('ledger-2026-12-04.docx');
    expect(fileName(null)).toBeUndefined();
  });
});
