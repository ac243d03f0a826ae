/** The q-quantile (0..1) of `values` by the nearest-rank method. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] as number;
}

/** p50, p95 (nearest rank) and maximum of `values`, rounded to whole units. */
export function spread(values: number[]): { p50: number; p95: number; max: number } {
  return {
    p50: Math.round(quantile(values, 0.5)),
    p95: Math.round(quantile(values, 0.95)),
    max: values.length === 0 ? Number.NaN : Math.round(Math.max(...values)),
  };
}
