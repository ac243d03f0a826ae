import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MediaGateway } from '@yishi/sfu';
import type { Role } from '@yishi/shared';
import { type Config, createLogger, loadConfig, type RunningServer, signToken, startServer } from '@yishi/signaling';

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
    ...env,
  });
}

export interface TestServer extends RunningServer {
  config: Config;
  /** Signs a token for this server; `room` defaults to "room1". */
  token(
    claims: { sub?: string; name?: string; role?: Role; room?: string; sector?: string },
    ttl?: string | number,
  ): string;
}

/** Starts a real Yishi server (real mediasoup workers unless `gateway` is given). */
export async function startTestServer(
  options: { env?: Record<string, string>; gateway?: MediaGateway } = {},
): Promise<TestServer> {
  const config = testConfig(options.env);
  const server = await startServer(config, createLogger(config.logLevel), options.gateway);
  let n = 0;
  return Object.assign(server, {
    config,
    token(
      claims: { sub?: string; name?: string; role?: Role; room?: string; sector?: string },
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
        },
        ttl,
      );
    },
  });
}
