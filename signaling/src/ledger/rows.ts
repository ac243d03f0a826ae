import { DEFAULT_TIME_ZONE, isOverdue, type LedgerItem, zonedParts } from '@yishi/shared';

/**
 * One item as `GET /api/ledger` lists it (and the exports will): its fields, the session it came
 * from, whether it is overdue today (in the committee's zone), times as ISO 8601.
 */
export function ledgerRow(item: LedgerItem, now: number) {
  const { year, month, day } = zonedParts(now, DEFAULT_TIME_ZONE);
  return {
    id: item.id,
    title: item.title,
    description: item.description,
    category: item.category,
    status: item.status,
    overdue: isOverdue(item, `${year}-${month}-${day}`),
    leadUnit: item.leadUnit,
    coUnits: item.coUnits,
    dueDate: item.dueDate,
    priority: item.priority,
    topicId: item.topicId,
    // A topic's id is its session's (docs/domain.md, "Topic and session").
    sessionId: item.source.kind === 'action' || item.source.kind === 'consensus' ? item.source.sessionId : item.topicId,
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
