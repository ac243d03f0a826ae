/** Present in every runtime shared/ runs in (Node ≥ 17, browsers); shared/ loads neither's type library. */
declare function structuredClone<T>(value: T): T;
