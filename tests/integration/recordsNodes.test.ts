import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIME_ZONE, LeaderboardSchema, monthOf, type PersonRecord, PersonRecordSchema } from '@yishi/shared';
import { Cluster } from '../support/cluster.js';
import { RestClient } from '../support/rest.js';

/**
 * Two nodes (real server processes) on one real redis-server keep one set of participation
 * records: a speech granted on one node to a member connected to the other, and comments made
 * through both, show the same in the record and on the board of either node — and of a third
 * node started afterwards, which reads them from the store; the speaker's node stopping (its
 * member reconnecting elsewhere) counts nothing twice.
 */

let cluster: Cluster;
const MONTH = monthOf(Date.now(), DEFAULT_TIME_ZONE);

beforeAll(async () => {
  cluster = await Cluster.start('records-nodes', ['a', 'b']);
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
});

const rest = (node: string) => new RestClient(cluster.node(node).url);

async function recordOn(node: string, sub: string): Promise<PersonRecord | undefined> {
  const res = await rest(node).get(`/people/${sub}/record?period=${MONTH}`, cluster.token(sub, 'member'));
  return res.status === 200 ? PersonRecordSchema.parse(res.json) : undefined;
}

/** Waits (up to 10 s) until `check` holds. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; !(await check()); i++) {
    if (i === 200) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('participation records on two nodes', () => {
  it('agree on every figure, and a third node started later agrees too; a failover counts nothing twice', async () => {
    const chair = await cluster.join('a', 'rec-chair', 'chair');
    const speaker = await cluster.join('b', 'rec-m1', 'member');
    const other = await cluster.join('a', 'rec-m2', 'member');
    const { id: entryId } = await speaker.client.call('queue:request', { kind: 'contribution' });
    await chair.client.call('floor:grant', { entryId });
    await new Promise((r) => setTimeout(r, 1_100));
    await chair.client.call('floor:end', {});
    const { id: commentId } = await speaker.client.call('comment:post', { text: '建议增设夜间公交' });
    await other.client.call('comment:post', { text: '附议', replyTo: commentId });
    await other.client.call('comment:react', { commentId: commentId as string, reaction: 'agree', on: true });

    const settled = (r: PersonRecord | undefined) =>
      r !== undefined && r.speeches === 1 && r.comments === 1 && r.repliesReceived === 1 && r.reactionsReceived === 1;
    await eventually(async () => settled(await recordOn('a', 'rec-m1')), 'node a has the speech and the comment');
    await eventually(async () => settled(await recordOn('b', 'rec-m1')), 'node b has them too');
    const onA = await recordOn('a', 'rec-m1');
    expect(onA).toMatchObject({ attended: 1, speeches: 1, comments: 1, rank: 1 });
    expect(await recordOn('b', 'rec-m1')).toEqual(onA);
    const board = async (node: string) =>
      LeaderboardSchema.parse(
        (await rest(node).get(`/leaderboard?period=${MONTH}`, cluster.token('rec-m2', 'member'))).json,
      );
    expect(await board('b')).toEqual(await board('a'));

    // The speaker's node stops; they come back through node a (failover), and speak nowhere else.
    await cluster.node('b').stop();
    await cluster.join('a', 'rec-m1', 'member');
    await cluster.startNode('c');
    await eventually(async () => (await recordOn('c', 'rec-m1'))?.attended === 1, 'node c read the records');
    const afterFailover = await recordOn('a', 'rec-m1');
    expect(afterFailover).toMatchObject({ attended: 1, speeches: 1, comments: 1, repliesReceived: 1 });
    expect(afterFailover?.speakingSeconds).toBe(onA?.speakingSeconds);
    await eventually(
      async () => JSON.stringify(await recordOn('c', 'rec-m1')) === JSON.stringify(await recordOn('a', 'rec-m1')),
      'node c agrees with node a',
    );
    expect(await board('c')).toEqual(await board('a'));
  });
});
