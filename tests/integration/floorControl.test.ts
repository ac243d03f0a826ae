import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MediasoupGateway } from '@yishi/sfu';
import type { Role, SettingsPatch } from '@yishi/shared';
import { MediasoupTracker, until } from '../support/media.js';
import { ClientPool, cameraRequest, type Joined, publishMic } from '../support/room.js';
import { openTopic, startTestServer, type TestServer } from '../support/server.js';

/**
 * Floor control is enforced in the media (docs/domain.md, "Floor control is in the media"): in moderated
 * mode only the current speaker and the chair may have an unpaused microphone producer. Checked
 * against the real SFU: each mediasoup producer's own `paused`, seen through mediasoup's observer.
 */

const tracker = new MediasoupTracker();
const pool = new ClientPool();
let server: TestServer;
let roomCounter = 0;

beforeAll(async () => {
  server = await startTestServer({ rooms: [] });
});

afterEach(() => {
  pool.closeAll();
});

afterAll(async () => {
  await server?.close();
  await tracker.expectAllWorkersGone();
});

/** A fresh open session per test (moderated unless `settings` say otherwise). */
async function newRoom(settings: SettingsPatch = {}): Promise<string> {
  roomCounter += 1;
  const roomId = `floor-room-${roomCounter}`;
  await openTopic(server.sessions, roomId, settings);
  return roomId;
}

function join(roomId: string, sub: string, role: Exclude<Role, 'unit' | 'site'> = 'member'): Promise<Joined> {
  const name = { chair: '王主席', secretary: '李秘书', member: `委员${sub}`, guest: '承办单位', observer: '列席' }[
    role
  ];
  return pool.join(server.url, server.token({ sub, name, role, room: roomId }), roomId);
}

/** Is the producer paused in the SFU (mediasoup's own state)? */
const pausedInSfu = (producerId: string) => tracker.producer(producerId).paused;

/** The SFU's view of a producer, through the gateway (as signaling sees it). */
async function producerInfo(roomId: string, producerId: string) {
  if (!(server.gateway instanceof MediasoupGateway)) throw new Error('expected the real mediasoup gateway');
  const room = await server.gateway.openRoom(roomId);
  return room.producers().find((p) => p.producerId === producerId);
}

describe('floor control in the SFU (real server, real mediasoup worker)', () => {
  it('moderated: a member’s microphone starts paused in the SFU and their resume is refused; video is not gated', async () => {
    const roomId = await newRoom();
    const chair = await join(roomId, 'chair', 'chair');
    const member = await join(roomId, 'm1');
    expect(chair.join.micAllowed).toBe(true);
    expect(member.join.micAllowed).toBe(false);
    expect(member.join.snapshot.session.settings.mode).toBe('moderated');

    const announced = chair.client.next('producer:new', (p) => p.peerId === 'm1' && p.source === 'mic');
    const { transportId, producerId } = await publishMic(member.client);
    expect(await announced).toEqual({ producerId, peerId: 'm1', kind: 'audio', source: 'mic', paused: true });
    expect(pausedInSfu(producerId)).toBe(true);
    expect(await producerInfo(roomId, producerId)).toMatchObject({ paused: true });

    const resume = await member.client.request('producer:resume', { producerId });
    expect(resume).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    expect(pausedInSfu(producerId)).toBe(true);
    // Muting oneself is always allowed.
    expect(await member.client.call('producer:pause', { producerId })).toEqual({});
    expect(pausedInSfu(producerId)).toBe(true);

    // The camera is not gated: members stay visible.
    const camera = await member.client.call('producer:create', cameraRequest(transportId));
    expect(pausedInSfu(camera.producerId)).toBe(false);

    // Someone coming in later is told the microphone is paused.
    const late = await join(roomId, 'm2');
    expect(late.join.micAllowed).toBe(false);
    expect(late.join.producers).toEqual(
      expect.arrayContaining([
        { producerId, peerId: 'm1', kind: 'audio', source: 'mic', paused: true },
        expect.objectContaining({ producerId: camera.producerId, source: 'camera', paused: false }),
      ]),
    );
  });

  it('the chair’s own microphone is never gated', async () => {
    const roomId = await newRoom();
    const chair = await join(roomId, 'chair', 'chair');
    const member = await join(roomId, 'm1');
    const announced = member.client.next('producer:new', (p) => p.peerId === 'chair');
    const { producerId } = await publishMic(chair.client);
    expect(await announced).toMatchObject({ producerId, paused: false });
    expect(pausedInSfu(producerId)).toBe(false);

    // Someone else holding the floor, and losing it, leaves the chair's microphone alone.
    const { id: entryId } = await member.client.call('queue:request', { kind: 'contribution' });
    const allowed = member.client.next('mic:state', (s) => s.allowed);
    await chair.client.call('floor:grant', { entryId });
    await allowed;
    const gated = member.client.next('mic:state', (s) => !s.allowed);
    await chair.client.call('floor:end', {});
    await gated;
    expect(pausedInSfu(producerId)).toBe(false);

    // The chair pauses and resumes at will.
    await chair.client.call('producer:pause', { producerId });
    expect(pausedInSfu(producerId)).toBe(true);
    await chair.client.call('producer:resume', { producerId });
    expect(pausedInSfu(producerId)).toBe(false);
  });

  it('granting the floor resumes the speaker’s microphone; floor:end pauses it again', async () => {
    const roomId = await newRoom();
    const chair = await join(roomId, 'chair', 'chair');
    const member = await join(roomId, 'm1');
    const other = await join(roomId, 'm2');
    const { producerId } = await publishMic(member.client);
    expect(pausedInSfu(producerId)).toBe(true);

    const { id: entryId } = await member.client.call('queue:request', { kind: 'contribution' });
    expect(entryId).toEqual(expect.any(String));
    const micState = member.client.next('mic:state');
    const resumed = [chair, other, member].map((p) =>
      p.client.next('producer:resumed', (e) => e.producerId === producerId),
    );
    const queue = other.client.next('queue:state', (q) => q.current !== null);
    await chair.client.call('floor:grant', { entryId });

    expect(await micState).toEqual({ allowed: true, mutedByChair: false });
    for (const event of await Promise.all(resumed)) expect(event).toEqual({ producerId, peerId: 'm1' });
    expect(pausedInSfu(producerId)).toBe(false);
    const { current, entries } = await queue;
    expect(current).toMatchObject({ speaker: { id: 'm1' }, kind: 'contribution', paused: false, warned: false });
    expect(entries).toEqual([]);

    // While speaking, the member mutes and unmutes themselves.
    await member.client.call('producer:pause', { producerId });
    expect(pausedInSfu(producerId)).toBe(true);
    await member.client.call('producer:resume', { producerId });
    expect(pausedInSfu(producerId)).toBe(false);

    // The chair pausing the turn gates the microphone; resuming the turn gives it back.
    const pausedTurn = member.client.next('mic:state', (s) => !s.allowed);
    const pausedProducer = chair.client.next('producer:paused', (e) => e.producerId === producerId);
    await chair.client.call('floor:pause', {});
    await Promise.all([pausedTurn, pausedProducer]);
    expect(pausedInSfu(producerId)).toBe(true);
    // Each client's events come in order on its own socket, not across sockets: wait for both.
    const resumedTurn = [
      member.client.next('mic:state', (s) => s.allowed),
      chair.client.next('producer:resumed', (e) => e.producerId === producerId),
    ];
    await chair.client.call('floor:resume', {});
    await Promise.all(resumedTurn);
    expect(pausedInSfu(producerId)).toBe(false);

    const gated = member.client.next('mic:state');
    const paused = [chair, other, member].map((p) =>
      p.client.next('producer:paused', (e) => e.producerId === producerId),
    );
    await chair.client.call('floor:end', {});
    expect(await gated).toEqual({ allowed: false, mutedByChair: false });
    for (const event of await Promise.all(paused)) expect(event).toEqual({ producerId, peerId: 'm1' });
    expect(pausedInSfu(producerId)).toBe(true);
    const refused = await member.client.request('producer:resume', { producerId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
  });

  it('an interposed question pauses the speaker’s microphone and gives it back when it ends', async () => {
    const roomId = await newRoom();
    const chair = await join(roomId, 'chair', 'chair');
    const speaker = await join(roomId, 'm1');
    const asker = await join(roomId, 'm2');
    const speakerMic = await publishMic(speaker.client);
    const askerMic = await publishMic(asker.client);

    const { id: first } = await speaker.client.call('queue:request', { kind: 'contribution' });
    const speaking = speaker.client.next('mic:state', (s) => s.allowed);
    await chair.client.call('floor:grant', { entryId: first });
    await speaking;
    await until(() => !pausedInSfu(speakerMic.producerId), 'the speaker’s microphone is resumed');

    const { id: reply } = await asker.client.call('queue:request', { kind: 'reply' });
    const speakerGated = speaker.client.next('mic:state', (s) => !s.allowed);
    const askerAllowed = asker.client.next('mic:state', (s) => s.allowed);
    const queue = chair.client.next('queue:state', (q) => q.current?.speaker.id === 'm2');
    await chair.client.call('floor:grant', { entryId: reply });
    await Promise.all([speakerGated, askerAllowed]);
    expect((await queue).interrupted.map((t) => t.speaker.id)).toEqual(['m1']);
    await until(() => pausedInSfu(speakerMic.producerId), 'the interrupted speaker’s microphone is paused');
    await until(() => !pausedInSfu(askerMic.producerId), 'the asker’s microphone is resumed');

    const speakerBack = speaker.client.next('mic:state', (s) => s.allowed);
    const askerGated = asker.client.next('mic:state', (s) => !s.allowed);
    await chair.client.call('floor:end', {});
    await Promise.all([speakerBack, askerGated]);
    await until(() => !pausedInSfu(speakerMic.producerId), 'the speaker’s microphone is resumed again');
    await until(() => pausedInSfu(askerMic.producerId), 'the asker’s microphone is paused again');
  });

  it('a short turn expires by the server clock: warned, then ended, and the microphone is gated again', async () => {
    const roomId = await newRoom({ turnSeconds: { contribution: 2 }, graceSeconds: 1 });
    const chair = await join(roomId, 'chair', 'chair');
    const member = await join(roomId, 'm1');
    const { producerId } = await publishMic(member.client);

    const { id: entryId } = await member.client.call('queue:request', { kind: 'contribution' });
    const allowed = member.client.next('mic:state', (s) => s.allowed);
    const started = chair.client.next('queue:state', (q) => q.current !== null);
    // Listened for before the grant: on a busy machine the 2 s turn can be warned before the
    // checks below are done, and a notification that came before its listener is never seen.
    const warnedState = chair.client.next('queue:state', (q) => q.current?.warned === true);
    await chair.client.call('floor:grant', { entryId });
    await allowed;
    const turn = (await started).current!;
    expect(turn).toMatchObject({ allowedMs: 2000, warned: false });
    const gated = member.client.next('mic:state', (s) => !s.allowed);
    const paused = chair.client.next('producer:paused', (e) => e.producerId === producerId);
    const endedState = chair.client.next('queue:state', (q) => q.current === null);
    await until(() => !pausedInSfu(producerId), 'the speaker’s microphone is resumed');

    // Nobody but the server's clock acts from here on.
    const warned = await warnedState;
    expect(warned.current).toMatchObject({ id: turn.id, speaker: { id: 'm1' } });
    const ended = await endedState;
    expect(ended.current).toBeNull();
    expect(await gated).toEqual({ allowed: false, mutedByChair: false });
    expect(await paused).toEqual({ producerId, peerId: 'm1' });
    expect(pausedInSfu(producerId)).toBe(true);
    const refused = await member.client.request('producer:resume', { producerId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });

    const stored = server.sessions.current(roomId).state.turns.find((t) => t.id === turn.id);
    expect(stored).toMatchObject({ endReason: 'expired' });
    expect(stored?.warnedAt).toEqual(expect.any(Number));
  });

  it('switching to open mode ungates every microphone; back to moderated gates them again', async () => {
    const roomId = await newRoom();
    const chair = await join(roomId, 'chair', 'chair');
    const m1 = await join(roomId, 'm1');
    const m2 = await join(roomId, 'm2', 'guest');
    const mic1 = await publishMic(m1.client);
    const mic2 = await publishMic(m2.client);
    expect([pausedInSfu(mic1.producerId), pausedInSfu(mic2.producerId)]).toEqual([true, true]);

    const allowed = [m1, m2].map((p) => p.client.next('mic:state'));
    const resumed = [mic1, mic2].map((m) =>
      chair.client.next('producer:resumed', (e) => e.producerId === m.producerId),
    );
    const session = m1.client.next('session:state', (s) => s.settings.mode === 'open');
    await chair.client.call('session:configure', { settings: { mode: 'open' } });
    for (const state of await Promise.all(allowed)) expect(state).toEqual({ allowed: true, mutedByChair: false });
    await Promise.all(resumed);
    await session;
    expect([pausedInSfu(mic1.producerId), pausedInSfu(mic2.producerId)]).toEqual([false, false]);

    // In open mode everyone mutes and unmutes themselves; a newcomer may speak at once.
    await m1.client.call('producer:pause', { producerId: mic1.producerId });
    await m1.client.call('producer:resume', { producerId: mic1.producerId });
    expect(pausedInSfu(mic1.producerId)).toBe(false);
    const m3 = await join(roomId, 'm3');
    expect(m3.join.micAllowed).toBe(true);
    const { producerId: mic3 } = await publishMic(m3.client);
    expect(pausedInSfu(mic3)).toBe(false);
    // Observers never publish, whatever the mode.
    const observer = await join(roomId, 'o1', 'observer');
    expect(observer.join.micAllowed).toBe(false);

    const gated = [m1, m2, m3].map((p) => p.client.next('mic:state', (s) => !s.allowed));
    await chair.client.call('session:configure', { settings: { mode: 'moderated' } });
    await Promise.all(gated);
    for (const id of [mic1.producerId, mic2.producerId, mic3]) {
      await until(() => pausedInSfu(id), `microphone ${id} is paused again`);
    }
  });

  it('participant:mute: the chair pauses a member’s microphone and tells them; only the chair may', async () => {
    const roomId = await newRoom({ mode: 'open' });
    const chair = await join(roomId, 'chair', 'chair');
    const member = await join(roomId, 'm1');
    const other = await join(roomId, 'm2');
    const { producerId } = await publishMic(member.client);
    expect(pausedInSfu(producerId)).toBe(false);

    const told = member.client.next('mic:state');
    const paused = other.client.next('producer:paused', (e) => e.producerId === producerId);
    const ack = await chair.client.call('participant:mute', { peerId: 'm1' });
    expect(ack.version).toEqual(expect.any(Number));
    expect(await told).toEqual({ allowed: true, mutedByChair: true });
    expect(await paused).toEqual({ producerId, peerId: 'm1' });
    expect(pausedInSfu(producerId)).toBe(true);

    // In open mode they may unmute again.
    await member.client.call('producer:resume', { producerId });
    expect(pausedInSfu(producerId)).toBe(false);

    const byMember = await other.client.request('participant:mute', { peerId: 'm1' });
    expect(byMember).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    const nobody = await chair.client.request('participant:mute', { peerId: 'not-here' });
    expect(nobody).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(pausedInSfu(producerId)).toBe(false);
  });

  it('participant:mute in moderated mode: a muted speaker stays muted when granted until they unmute', async () => {
    const roomId = await newRoom();
    const chair = await join(roomId, 'chair', 'chair');
    const member = await join(roomId, 'm1');
    const { producerId } = await publishMic(member.client);

    const told = member.client.next('mic:state');
    await chair.client.call('participant:mute', { peerId: 'm1' });
    expect(await told).toEqual({ allowed: false, mutedByChair: true });
    expect(pausedInSfu(producerId)).toBe(true);

    const { id: entryId } = await member.client.call('queue:request', { kind: 'contribution' });
    const allowed = member.client.next('mic:state', (s) => s.allowed);
    await chair.client.call('floor:grant', { entryId });
    expect(await allowed).toEqual({ allowed: true, mutedByChair: false });
    expect(pausedInSfu(producerId)).toBe(true);
    await member.client.call('producer:resume', { producerId });
    expect(pausedInSfu(producerId)).toBe(false);

    // Muting the speaker who holds the floor works too, and they may unmute.
    const mutedAgain = member.client.next('mic:state', (s) => s.mutedByChair);
    await chair.client.call('participant:mute', { peerId: 'm1' });
    expect(await mutedAgain).toEqual({ allowed: true, mutedByChair: true });
    expect(pausedInSfu(producerId)).toBe(true);
  });

  it('a grant and an end in quick succession leave the microphone paused in the SFU', async () => {
    const roomId = await newRoom();
    const chair = await join(roomId, 'chair', 'chair');
    const member = await join(roomId, 'm1');
    const { producerId } = await publishMic(member.client);
    const producer = tracker.producer(producerId);

    for (let round = 0; round < 5; round++) {
      const { id: entryId } = await member.client.call('queue:request', { kind: 'contribution' });
      const gated = member.client.next('mic:state', (s) => !s.allowed);
      // Both sent at once: the second arrives while the SFU is still resuming for the first.
      const [grant, end] = await Promise.all([
        chair.client.request('floor:grant', { entryId }),
        chair.client.request('floor:end', {}),
      ]);
      expect([grant.ok, end.ok]).toEqual([true, true]);
      await gated;
      // Any resume sent for the grant has been answered once a later request to the worker is.
      await producer.dump();
      await until(() => producer.paused, `the microphone is paused again (round ${round + 1})`, 3_000);
      const refused = await member.client.request('producer:resume', { producerId });
      expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    }
  });
});
