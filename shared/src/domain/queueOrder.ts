import type { EntryKind, QueueEntry } from './types.js';

const PRIORITY: Record<EntryKind, number> = { point_of_order: 0, reply: 1, contribution: 2 };

/**
 * Where a new entry goes: after every entry of its own or a higher priority (FIFO within a
 * kind), before the first of a lower one. With fairness, a contribution of someone who has not
 * spoken yet goes before the first contribution of someone who has.
 */
export function insertionIndex(
  queue: readonly QueueEntry[],
  entry: Pick<QueueEntry, 'kind' | 'speaker'>,
  fairness: { enabled: boolean; hasSpoken: (personId: string) => boolean },
): number {
  const newcomer = fairness.enabled && entry.kind === 'contribution' && !fairness.hasSpoken(entry.speaker.id);
  const index = queue.findIndex(
    (e) =>
      PRIORITY[e.kind] > PRIORITY[entry.kind] ||
      (newcomer && e.kind === 'contribution' && fairness.hasSpoken(e.speaker.id)),
  );
  return index === -1 ? queue.length : index;
}

export function priorityOf(kind: EntryKind): number {
  return PRIORITY[kind];
}
