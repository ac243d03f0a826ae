import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Invitation, IssuedUnitToken, MinutesDocument, UnitToken } from '@yishi/shared';
import { HandMadeClient } from '../support/handMadeClient.js';
import { decodeJwtPayload } from '../support/jwt.js';
import { MediasoupTracker } from '../support/media.js';
import { errorCode, RestClient } from '../support/rest.js';
import { ClientPool } from '../support/room.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Handling units in a consultation, against a real server (real mediasoup worker) and a client
 * written by hand from docs/protocol.md: the organiser invites a unit into a session; with that
 * room token it asks for the floor, is granted it, and the minutes record its turn under its unit's
 * name. The hostile side: the same token cannot do a chair's or secretary's work, does not open the
 * ledger; a unit's ledger token (no room) is refused at the handshake; only the organiser key makes
 * ledger tokens, and each one made is recorded.
 */

const ORGANISER_KEY = 'organiser-key-for-the-unit-tests-0123456';
const ROOM = 'unit-hearing';
const UNIT = '发展和改革委员会';
const SHOWN = '发展和改革委员会 · 张处长';
const tracker = new MediasoupTracker();
const pool = new ClientPool();
const hands: HandMadeClient[] = [];
let server: TestServer;
let rest: RestClient;

beforeAll(async () => {
  server = await startTestServer({ env: { ORGANISER_KEY }, rooms: [] });
  rest = new RestClient(server.url);
  const created = await rest.post('/topics', ORGANISER_KEY, {
    id: ROOM,
    title: '关于环线高架桥下空间利用的提案办理协商',
    organiser: '市政协提案委员会',
    agenda: [{ title: '承办单位通报' }, { title: '委员提问与答复' }],
  });
  expect(created.status).toBe(201);
  expect((await rest.post(`/topics/${ROOM}/open`, ORGANISER_KEY)).status).toBe(200);
});

afterEach(() => {
  pool.closeAll();
  for (const hand of hands.splice(0)) hand.close();
});

afterAll(async () => {
  await server?.close();
  await tracker.expectAllWorkersGone();
});

const invite = async (auth: string, body: Record<string, unknown>): Promise<Invitation> => {
  const res = await rest.post(`/topics/${ROOM}/invitations`, auth, body);
  expect(res.status, res.text).toBe(201);
  return res.json as Invitation;
};

/** A hand-made client joined with `token`: connects, takes the router's capabilities, joins. */
async function handJoin(token: string): Promise<{ hand: HandMadeClient; self: Record<string, unknown> }> {
  const hand = await HandMadeClient.connect(server.url, token, ROOM);
  hands.push(hand);
  const { rtpCapabilities } = await hand.ok('media:routerCapabilities', {});
  const joined = await hand.ok('room:join', { rtpCapabilities });
  return { hand, self: joined.self as Record<string, unknown> };
}

const sessionVersion = async (hand: HandMadeClient) =>
  ((await hand.ok('session:snapshot', {})).session as { version: number }).version;

describe('a handling unit invited into a session', () => {
  it('asks for the floor, is granted it, and the minutes record its turn under its unit', async () => {
    const chairToken = (await invite(ORGANISER_KEY, { role: 'chair', name: '王主席', sub: 'chair-wang' })).token;
    const unitInvitation = await invite(chairToken, { role: 'unit', name: '张处长', unit: UNIT });
    const claims = decodeJwtPayload(unitInvitation.token);
    expect(claims).toMatchObject({ role: 'unit', name: '张处长', unit: UNIT, room: ROOM });
    const secretaryToken = (await invite(ORGANISER_KEY, { role: 'secretary', name: '李秘书' })).token;

    const chair = await pool.join(server.url, chairToken, ROOM);
    const secretary = await pool.join(server.url, secretaryToken, ROOM);
    const { hand: unit, self } = await handJoin(unitInvitation.token);
    // Presence names it by its unit first.
    expect(self).toMatchObject({ id: claims.sub, name: SHOWN, role: 'unit', unit: UNIT });
    const roster = (await chair.client.call('session:snapshot', {})).queue;
    expect(roster.entries).toEqual([]);

    const { id: entryId } = await unit.ok('queue:request', { kind: 'contribution' });
    const queue = await chair.client.call('session:snapshot', {});
    expect(queue.queue.entries.map((e) => e.speaker)).toEqual([
      { id: claims.sub, name: SHOWN, role: 'unit', unit: UNIT },
    ]);
    await chair.client.call('floor:grant', { entryId: entryId as string });
    const held = (await unit.ok('session:snapshot', {})).queue as { current: { speaker: { name: string } } };
    expect(held.current.speaker.name).toBe(SHOWN);
    await unit.ok('comment:post', { text: '我委已会同交通、城管部门研究桥下空间利用方案。' });
    await unit.ok('floor:yield', {});

    await secretary.client.call('minutes:submit', {});
    await chair.client.call('minutes:finalize', {});
    const doc = (await rest.get(`/sessions/${ROOM}/minutes.json?version=1`, chairToken)).json as MinutesDocument;
    expect(doc.speeches).toEqual([
      expect.objectContaining({
        speaker: { id: claims.sub, name: SHOWN, role: 'unit', unit: UNIT },
        kind: 'contribution',
      }),
    ]);
    expect(doc.guests.map((p) => p.name)).toEqual([SHOWN]);
    expect(doc.invitations.map((i) => [i.invitee.name, i.invitee.role, i.invitee.unit ?? null, i.issuer.role])).toEqual(
      [
        ['王主席', 'chair', null, 'organiser'],
        [SHOWN, 'unit', UNIT, 'chair'],
        ['李秘书', 'secretary', null, 'organiser'],
      ],
    );
    const md = (await rest.get(`/sessions/${ROOM}/minutes.md`, chairToken)).text;
    expect(md).toContain(SHOWN);
  });

  it('cannot do what only a chair or secretary may: each refused NOT_ALLOWED, nothing changes', async () => {
    const unitToken = (await invite(ORGANISER_KEY, { role: 'unit', name: '赵科长', unit: '交通运输局' })).token;
    const member = await pool.join(
      server.url,
      server.token({ sub: 'member-li', name: '李委员', role: 'member', room: ROOM }),
      ROOM,
    );
    const { id: memberEntry } = await member.client.call('queue:request', { kind: 'contribution' });
    const { hand: unit } = await handJoin(unitToken);
    const before = await sessionVersion(unit);
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['floor:grant', { entryId: memberEntry }],
      ['queue:add', { speakerId: 'member-li', kind: 'contribution' }],
      ['queue:remove', { entryId: memberEntry }],
      ['queue:setClosed', { closed: true }],
      ['session:setStatus', { action: 'adjourn' }],
      ['agenda:open', { itemId: 'any' }],
      ['participant:remove', { peerId: 'member-li', reason: '离场' }],
      ['participant:mute', { peerId: 'member-li' }],
      ['minutes:addAction', { title: '自行交办', ownerUnit: '交通运输局' }],
      ['minutes:addConsensus', { text: '自行写入共识' }],
      ['minutes:submit', {}],
      ['minutes:finalize', {}],
      ['minutes:reopen', {}],
    ];
    for (const [name, payload] of attempts) {
      const ack = await unit.request(name, payload);
      expect(ack, name).toEqual({ ok: false, error: { code: 'NOT_ALLOWED', message: expect.any(String) } });
    }
    expect(await sessionVersion(unit)).toBe(before);

    // Over REST it is no chair either, and its session invitation is not its ledger token.
    const asUnit = async (method: 'get' | 'post', path: string, body?: unknown) => {
      const res = method === 'get' ? await rest.get(path, unitToken) : await rest.post(path, unitToken, body);
      return [res.status, errorCode(res)];
    };
    expect(await asUnit('post', `/topics/${ROOM}/invitations`, { role: 'chair', name: '假主席' })).toEqual([
      403,
      'NOT_ALLOWED',
    ]);
    expect(await asUnit('post', `/topics/${ROOM}/close`)).toEqual([403, 'NOT_ALLOWED']);
    expect(await asUnit('get', `/sessions/${ROOM}/minutes.json`)).toEqual([403, 'NOT_ALLOWED']);
    expect(await asUnit('get', '/ledger')).toEqual([403, 'NOT_ALLOWED']);
    expect(await asUnit('post', '/units/tokens', { unit: '交通运输局', name: '赵科长' })).toEqual([403, 'NOT_ALLOWED']);
    expect((await rest.get(`/topics/${ROOM}`, unitToken)).status).toBe(200);
  });
});

describe("a unit's ledger token", () => {
  it('is made by the organiser key alone, recorded, and refused at the handshake', async () => {
    const made = await rest.post('/units/tokens', ORGANISER_KEY, { unit: UNIT, name: '张处长', ttlHours: 24 });
    expect(made.status, made.text).toBe(201);
    const { token, sub, expiresAt } = made.json as UnitToken;
    expect(decodeJwtPayload(token)).toMatchObject({ sub, role: 'unit', unit: UNIT, name: '张处长' });
    expect(decodeJwtPayload(token)).not.toHaveProperty('room');

    // It opens the unit's inbox…
    expect((await rest.get('/ledger', token)).status).toBe(200);
    // …and no consultation: not with the room named in the handshake, not over REST.
    await expect(HandMadeClient.connect(server.url, token, ROOM)).rejects.toMatchObject({
      data: { code: 'UNAUTHENTICATED', message: expect.stringContaining('ledger token') },
    });
    expect((await rest.get(`/topics/${ROOM}`, token)).status).toBe(401);

    // Nobody else makes one; bad bodies make none.
    const chairToken = server.token({ sub: 'chair-x', name: '王主席', role: 'chair', room: ROOM });
    const refused = [
      await rest.post('/units/tokens', chairToken, { unit: UNIT, name: '冒名' }),
      await rest.post('/units/tokens', undefined, { unit: UNIT, name: '冒名' }),
      await rest.post('/units/tokens', ORGANISER_KEY, { unit: UNIT }),
      await rest.post('/units/tokens', ORGANISER_KEY, { unit: UNIT, name: '张处长', room: ROOM }),
      await rest.post('/units/tokens', ORGANISER_KEY, { unit: '', name: '张处长' }),
    ];
    expect(refused.map((r) => [r.status, errorCode(r)])).toEqual([
      [403, 'NOT_ALLOWED'],
      [401, 'UNAUTHENTICATED'],
      [400, 'INVALID_REQUEST'],
      [400, 'INVALID_REQUEST'],
      [400, 'INVALID_REQUEST'],
    ]);

    // The record: this one token, whom and which unit for, who made it, until when — never the token.
    const record = await rest.get('/units/tokens', ORGANISER_KEY);
    expect(record.status).toBe(200);
    expect((record.json as { tokens: IssuedUnitToken[] }).tokens).toEqual([
      {
        at: expect.any(String),
        sub,
        name: '张处长',
        unit: UNIT,
        issuer: { id: 'organiser', name: 'organiser' },
        expiresAt,
      },
    ]);
    expect(record.text).not.toContain(token.split('.')[2]);
    expect((await rest.get('/units/tokens', chairToken)).status).toBe(403);
  });

  it('a unit invitation must name its unit, and only a unit names one', async () => {
    for (const body of [
      { role: 'unit', name: '张处长' },
      { role: 'member', name: '张委员', unit: UNIT },
    ]) {
      const res = await rest.post(`/topics/${ROOM}/invitations`, ORGANISER_KEY, body);
      expect([res.status, errorCode(res)]).toEqual([400, 'INVALID_REQUEST']);
    }
  });
});
