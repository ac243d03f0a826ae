import {
  CONVERSIONS,
  DEFAULT_TIME_ZONE,
  isOverdue,
  LEDGER_STATUSES,
  type LedgerCounts,
  type LedgerEvent,
  type LedgerHistoryEntry,
  type LedgerItem,
  type LedgerRow,
  RATINGS,
  zonedParts,
} from '@yishi/shared';

/** Today's date (YYYY-MM-DD) in the committee's zone: what due dates are compared with. */
export function ledgerToday(now: number): string {
  const { year, month, day } = zonedParts(now, DEFAULT_TIME_ZONE);
  return `${year}-${month}-${day}`;
}

/** The session an item came from; a topic's id is its session's (docs/domain.md, "Topic and session"). */
export function sessionOf(item: LedgerItem): string {
  return item.source.kind === 'action' || item.source.kind === 'consensus' ? item.source.sessionId : item.topicId;
}

/**
 * One item as `GET /api/ledger` lists it: its fields, the session it came
 * from, whether it is overdue `today` (`ledgerToday`, read once per answer), times as ISO 8601.
 */
export function ledgerRow(item: LedgerItem, today: string): LedgerRow {
  return {
    id: item.id,
    title: item.title,
    description: item.description,
    category: item.category,
    status: item.status,
    overdue: isOverdue(item, today),
    leadUnit: item.leadUnit,
    coUnits: item.coUnits,
    dueDate: item.dueDate,
    priority: item.priority,
    topicId: item.topicId,
    sessionId: sessionOf(item),
    source: item.source,
    raisedBy: item.raisedBy,
    returnedReason: item.returnedReason,
    answers: item.answers.length,
    evaluations: item.evaluations.map(({ rating, answer }) => ({ rating, answer })),
    conversion: item.conversion,
    createdAt: new Date(item.createdAt).toISOString(),
    updatedAt: new Date(item.updatedAt).toISOString(),
  };
}

/** Each item's row as JSON, for the day it was made: an item is replaced, never changed, so its object keys it. */
const rowJson = new WeakMap<LedgerItem, { today: string; json: string }>();

/**
 * `ledgerRow` as JSON, kept until the item changes or the day does: a listing of the whole
 * ledger (tens of thousands of rows) is then mostly a join of strings made once.
 */
export function ledgerRowJson(item: LedgerItem, today: string): string {
  const kept = rowJson.get(item);
  if (kept?.today === today) return kept.json;
  const json = JSON.stringify(ledgerRow(item, today));
  rowJson.set(item, { today, json });
  return json;
}

/** A listing's body as `GET /api/ledger` answers it — `{ items }`, and a page's `nextCursor` — from rows made as JSON once. */
export function ledgerListJson(
  items: readonly LedgerItem[],
  today: string,
  page?: { nextCursor: string | null },
): string {
  const rows = `[${items.map((item) => ledgerRowJson(item, today)).join(',')}]`;
  return page ? `{"items":${rows},"nextCursor":${JSON.stringify(page.nextCursor)}}` : `{"items":${rows}}`;
}

/**
 * The committee office's counters over `items`: how many in each status and overdue, what they
 * were converted into (成果转化), and the members' latest rating of each answered item.
 */
export function ledgerCounts(items: LedgerItem[], now: number): LedgerCounts {
  const today = ledgerToday(now);
  const count = <K extends string>(keys: readonly K[], pick: (item: LedgerItem) => K | undefined) => {
    const counts = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
    for (const item of items) {
      const key = pick(item);
      if (key !== undefined) counts[key] += 1;
    }
    return counts;
  };
  return {
    items: items.length,
    overdue: items.filter((item) => isOverdue(item, today)).length,
    byStatus: count(LEDGER_STATUSES, (item) => item.status),
    conversions: count(CONVERSIONS, (item) => item.conversion?.kind),
    ratings: count(RATINGS, (item) => item.evaluations.at(-1)?.rating),
  };
}

/** One change as an item's page shows it: the event, its time as ISO 8601. */
export function historyEntry(event: LedgerEvent): LedgerHistoryEntry {
  return { type: event.type, at: new Date(event.at).toISOString(), data: event.data } as LedgerHistoryEntry;
}
