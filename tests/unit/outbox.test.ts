import { describe, expect, it, vi } from 'vitest';
import { Outbox } from '../../web-client/src/lib/Outbox.js';
import { RequestError } from '../../web-client/src/lib/signaling.js';

/** A fake server: each call waits to be answered by the test. */
function fakeServer() {
  const calls: Array<{
    name: string;
    payload: unknown;
    answer: (value: unknown) => void;
    fail: (err: unknown) => void;
  }> = [];
  const send = (name: string, payload: unknown) =>
    new Promise((answer, fail) => {
      calls.push({ name, payload, answer, fail });
    });
  return { calls, send };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Outbox', () => {
  it('sends in order, one at a time', async () => {
    const server = fakeServer();
    const outbox = new Outbox(server.send);
    const first = outbox.deliver('comment:post', { text: '一' });
    const second = outbox.deliver('comment:post', { text: '二' });
    await flush();
    expect(server.calls.map((c) => c.payload)).toEqual([{ text: '一' }]);
    expect(outbox.pending.get()).toEqual([]); // online: sending, not waiting for the connection
    server.calls[0]?.answer({ version: 1 });
    expect(await first).toEqual({ version: 1 });
    await flush();
    expect(server.calls.map((c) => c.payload)).toEqual([{ text: '一' }, { text: '二' }]);
    server.calls[1]?.answer({ version: 2 });
    expect(await second).toEqual({ version: 2 });
    expect(outbox.pending.get()).toEqual([]);
  });

  it('holds a request whose answer was lost and sends the same one again once back online', async () => {
    vi.useFakeTimers();
    try {
      const server = fakeServer();
      const outbox = new Outbox(server.send);
      const id = '0b7e4c2a-5d1f-4e8a-9c3b-2f6d8e1a7b45';
      const sent = outbox.deliver('comment:post', { id, text: '断线前写的' });
      await vi.advanceTimersByTimeAsync(0);
      outbox.offline();
      server.calls[0]?.fail(new RequestError('TIMEOUT', 'no answer'));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(server.calls).toHaveLength(1); // nothing goes out while offline
      expect(outbox.pending.get()).toEqual([{ name: 'comment:post', payload: { id, text: '断线前写的' } }]);
      outbox.online();
      await vi.advanceTimersByTimeAsync(0);
      expect(server.calls.map((c) => c.payload)).toEqual([
        { id, text: '断线前写的' },
        { id, text: '断线前写的' },
      ]);
      server.calls[1]?.answer({ version: 7, id });
      expect(await sent).toEqual({ version: 7, id });
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports a refusal to its caller and goes on with the next', async () => {
    const server = fakeServer();
    const outbox = new Outbox(server.send);
    const refused = outbox.deliver('comment:post', { text: '太快' });
    const next = outbox.deliver('comment:post', { text: '下一条' });
    await flush();
    server.calls[0]?.fail(new RequestError('RATE_LIMITED', 'slow down'));
    await expect(refused).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await flush();
    server.calls[1]?.answer({ version: 3 });
    expect(await next).toEqual({ version: 3 });
  });

  it('lets a newer edit with the same key replace an unsent one; both callers get its outcome', async () => {
    const server = fakeServer();
    const outbox = new Outbox(server.send);
    const inFlight = outbox.deliver('minutes:setNotes', { text: '草' }, 'notes');
    const older = outbox.deliver('minutes:setNotes', { text: '草稿' }, 'notes');
    const newer = outbox.deliver('minutes:setNotes', { text: '草稿完成' }, 'notes');
    await flush();
    server.calls[0]?.answer({ version: 1 });
    await flush();
    server.calls[1]?.answer({ version: 2 });
    expect(await inFlight).toEqual({ version: 1 });
    expect(await older).toEqual({ version: 2 });
    expect(await newer).toEqual({ version: 2 });
    expect(server.calls.map((c) => c.payload)).toEqual([{ text: '草' }, { text: '草稿完成' }]);
  });

  it('fails whatever waits when the session ends', async () => {
    const server = fakeServer();
    const outbox = new Outbox(server.send);
    outbox.offline();
    const waiting = outbox.deliver('minutes:setNotes', { text: '未发出' });
    outbox.close(new RequestError('NETWORK', 'left'));
    await expect(waiting).rejects.toMatchObject({ code: 'NETWORK' });
    expect(server.calls).toHaveLength(0);
  });
});
