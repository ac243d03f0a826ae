import { describe, expect, it } from 'vitest';
import type { z } from 'zod';

/**
 * Every wire schema against realistic good payloads and hostile bad ones (requests.test.ts,
 * notifications.test.ts, restBodies.test.ts). A bad case names the path where the schema must
 * object, so a case cannot pass for some unrelated reason.
 */

export interface BadCase {
  why: string;
  /** Dotted path of the offending field ('' for the payload itself). */
  at: string;
  payload: unknown;
}
export interface Cases<T> {
  good: T[];
  bad: BadCase[];
}

export const bad = (why: string, at: string, payload: unknown): BadCase => ({ why, at, payload });
export const str = (n: number) => 'x'.repeat(n);
/** Lets a case put a value of the wrong type where the fixture's type would not allow it. */
export const loose = (value: object) => value as Record<string, unknown>;
export const under = (parent: string, at: string) => (at ? `${parent}.${at}` : parent);
export const ID = '7f0c1a52-4b8e-4c1d-9a3f-2e6b5d8c9a10';
export const ENTRY = 'e-3c1f0a7b';
export const COMMENT = 'c-9d2e4f11';
export const TURN = 't-51aa09c2';
/** A moment in a session: 5 March 2025, 09:00 in Beijing. */
export const T = Date.UTC(2025, 2, 5, 1, 0, 0);

/** Runs the good and bad cases of one schema. */
export function checkCases(schema: z.ZodType, cases: Cases<unknown>): void {
  it.each(cases.good.map((payload, i) => ({ i, payload })))('accepts good payload #$i unchanged', ({ payload }) => {
    // Payloads travel as JSON; what the server parses must be exactly what was sent.
    const wire: unknown = JSON.parse(JSON.stringify(payload));
    const result = schema.safeParse(wire);
    expect(result.error?.issues).toBeUndefined();
    expect(result.data).toEqual(payload);
  });
  it.each(cases.bad)('rejects: $why', ({ at, payload }) => {
    const result = schema.safeParse(payload);
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join('.')) ?? [];
    // `at` itself, or a field inside it (e.g. the missing key of an object at `at`).
    expect(
      paths.some((p) => p === at || (at !== '' && p.startsWith(`${at}.`))),
      paths.join(', '),
    ).toBe(true);
  });
}

/**
 * The cases of every schema of a table, by name. `cases` is typed over the table's names by the
 * caller, so a new message without cases does not compile; the first test says so at run time too.
 */
export function checkEverySchema(
  table: string,
  schemas: Record<string, z.ZodType>,
  cases: Record<string, Cases<unknown>>,
): void {
  describe(table, () => {
    it('every message has at least one good and one bad case', () => {
      for (const name of Object.keys(schemas)) {
        expect(cases[name]?.good.length, name).toBeGreaterThan(0);
        expect(cases[name]?.bad.length, name).toBeGreaterThan(0);
      }
    });
    for (const [name, schema] of Object.entries(schemas)) {
      describe(name, () => checkCases(schema, cases[name] as Cases<unknown>));
    }
  });
}
