import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CommentView, Role } from '@yishi/shared';
import { Batcher } from '../../signaling/src/rooms/Batcher.js';
import { TestClient } from '../support/client.js';
import { FakeMediaGateway } from '../support/fakeGateway.js';
import { rtpCapabilities } from '../support/mediaFixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('Batcher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a lone item at once and a burst as one batch when the window ends', () => {
    vi.useFakeTimers();
    const sent: number[][] = [];
    const batcher = new Batcher<number>(50, (items) => sent.push(items));
    batcher.push(1);
    expect(sent).toEqual([[1]]);
    batcher.push(2);
    batcher.push(3);
    expect(sent).toEqual([[1]]);
    vi.advanceTimersByTime(50);
    expect(sent).toEqual([[1], [2, 3]]);
    // That batch was a send: the next item waits for the window after it.
    batcher.push(4);
    vi.advanceTimersByTime(49);
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([[1], [2, 3], [4]]);
    // Once a window has passed without a send, the next item goes at once again.
    vi.advanceTimersByTime(50);
    batcher.push(5);
    expect(sent.at(-1)).toEqual([5]);
  });

  it('flushes on demand and on close, and sends each item alone with a window of 0', () => {
    vi.useFakeTimers();
    const sent: string[][] = [];
    const batcher = new Batcher<string>(1000, (items) => sent.push(items));
    batcher.push('a');
    batcher.push('b');
    batcher.flush();
    batcher.push('c');
    batcher.close();
    expect(sent).toEqual([['a'], ['b'], ['c']]);
    vi.advanceTimersByTime(5000);
    expect(sent).toHaveLength(3);

    const unbatched: string[][] = [];
    const each = new Batcher<string>(0, (items) => unbatched.push(items));
    each.push('x');
    each.push('y');
    expect(unbatched).toEqual([['x'], ['y']]);
  });
});

describe('comments in a burst', () => {
  let server: TestServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    // A window no test outlasts: only the first comment and an update's flush send anything.
    server = await startTestServer({ gateway: new FakeMediaGateway(), env: { COMMENT_BATCH_MS: '1000' } });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  async function join(sub: string, role: Role) {
    const client = await TestClient.connect(server.url, {
      token: server.token({ sub, name: sub, role }),
      roomId: 'room1',
    });
    clients.push(client);
    const seen: Array<{ event: string; payload: unknown }> = [];
    client.socket.onAny((event: string, payload: unknown) => seen.push({ event, payload }));
    await client.call('room:join', { rtpCapabilities: rtpCapabilities() });
    return { client, seen };
  }

  it('delivers every comment once, in order, and never an update before its comment', async () => {
    const chair = await join('chair', 'chair');
    const member = await join('m1', 'member');
    const first = member.client.next('comments:added');
    const c1 = await chair.client.call('comment:post', { text: '第一条' });
    expect((await first).comments.map((c: CommentView) => c.id)).toEqual([c1.id]);

    const c2 = await chair.client.call('comment:post', { text: '第二条' });
    await member.client.call('comment:post', { text: '第三条' });
    const updated = member.client.next('comment:updated');
    await member.client.call('comment:react', { commentId: c2.id!, reaction: 'agree', on: true });
    expect(await updated).toMatchObject({ id: c2.id, reactions: { agree: ['m1'] } });

    const order = member.seen
      .filter((n) => n.event === 'comments:added' || n.event === 'comment:updated')
      .map((n) =>
        n.event === 'comments:added'
          ? (n.payload as { comments: CommentView[] }).comments.map((c) => c.text)
          : `updated ${(n.payload as CommentView).text}`,
      );
    expect(order).toEqual([['第一条'], ['第二条', '第三条'], 'updated 第二条']);
  });
});
