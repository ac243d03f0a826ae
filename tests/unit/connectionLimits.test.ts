import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '@yishi/shared';
import { originAllowed } from '../../signaling/src/socket/handshake.js';
import { MemoryConnectLimiter } from '../../signaling/src/socket/ConnectLimiter.js';
import { TokenBucket } from '../../signaling/src/TokenBucket.js';
import { TestClient } from '../support/client.js';
import { FakeMediaGateway } from '../support/fakeGateway.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('TokenBucket', () => {
  it('allows a burst, then the rate, and refills with time', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 4, () => now);
    expect(Array.from({ length: 6 }, () => bucket.take())).toEqual([true, true, true, true, false, false]);
    now += 500; // one token back at 2 per second
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now += 60_000; // never more than the burst
    expect(Array.from({ length: 5 }, () => bucket.take()).filter(Boolean)).toHaveLength(4);
  });
});

describe('per-connection rate limit', () => {
  let server: TestServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    // 2 requests per second, bursts of 16.
    server = await startTestServer({ gateway: new FakeMediaGateway(), env: { SOCKET_REQUESTS_PER_SECOND: '2' } });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  async function connect(sub: string): Promise<TestClient> {
    const client = await TestClient.connect(server.url, { token: server.token({ sub }) });
    clients.push(client);
    return client;
  }

  it('refuses a flood as RATE_LIMITED, answering every request, and only for that connection', async () => {
    const flooder = await connect('flooder');
    const calm = await connect('calm');
    const acks = (await Promise.all(
      Array.from({ length: 40 }, () => flooder.request('media:routerCapabilities', {})),
    )) as Ack<unknown>[];
    const refused = acks.filter((a) => !a.ok);
    expect(acks.filter((a) => a.ok)).toHaveLength(16);
    expect(refused).toHaveLength(24);
    for (const a of refused) expect(a).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    // Unknown requests count too, and are still answered.
    const unknown = (await (
      flooder.socket as unknown as {
        timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<Ack<unknown>> };
      }
    )
      .timeout(5000)
      .emitWithAck('no:such', {})) as Ack<unknown>;
    expect(unknown).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    // Another connection is not affected; the flooder gets through again once its bucket refills.
    expect(await calm.request('media:routerCapabilities', {})).toMatchObject({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await flooder.request('media:routerCapabilities', {})).toMatchObject({ ok: true });
  });
});

describe('originAllowed', () => {
  const policy = { publicUrl: 'https://yishi.example.org', allowedOrigins: ['https://zx.example.gov.cn'] };
  it.each<[string | undefined, string, boolean, string]>([
    [undefined, 'any-host:3000', true, 'no Origin: not a browser'],
    ['http://127.0.0.1:3000', '127.0.0.1:3000', true, 'the page came from this server'],
    ['https://yishi.example.org', '10.0.0.11:3001', true, 'PUBLIC_URL, behind a proxy'],
    ['https://zx.example.gov.cn', '10.0.0.11:3001', true, 'configured in ALLOWED_ORIGINS'],
    ['https://evil.example', '10.0.0.11:3001', false, 'another site'],
    ['http://yishi.example.org', '10.0.0.11:3001', false, 'PUBLIC_URL over plain HTTP is another origin'],
    ['null', '10.0.0.11:3001', false, 'an opaque origin (sandboxed frame, file:)'],
  ])('%s at %s → %s (%s)', (origin, host, allowed) => {
    expect(originAllowed(origin, host, policy)).toBe(allowed);
  });
});

describe('MemoryConnectLimiter', () => {
  it('counts each person’s connections per minute, apart from everyone else’s', async () => {
    let now = 0;
    const limiter = new MemoryConnectLimiter(2, () => now);
    const tries = async (person: string, n: number) => {
      const results: boolean[] = [];
      for (let i = 0; i < n; i++) results.push(await limiter.allow(person));
      return results;
    };
    expect(await tries('alice', 3)).toEqual([true, true, false]);
    expect(await tries('bob', 1)).toEqual([true]);
    now += 60_000; // a new minute
    expect(await tries('alice', 1)).toEqual([true]);
  });
});

describe('per-person connection limit', () => {
  let server: TestServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ gateway: new FakeMediaGateway(), env: { CONNECTS_PER_MINUTE: '2' } });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('refuses a person’s third connection in a minute as RATE_LIMITED; others still connect', async () => {
    const token = server.token({ sub: 'hammer' });
    for (let i = 0; i < 2; i++) {
      const client = await TestClient.connect(server.url, { token });
      clients.push(client);
      client.close();
    }
    await expect(TestClient.connect(server.url, { token })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    clients.push(await TestClient.connect(server.url, { token: server.token({ sub: 'someone-else' }) }));
  });
});
