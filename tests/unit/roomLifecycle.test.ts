import { afterEach, describe, expect, it } from 'vitest';
import type { NotificationName, NotificationPayload, TokenClaims } from '@yishi/shared';
import { LocalCluster } from '../../signaling/src/cluster/Cluster.js';
import type { Channels, Connection } from '../../signaling/src/rooms/channels.js';
import { RoomRegistry } from '../../signaling/src/rooms/RoomRegistry.js';
import { SessionService } from '../../signaling/src/sessions/SessionService.js';
import { MemoryRoomStore } from '../../signaling/src/store/MemoryRoomStore.js';
import { FakeMediaGateway } from '../support/fakeGateway.js';
import { testLogger } from '../support/media.js';
import { rtpCapabilities } from '../support/mediaFixtures.js';
import { chair, organiser } from '../support/domain.js';

/**
 * A room's lifetime without Socket.IO: the registry over fake media, an in-memory session store,
 * the local cluster and recording channels and connections.
 */

type Sent = [string, unknown];

class RecordingChannels implements Channels {
  readonly sent: Array<[string, ...Sent]> = [];
  send<K extends NotificationName>(channel: string, event: K, payload: NotificationPayload<K>): void {
    this.sent.push([channel, event, payload]);
  }
}

class FakeConnection implements Connection {
  readonly id: string;
  readonly identity: TokenClaims;
  readonly sent: Sent[] = [];
  connected = true;
  channels: string[] = [];

  constructor(identity: TokenClaims) {
    this.id = `socket-${identity.sub}`;
    this.identity = identity;
  }
  send<K extends NotificationName>(event: K, payload: NotificationPayload<K>): void {
    this.sent.push([event, payload]);
  }
  sendAtOnce<K extends NotificationName>(event: K, payload: NotificationPayload<K>): void {
    this.sent.push([event, payload]);
  }
  disconnect(): void {
    this.connected = false;
  }
  listen(channels: string[]): void {
    this.channels = [...channels];
  }
  stopListening(channels: string[]): void {
    this.channels = this.channels.filter((c) => !channels.includes(c));
  }
}

const ROOM = 'room1';
let sessions: SessionService;

afterEach(() => sessions?.close());

async function setUp(reconnectGraceMs = 0) {
  sessions = new SessionService(new MemoryRoomStore(), testLogger());
  await sessions.execute(
    ROOM,
    {
      type: 'topic.create',
      id: ROOM,
      fields: { title: '议题', background: '', materials: [], sectors: [], organiser: '政协办公厅' },
      agenda: [],
    },
    organiser,
  );
  await sessions.execute(ROOM, { type: 'session.open' }, organiser);
  const gateway = new FakeMediaGateway();
  const channels = new RecordingChannels();
  const rooms = new RoomRegistry(gateway, sessions, channels, testLogger(), {
    commentBatchMs: 0,
    reconnectGraceMs,
    cluster: new LocalCluster(),
  });
  return { gateway, channels, rooms };
}

const chairConnection = () => new FakeConnection({ sub: chair.id, name: chair.name, role: 'chair', room: ROOM });

describe('closing a room', () => {
  it('is done once however often it is asked: media closed once, the session no longer heard', async () => {
    const { gateway, channels, rooms } = await setUp();
    const room = await rooms.attach(ROOM);
    room.close();
    room.close();
    expect(gateway.room(ROOM).closeCount).toBe(1);
    const before = channels.sent.length;
    await sessions.execute(ROOM, { type: 'session.start' }, chair);
    expect(channels.sent.length).toBe(before);
    // The registry counting the last connection out closes nothing twice either.
    rooms.detach(room);
    expect(gateway.room(ROOM).closeCount).toBe(1);
  });

  it('ends the grace of a participant whose connection was lost', async () => {
    const { rooms } = await setUp(60_000);
    const room = await rooms.attach(ROOM);
    const connection = chairConnection();
    await room.join(connection, rtpCapabilities());
    connection.connected = false;
    const released = room.disconnected(connection, false);
    expect(room.size).toBe(1);
    room.close();
    await released;
  });
});

describe('closing the registry', () => {
  it('closes the rooms still open, once, and refuses to open more', async () => {
    const { gateway, rooms } = await setUp();
    const room = await rooms.attach(ROOM);
    const connection = chairConnection();
    await room.join(connection, rtpCapabilities());
    rooms.close();
    rooms.close();
    expect(gateway.room(ROOM).closeCount).toBe(1);
    expect(rooms.size).toBe(0);
    rooms.detach(room);
    expect(gateway.room(ROOM).closeCount).toBe(1);
    await expect(rooms.attach(ROOM)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
