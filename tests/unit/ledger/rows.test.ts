import { describe, expect, it } from 'vitest';
import { decideLedger, evolveLedger, type LedgerActor, type LedgerItem, replayLedger } from '@yishi/shared';
import { ledgerListJson, ledgerRow, ledgerRowJson } from '../../../signaling/src/ledger/rows.js';
import { testContext } from '../../support/domain.js';

/** `GET /api/ledger`'s body is built from each item's row as JSON, made once per item and day. */
const office: LedgerActor = { id: 'office', name: '委员会办公室', role: 'organiser' };

function registered(title: string, dueDate: string): LedgerItem {
  const events = decideLedger(
    null,
    {
      type: 'ledger.register',
      title,
      description: '',
      category: '教育',
      source: { kind: 'site_visit' },
      topicId: 'topic-a',
      dueDate,
      raisedBy: [],
    },
    office,
    testContext(),
  );
  return replayLedger(events) as LedgerItem;
}

describe('ledger rows as JSON', () => {
  it('is the row itself, as JSON, and the listing is { items } (and a page adds nextCursor)', () => {
    const items = [registered('校车班次', '2026-12-31'), registered('"引号" 与 \\ 反斜杠', '2026-01-31')];
    const today = '2026-12-04';
    for (const item of items) expect(JSON.parse(ledgerRowJson(item, today))).toEqual(ledgerRow(item, today));
    expect(JSON.parse(ledgerListJson(items, today))).toEqual({ items: items.map((i) => ledgerRow(i, today)) });
    expect(JSON.parse(ledgerListJson(items, today, { nextCursor: 'abc' }))).toEqual({
      items: items.map((i) => ledgerRow(i, today)),
      nextCursor: 'abc',
    });
    expect(JSON.parse(ledgerListJson([], today, { nextCursor: null }))).toEqual({ items: [], nextCursor: null });
  });

  it('is made again when the item changes or the day does (overdue turns on at midnight)', () => {
    const item = registered('校车班次', '2026-12-04');
    expect(JSON.parse(ledgerRowJson(item, '2026-12-04')).overdue).toBe(false);
    expect(JSON.parse(ledgerRowJson(item, '2026-12-05')).overdue).toBe(true);
    const [assigned] = decideLedger(
      item,
      { type: 'ledger.assign', leadUnit: '县教育局', coUnits: [] },
      office,
      testContext(),
    );
    const changed = evolveLedger(item, assigned as never) as LedgerItem;
    expect(JSON.parse(ledgerRowJson(changed, '2026-12-05'))).toMatchObject({
      status: 'assigned',
      leadUnit: '县教育局',
    });
    expect(JSON.parse(ledgerRowJson(item, '2026-12-05'))).toMatchObject({ status: 'registered', leadUnit: null });
  });
});
