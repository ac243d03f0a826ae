import { Cluster } from '../../tests/support/cluster.js';
import { until } from '../../tests/support/media.js';
import { quantile } from '../stats.js';

/**
 * failover: time to resume after a node is killed. Two nodes (real server processes, the built
 * `signaling/dist`: run `npm run build` first) share a real redis-server; a chair is on node B.
 * Each run starts node A, where a member joins, takes a place in the queue and comments, and a
 * second member just sits; then node A gets SIGKILL. The first member does what a client does —
 * as soon as its connection drops it connects to node B with the same token (in production nginx
 * takes it there, after socket.io-client's reconnection delay: 0.5–1.5 s by default, not counted
 * here), joins and comments again. Figures, from the kill: the client sees its connection drop;
 * it has rejoined on B; its next request is acknowledged on B (= resumed); node B tells its
 * clients that the member who did not come back left (heartbeat key expiry + sweep).
 */
export async function failover(options: { runs: number }) {
  const cluster = await Cluster.start('bench-failover', ['b']);
  const samples = {
    dropped: [] as number[],
    rejoined: [] as number[],
    resumed: [] as number[],
    staleDropped: [] as number[],
  };
  try {
    const chair = await cluster.join('b', 'chair', 'chair');
    for (let i = 0; i < options.runs; i++) {
      await cluster.startNode('a');
      const token = cluster.token(`mover-${i}`, 'member');
      const mover = await cluster.join('a', `mover-${i}`, 'member', token);
      await cluster.join('a', `sitter-${i}`, 'member');
      await mover.client.call('queue:request', { kind: 'contribution' });
      await mover.client.call('comment:post', { text: `第${i}轮：节点故障前` });
      await until(
        () => chair.peers.has(`mover-${i}`) && chair.peers.has(`sitter-${i}`),
        'the chair sees node A’s members',
      );

      const dropped = new Promise<number>((resolve) =>
        mover.client.socket.once('disconnect', () => resolve(performance.now())),
      );
      const killedAt = performance.now();
      const killed = cluster.node('a').kill();
      const droppedAt = await dropped;
      const back = await cluster.join('b', `mover-${i}`, 'member', token);
      const rejoinedAt = performance.now();
      await back.client.call('comment:post', { text: `第${i}轮：换到节点 B 后` });
      const resumedAt = performance.now();
      await until(() => chair.presence.includes(`-sitter-${i}`), 'node B drops the member who stayed away', 30_000);
      const staleDroppedAt = performance.now();
      await killed;
      if (back.waiting().at(-1) !== `mover-${i}`) throw new Error('the queue place was lost in the failover');

      samples.dropped.push(droppedAt - killedAt);
      samples.rejoined.push(rejoinedAt - killedAt);
      samples.resumed.push(resumedAt - killedAt);
      samples.staleDropped.push(staleDroppedAt - killedAt);
      back.client.close();
    }
  } finally {
    await cluster.stop();
  }
  const row = (figure: string, values: number[]) => ({
    figure,
    p50: Math.round(quantile(values, 0.5)),
    p95: Math.round(quantile(values, 0.95)),
    max: Math.round(Math.max(...values)),
  });
  const table = [
    row('kill → client sees its connection drop (ms)', samples.dropped),
    row('kill → re-joined on node B (ms)', samples.rejoined),
    row('kill → next request acked on node B = resumed (ms)', samples.resumed),
    row('kill → node B drops the member who stayed away (ms)', samples.staleDropped),
  ];
  return {
    table,
    data: {
      runs: options.runs,
      samplesMs: samples,
      p50Ms: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, quantile(v, 0.5)])),
      p95Ms: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, quantile(v, 0.95)])),
    },
  };
}
