import type { LedgerItemDetail, LedgerRow } from '@yishi/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUnitToken } from '../../signaling/src/auth/tokens.js';
import { Cluster } from '../support/cluster.js';
import { errorCode, RestClient } from '../support/rest.js';

/**
 * Two nodes (real server processes) on one real redis-server keep one ledger: an item registered
 * through one node is listed and changed through the other, each change seen by both, and two
 * nodes taking the same step at once record it once, the other refused with a typed error.
 */

let cluster: Cluster;

beforeAll(async () => {
  cluster = await Cluster.start('ledger-nodes', ['a', 'b']);
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
});

const rest = (node: 'a' | 'b') => new RestClient(cluster.node(node).url);
const secretary = (node: 'a' | 'b') =>
  cluster.node(node).token({ sub: 'secretary', name: '李秘书', role: 'secretary', room: cluster.room });

async function detail(node: 'a' | 'b', id: string): Promise<LedgerItemDetail | undefined> {
  const res = await rest(node).get(`/ledger/${id}`, secretary(node));
  if (res.status === 404) return undefined;
  expect(res.status, res.text).toBe(200);
  return res.json as LedgerItemDetail;
}

/** Another node hears of a change over Redis: waits (up to 5 s) until `check` holds there. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; !(await check()); i++) {
    if (i === 100) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the ledger on two nodes', () => {
  it('is one ledger: registered on one node, listed, changed and followed on the other', async () => {
    const created = await rest('a').post('/ledger', secretary('a'), {
      topicId: cluster.room,
      title: '村道夜间照明不足',
      category: '基础设施',
      source: 'site_visit',
    });
    expect(created.status, created.text).toBe(201);
    const { id } = created.json as LedgerRow;

    await eventually(async () => (await detail('b', id)) !== undefined, 'node b has the item');
    const listed = await rest('b').get(`/ledger?topic=${cluster.room}`, secretary('b'));
    expect((listed.json as { items: LedgerRow[] }).items.map((r) => [r.id, r.status])).toEqual([[id, 'registered']]);

    const assigned = await rest('b').post(`/ledger/${id}/assign`, secretary('b'), { leadUnit: '县交通运输局' });
    expect(assigned.status, assigned.text).toBe(200);
    await eventually(async () => (await detail('a', id))?.status === 'assigned', 'node a sees the assignment');
    const onA = await detail('a', id);
    expect(onA?.leadUnit).toBe('县交通运输局');
    expect(onA?.history.map((h) => h.type)).toEqual(['ledger.registered', 'ledger.assigned']);
  });

  it('takes one step once when both nodes take it at the same moment', async () => {
    const created = await rest('a').post('/ledger', secretary('a'), {
      topicId: cluster.room,
      title: '集市日停车秩序',
      category: '公共秩序',
      source: 'research',
    });
    const { id } = created.json as LedgerRow;
    expect((await rest('a').post(`/ledger/${id}/assign`, secretary('a'), { leadUnit: '县公安局' })).status).toBe(200);
    await eventually(async () => (await detail('b', id))?.status === 'assigned', 'node b sees the assignment');

    // The unit starts it through both nodes at once: one start, the other refused (already in progress).
    const unit = signUnitToken(
      cluster.node('a').tokens,
      { sub: 'police', name: '张警官', role: 'unit', unit: '县公安局' },
      3600,
    );
    const answers = await Promise.all(
      (['a', 'b'] as const).map((node) => rest(node).post(`/ledger/${id}/start`, unit)),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const refused = answers.find((r) => r.status === 409);
    expect(refused && errorCode(refused)).toBe('CONFLICT');
    for (const node of ['a', 'b'] as const) {
      await eventually(async () => (await detail(node, id))?.status === 'in_progress', `node ${node} sees it`);
      expect((await detail(node, id))?.history.map((h) => h.type)).toEqual([
        'ledger.registered',
        'ledger.assigned',
        'ledger.started',
      ]);
    }
  });
});
