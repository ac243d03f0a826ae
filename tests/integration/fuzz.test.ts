import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Ack, ERROR_CODES, type RequestName, RequestSchemas } from '@yishi/shared';
import { TestClient } from '../support/client.js';
import {
  dtlsParameters,
  opusRtpParameters,
  rtpCapabilities,
  vp8SimulcastRtpParameters,
} from '../support/mediaFixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Fuzzing every request against a real server with a real mediasoup worker: random JSON and
 * mutations of valid payloads, as a chair and as a member, with and without an ack callback.
 * Nothing may crash or hang: every message with an ack gets an envelope, every refusal carries
 * a known error code and leaves the session's log as it was. Only a message over the size limit
 * may cost the connection (the WebSocket closes; the client reconnects and joins again).
 * `FUZZ_RUNS` sets the number of messages (CI: 5,000; `npm run fuzz` runs 100,000).
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 5000);
/** The server's message size limit (createSocketServer's maxHttpBufferSize). */
const MAX_MESSAGE_BYTES = 64 * 1024;
const ROOM = 'room1';
let server: TestServer;
const clients: Record<'chair' | 'm1', TestClient | undefined> = { chair: undefined, m1: undefined };
let ids: Record<'send' | 'recv' | 'producer' | 'entry' | 'comment', string>;

beforeAll(async () => {
  // The per-connection rate limit has its own test; here every message should reach a handler.
  server = await startTestServer({ env: { SOCKET_REQUESTS_PER_SECOND: '100000' } });
  const chair = await connected('chair');
  const member = await connected('m1');
  // Real objects for the mutations to aim at: transports, a producer, a queue entry, a comment.
  const send = await member.call('transport:create', { direction: 'send' });
  const recv = await chair.call('transport:create', { direction: 'recv' });
  const { producerId } = await member.call('producer:create', {
    transportId: send.id,
    kind: 'audio',
    source: 'mic',
    rtpParameters: opusRtpParameters(),
  });
  const { entryId } = (await member.call('queue:request', { kind: 'contribution' })) as { entryId?: string };
  const { id: commentId } = await member.call('comment:post', { text: '引子' });
  ids = { send: send.id, recv: recv.id, producer: producerId, entry: entryId ?? 'x', comment: commentId ?? 'x' };
}, 30_000);

/** Connections opened so far, for a fresh identity on each (see `connected`). */
let reconnects = 0;

/**
 * The client of `who`, joined; a new connection if the last one was closed. That one is a new
 * person of the same role: a fuzzed room:leave then room:join counts against the presence quota
 * (docs/domain.md, "Quotas"), which one identity reconnecting hundreds of times would exhaust.
 */
async function connected(who: 'chair' | 'm1'): Promise<TestClient> {
  const current = clients[who];
  if (current?.socket.connected) return current;
  current?.close();
  const role = who === 'chair' ? 'chair' : 'member';
  const sub = current ? `${who}-${++reconnects}` : who;
  const client = await TestClient.connect(server.url, { token: server.token({ sub, role }) });
  await client.call('room:join', { rtpCapabilities: rtpCapabilities() });
  clients[who] = client;
  return client;
}

afterAll(async () => {
  for (const client of Object.values(clients)) client?.close();
  await server?.close();
});

/** A valid payload for every request (aimed at the real objects above). */
function seeds(): Record<RequestName, Record<string, unknown>> {
  const id = 'c0ffee00-0000-4000-8000-000000000000';
  return {
    'media:routerCapabilities': {},
    'room:join': { rtpCapabilities: rtpCapabilities() },
    'room:leave': {},
    'transport:create': { direction: 'recv' },
    'transport:connect': { transportId: ids.recv, dtlsParameters: dtlsParameters() },
    'transport:restartIce': { transportId: ids.recv },
    'producer:create': {
      transportId: ids.send,
      kind: 'video',
      source: 'camera',
      rtpParameters: vp8SimulcastRtpParameters(),
    },
    'producer:pause': { producerId: ids.producer },
    'producer:resume': { producerId: ids.producer },
    'producer:close': { producerId: ids.producer },
    'consumer:create': { transportId: ids.recv, producerId: ids.producer },
    'consumer:resume': { consumerId: id },
    'consumer:pause': { consumerId: id },
    'consumer:setPreferredLayers': { consumerId: id, spatialLayer: 1, temporalLayer: 2 },
    'session:snapshot': {},
    'session:configure': { settings: { mode: 'open' } },
    'session:setStatus': { action: 'start' },
    'agenda:open': { itemId: id },
    'queue:request': { kind: 'interposed' },
    'queue:withdraw': { entryId: ids.entry },
    'queue:add': { speakerId: 'm1', kind: 'point_of_order' },
    'queue:move': { entryId: ids.entry, toIndex: 0 },
    'queue:remove': { entryId: ids.entry },
    'queue:setClosed': { closed: true, pointsOfOrderBlocked: false },
    'queue:clear': {},
    'floor:grant': { entryId: ids.entry },
    'floor:end': {},
    'floor:yield': {},
    'floor:pause': {},
    'floor:resume': {},
    'floor:extend': { seconds: 60 },
    'participant:mute': { peerId: 'm1' },
    'participant:remove': { peerId: 'bystander', reason: '离场' },
    'comment:post': { text: '赞成', stance: 'support', replyTo: ids.comment },
    'comment:react': { commentId: ids.comment, reaction: 'agree', on: true },
    'comment:hide': { commentId: ids.comment, reason: '离题' },
    'comments:page': { limit: 10 },
    'minutes:setSummary': { turnId: id, text: '发言摘要' },
    'minutes:setNotes': { text: '备注' },
    'minutes:addConsensus': { text: '共识' },
    'minutes:updateConsensus': { id, text: '共识' },
    'minutes:removeConsensus': { id },
    'minutes:addAction': { title: '事项', ownerUnit: '教育局', dueDate: '2026-12-31', status: 'open' },
    'minutes:updateAction': { id, status: 'done', dueDate: null },
    'minutes:removeAction': { id },
    'minutes:promoteComment': { commentId: ids.comment },
    'minutes:submit': {},
    'minutes:finalize': {},
    'minutes:reopen': {},
    'site:headcount': { count: 30 },
    'site:speaker': { name: '村民代表 王某' },
    'poll:open': { id, question: '是否同意？', anonymous: false },
    'poll:answer': { pollId: id, option: 0 },
    'poll:siteCounts': { pollId: id, counts: [10, 2, 1] },
    'poll:close': { pollId: id },
  };
}

const NAMES = Object.keys(RequestSchemas) as RequestName[];

/** Something hostile or merely wrong to put where a value was. */
const nasty = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(null, undefined, '', -1, 1e308, Number.NaN, true, [], {}, '__proto__', 'x'.repeat(70_000)),
  fc.string({ maxLength: 300 }),
  fc.integer(),
  fc.double(),
  fc.constant({ __proto__: { polluted: true } }),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}')),
);

/** A valid payload with one thing changed: a value replaced, a key dropped, a key added, or all replaced. */
function mutated(name: RequestName) {
  return fc.tuple(fc.nat(), nasty, fc.constantFrom('replace', 'drop', 'add', 'whole')).map(([pick, value, how]) => {
    const payload: Record<string, unknown> = structuredClone(seeds()[name]);
    const keys = Object.keys(payload);
    const key = keys.length > 0 ? (keys[pick % keys.length] as string) : 'extra';
    if (how === 'whole') return value;
    if (how === 'drop') delete payload[key];
    else if (how === 'add') payload[`extra${pick % 5}`] = value;
    else payload[key] = value;
    return payload;
  });
}

const message = fc.oneof(
  // Known requests: mostly mutated valid payloads, some entirely random.
  fc
    .constantFrom(...NAMES)
    .chain((name) =>
      fc.record({ name: fc.constant<string>(name), payload: fc.oneof({ weight: 4, arbitrary: mutated(name) }, nasty) }),
    ),
  // Unknown and tricky event names.
  fc.record({
    name: fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'),
    ),
    payload: nasty,
  }),
);

/** Emits `payload` as `name` with an ack; resolves with the ack, or undefined after a timeout. */
function send(client: TestClient, name: string, payload: unknown): Promise<unknown> {
  const socket = client.socket as unknown as {
    timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
  };
  return socket
    .timeout(5_000)
    .emitWithAck(name, payload)
    .catch(() => undefined);
}

describe(`fuzzing every request (${RUNS} messages)`, () => {
  it('never crashes or hangs, and every refusal is typed and changes nothing', async () => {
    const stats = { sent: 0, refused: 0, accepted: 0, withoutAck: 0, oversizeDisconnects: 0 };
    await fc.assert(
      fc.asyncProperty(message, fc.boolean(), fc.nat(9), async ({ name, payload }, asChair, noAck) => {
        const client = await connected(asChair ? 'chair' : 'm1');
        const bytes = Buffer.byteLength(JSON.stringify([name, payload ?? null]));
        if (bytes > MAX_MESSAGE_BYTES) {
          const dropped = new Promise((resolve) => client.socket.once('disconnect', resolve));
          (client.socket as unknown as { emit(e: string, p: unknown): void }).emit(name, payload);
          await dropped;
          stats.oversizeDisconnects++;
          return;
        }
        if (noAck === 0) {
          // Without an ack the server may only answer with protocol:error; it must stay up.
          (client.socket as unknown as { emit(e: string, p: unknown): void }).emit(name, payload);
          stats.withoutAck++;
          return;
        }
        const before = server.sessions.current(ROOM).version;
        const ack = (await send(client, name, payload)) as Ack<unknown> | undefined;
        stats.sent++;
        expect(ack, `no answer to ${name} (${bytes} bytes)`).toBeDefined();
        if (ack?.ok) {
          stats.accepted++;
          return;
        }
        stats.refused++;
        expect(ERROR_CODES).toContain(ack?.error.code);
        expect(typeof ack?.error.message).toBe('string');
        expect(server.sessions.current(ROOM).version, `${name} was refused but changed the session`).toBe(before);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    // Still serving, for both, after all of it.
    // Still serving: a fresh connection of each joins and reads the session (a fuzzed
    // room:leave may have left the old one connected but out of the room).
    for (const who of ['chair', 'm1'] as const) {
      clients[who]?.close();
      const client = await connected(who);
      expect((await send(client, 'session:snapshot', {})) as Ack<unknown>).toMatchObject({ ok: true });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    process.stdout.write(`fuzz: ${JSON.stringify(stats)}\n`);
    expect(stats.refused).toBeGreaterThan(0);
  }, 600_000);
});
