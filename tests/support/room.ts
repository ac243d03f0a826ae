import type { JoinResult, RequestPayload, RtpCapabilities } from '@yishi/shared';
import { TestClient } from './client.js';
import { opusRtpParameters, vp8SimulcastRtpParameters } from './mediaFixtures.js';

/**
 * Joining a room the way the web client does, for tests that drive a real server (in this process
 * or a child process) over Socket.IO. Every client made here is kept in a `ClientPool` so that a
 * test's `afterEach`/`afterAll` closes them all.
 */

export interface Joined {
  client: TestClient;
  join: JoinResult;
  rtpCapabilities: RtpCapabilities;
}

export class ClientPool {
  readonly #clients: TestClient[] = [];

  /** Connects with `token` to `roomId` (the handshake only; rejects with the server's `ErrorBody`). */
  async connect(url: string, token: string, roomId: string): Promise<TestClient> {
    const client = await TestClient.connect(url, { token, roomId });
    this.#clients.push(client);
    return client;
  }

  /** Connects, loads the router's capabilities and joins with them (as page `instanceId`, if given). */
  async join(url: string, token: string, roomId: string, instanceId?: string): Promise<Joined> {
    const client = await this.connect(url, token, roomId);
    const { rtpCapabilities } = await client.call('media:routerCapabilities', {});
    const join = await client.call('room:join', { rtpCapabilities, ...(instanceId ? { instanceId } : {}) });
    return { client, join, rtpCapabilities };
  }

  closeAll(): void {
    for (const client of this.#clients.splice(0)) client.close();
  }
}

export function micRequest(transportId: string): RequestPayload<'producer:create'> {
  return { transportId, kind: 'audio', source: 'mic', rtpParameters: opusRtpParameters() };
}

export function cameraRequest(transportId: string): RequestPayload<'producer:create'> {
  return { transportId, kind: 'video', source: 'camera', rtpParameters: vp8SimulcastRtpParameters() };
}

/** Creates a send transport and publishes a microphone (opus) on it. */
export async function publishMic(client: TestClient): Promise<{ transportId: string; producerId: string }> {
  const send = await client.call('transport:create', { direction: 'send' });
  const { producerId } = await client.call('producer:create', micRequest(send.id));
  return { transportId: send.id, producerId };
}
