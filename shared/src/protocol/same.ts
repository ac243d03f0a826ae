/**
 * Compile-time: `A` and `B` are the same shape. A schema and the domain type it describes are
 * checked with `same<Same<z.infer<typeof XSchema>, X>>(true)`: a drift fails to compile.
 */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const same = <T extends true>(_: T) => undefined;
