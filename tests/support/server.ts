import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MediaGateway } from '@yishi/sfu';
import type { Actor, Command, Role } from '@yishi/shared';
import {
  type Config,
  createLogger,
  loadConfig,
  type RunningServer,
  type SessionService,
  signToken,
  startServer,
} from '@yishi/signaling';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

/** Config for a server on loopback with ports chosen at run time and a throwaway data dir. */
export function testConfig(env: Record<string, string> = {}): Config {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-test-'));
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JWT_SECRET: TEST_SECRET,
    MEDIASOUP_WORKERS: '1',
    MEDIASOUP_LISTEN_IP: '127.0.0.1',
    MEDIASOUP_PORT: '0',
    // Suites connect the same test identities hundreds of times a minute; the limit's own tests set it.
    CONNECTS_PER_MINUTE: '1000000',
    ...env,
  });
}

export interface TestServer extends RunningServer {
  config: Config;
  /** Signs a token for this server; `room` defaults to "room1". */
  token(
    claims: { sub?: string; name?: string; role?: Role; room?: string; sector?: string; unit?: string },
    ttl?: string | number,
  ): string;
}

export const ORGANISER: Actor = { id: 'organiser', name: '政协办公厅', role: 'organiser' };

export type TopicSettings = Extract<Command, { type: 'topic.create' }>['settings'];

/** Creates the topic of `roomId` (two agenda items) and opens its session, as an organiser would. */
export async function openTopic(sessions: SessionService, roomId: string, settings: TopicSettings = {}): Promise<void> {
  await sessions.execute(
    roomId,
    {
      type: 'topic.create',
      id: roomId,
      fields: { title: `协商议题 ${roomId}`, background: '', materials: [], sectors: [], organiser: '政协办公厅' },
      agenda: [{ title: '议程一' }, { title: '议程二' }],
      settings,
    },
    ORGANISER,
  );
  await sessions.execute(roomId, { type: 'session.open' }, ORGANISER);
}

/**
 * Starts a real Yishi server (real mediasoup workers unless `gateway` is given), with an open
 * session for each of `rooms` (default: "room1").
 */
export async function startTestServer(
  options: { env?: Record<string, string>; gateway?: MediaGateway; rooms?: string[] } = {},
): Promise<TestServer> {
  const config = testConfig(options.env);
  const server = await startServer(config, createLogger(config.logLevel), options.gateway);
  for (const room of options.rooms ?? ['room1']) await openTopic(server.sessions, room);
  let n = 0;
  const close = server.close.bind(server);
  return Object.assign(server, {
    config,
    /** Stops the server and removes its throwaway data directory. */
    async close() {
      await close();
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
    token(
      claims: { sub?: string; name?: string; role?: Role; room?: string; sector?: string; unit?: string },
      ttl: string | number = '1h',
    ) {
      n += 1;
      return signToken(
        server.tokens,
        {
          sub: claims.sub ?? `user-${n}`,
          name: claims.name ?? `测试用户${n}`,
          role: claims.role ?? 'member',
          room: claims.room ?? 'room1',
          ...(claims.sector ? { sector: claims.sector } : {}),
          ...(claims.unit ? { unit: claims.unit } : {}),
        },
        ttl,
      );
    },
  });
}
