import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QUOTAS } from '@yishi/shared';
import { type Ack, HandMadeClient } from '../support/handMadeClient.js';
import { openTopic, startTestServer, type TestServer } from '../support/server.js';

/**
 * Bounded growth against a hostile member (docs/security.md, "Bounded growth"): a client written
 * by hand from docs/protocol.md loops what a page never does in a row — leave and join, react on
 * and off, ask for the floor and withdraw — well under the per-connection request rate. Each
 * loop is refused RATE_LIMITED once past its class's quota, and the session's event log (its
 * version) stops growing; the leave/join loop is one attendance interval, not hundreds.
 */

let server: TestServer;
let roomCounter = 0;
const clients: HandMadeClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ rooms: [] });
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

afterAll(async () => {
  await server?.close();
});

async function newRoom(): Promise<string> {
  roomCounter += 1;
  const roomId = `quota-room-${roomCounter}`;
  await openTopic(server.sessions, roomId);
  return roomId;
}

async function joined(roomId: string, sub: string): Promise<{ client: HandMadeClient; rtpCapabilities: unknown }> {
  const client = await HandMadeClient.connect(server.url, server.token({ sub, role: 'member', room: roomId }), roomId);
  clients.push(client);
  const { rtpCapabilities } = await client.ok('media:routerCapabilities', {});
  await client.ok('room:join', { rtpCapabilities });
  return { client, rtpCapabilities };
}

const version = async (roomId: string) => (await server.sessions.get(roomId)).version;
const codes = (acks: Ack[]) => acks.map((a) => (a.ok ? 'OK' : a.error.code));

describe('per-person quotas over Socket.IO', () => {
  it('a room:leave / room:join loop is refused past the presence quota, and is one attendance interval', async () => {
    const roomId = await newRoom();
    const { client, rtpCapabilities } = await joined(roomId, 'looper');
    const acks: Ack[] = [];
    for (let i = 0; i < 40; i++) {
      await client.request('room:leave', {});
      acks.push(await client.request('room:join', { rtpCapabilities }));
    }
    const [perMinute] = QUOTAS.presence;
    // The first join counted too: perMinute.max - 1 more were let in.
    expect(codes(acks).filter((c) => c === 'OK')).toHaveLength(perMinute.max - 1);
    expect(new Set(codes(acks).filter((c) => c !== 'OK'))).toEqual(new Set(['RATE_LIMITED']));
    const stored = await version(roomId);
    for (let i = 0; i < 20; i++) expect((await client.request('room:join', { rtpCapabilities })).ok).toBe(false);
    expect(await version(roomId)).toBe(stored);
    const { state } = await server.sessions.get(roomId);
    expect(state.attendance.looper?.intervals).toHaveLength(1);
    // Someone else still gets in.
    await joined(roomId, 'someone-else');
  });

  it('reacting on and off, and asking for the floor and withdrawing, stop at their quotas', async () => {
    const roomId = await newRoom();
    const { client: author } = await joined(roomId, 'author');
    const { client } = await joined(roomId, 'toggler');
    const { id: commentId } = await author.ok('comment:post', { text: '建议增加乡村学校校车班次' });
    const before = await version(roomId);

    // Toggling: once refused, every other request asks for what already is, and changes nothing.
    const reactions: Ack[] = [];
    for (let i = 0; i < 100; i++) {
      reactions.push(await client.request('comment:react', { commentId, reaction: 'agree', on: i % 2 === 0 }));
    }
    expect(codes(reactions).slice(0, QUOTAS.reaction[0].max)).toEqual(Array(QUOTAS.reaction[0].max).fill('OK'));
    expect(new Set(codes(reactions))).toEqual(new Set(['OK', 'RATE_LIMITED']));
    expect((await version(roomId)) - before).toBe(QUOTAS.reaction[0].max);

    const floor: Ack[] = [];
    for (let i = 0; i < 50; i++) {
      const ack = await client.request('queue:request', { kind: 'contribution' });
      floor.push(ack);
      if (ack.ok) floor.push(await client.request('queue:withdraw', { entryId: ack.data.id }));
    }
    expect(codes(floor).slice(0, QUOTAS.queue[0].max)).toEqual(Array(QUOTAS.queue[0].max).fill('OK'));
    expect(new Set(codes(floor).slice(QUOTAS.queue[0].max))).toEqual(new Set(['RATE_LIMITED']));
    // The log grew by what the quotas allow, not by the 150 requests sent.
    expect((await version(roomId)) - before).toBe(QUOTAS.reaction[0].max + QUOTAS.queue[0].max);
  });
});
