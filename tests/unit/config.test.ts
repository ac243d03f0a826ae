import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEAT_WEIGHTS, MAX_PUBLISH_BITRATE } from '@yishi/shared';
import { ConfigError, loadConfig } from '../../signaling/src/config.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const localIPv4s = Object.values(os.networkInterfaces())
  .flatMap((addrs) => addrs ?? [])
  .filter((a) => a.family === 'IPv4')
  .map((a) => a.address);

/** The ConfigError loadConfig throws for `env`; fails the test if the config is accepted. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('the configuration was accepted');
}

describe('loadConfig', () => {
  it('runs a single developer node with no environment at all', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      deployment: false,
      port: 3000,
      host: '0.0.0.0',
      publicUrl: undefined,
      dataDir: path.resolve('data'),
      webClientDir: path.join(repoRoot, 'web-client', 'dist'),
      logLevel: 'info',
      jwt: { secret: undefined, issuer: 'yishi', audience: 'yishi' },
      metrics: 'open',
      media: {
        numWorkers: os.availableParallelism(),
        listenIp: '0.0.0.0',
        announcedAddress: expect.any(String),
        basePort: 40000,
        workerLogLevel: 'warn',
        initialOutgoingBitrate: 1_000_000,
        maxIncomingBitrate: MAX_PUBLISH_BITRATE,
        peersPerRouter: 100,
        maxWorkerLoad: 0.85,
      },
      demoRoom: 'demo',
      commentBatchMs: 50,
      reconnectGraceMs: 30_000,
      sessionCache: { idleMs: 600_000, max: 1000 },
      requestsPerSecond: 50,
      connectsPerMinute: 60,
      authFailuresPerMinute: 30,
      trustProxy: undefined,
      allowedOrigins: [],
      redis: undefined,
      turn: undefined,
      records: { weights: DEFAULT_HEAT_WEIGHTS, terms: [{ name: '第十四届', from: '2023-01', to: '2027-12' }] },
    });
    // A wildcard listener announces one of this machine's IPv4 addresses (loopback as the last resort).
    expect(localIPv4s).toContain(config.media.announcedAddress);
  });

  it('opens a demo room on a developer machine, and in a deployment only when DEMO_ROOM asks', () => {
    expect(loadConfig({}).demoRoom).toBe('demo');
    expect(loadConfig({ ORGANISER_KEY: 'an-organiser-key-0123' }).demoRoom).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'production' }).demoRoom).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'production', DEMO_ROOM: 'trial' }).demoRoom).toBe('trial');
  });

  it('reads only the environment it is given', () => {
    expect(loadConfig({ LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
    expect(loadConfig({}).logLevel).toBe('info');
  });

  it('parses every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      PUBLIC_URL: 'https://yishi.example.org/',
      DATA_DIR: 'var/yishi',
      WEB_CLIENT_DIR: '/srv/yishi/web',
      LOG_LEVEL: 'debug',
      JWT_SECRET: 'a-production-secret-of-40-characters-ok!',
      JWT_ISSUER: 'county-it',
      JWT_AUDIENCE: 'yishi-web',
      NODE_ENV: 'production',
      METRICS_TOKEN: 'a-prometheus-token-0123',
      MEDIASOUP_WORKERS: '4',
      MEDIASOUP_LISTEN_IP: '10.0.0.5',
      MEDIASOUP_ANNOUNCED_ADDRESS: 'media.example.org',
      MEDIASOUP_PORT: '44000',
      MEDIASOUP_LOG_LEVEL: 'debug',
      DEMO_ROOM: 'town-hall_2025',
      COMMENT_BATCH_MS: '0',
      RECONNECT_GRACE_SECONDS: '0',
      SESSION_CACHE_IDLE_SECONDS: '120',
      SESSION_CACHE_MAX: '50',
      SOCKET_REQUESTS_PER_SECOND: '200',
      CONNECTS_PER_MINUTE: '30',
      API_AUTH_FAILURES_PER_MINUTE: '10',
      TRUST_PROXY: 'loopback',
      ALLOWED_ORIGINS: 'https://zx.example.gov.cn, http://10.0.0.5:8080',
      MEDIASOUP_PEERS_PER_ROUTER: '250',
      MEDIASOUP_WORKER_MAX_LOAD: '70',
      REDIS_URL: 'redis://:secret@10.0.0.9:6379/2',
      REDIS_PREFIX: 'yishi-gd:',
      RECORDS_WEIGHTS: 'attended=20, comments=0.5',
      RECORDS_TERMS: '第十五届=2028-01..2032-12;第十四届=2023-01..2027-12',
    });
    expect(config).toEqual({
      deployment: true,
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'https://yishi.example.org',
      dataDir: path.resolve('var/yishi'),
      webClientDir: '/srv/yishi/web',
      logLevel: 'debug',
      jwt: { secret: 'a-production-secret-of-40-characters-ok!', issuer: 'county-it', audience: 'yishi-web' },
      metrics: { token: 'a-prometheus-token-0123' },
      media: {
        numWorkers: 4,
        listenIp: '10.0.0.5',
        announcedAddress: 'media.example.org',
        basePort: 44000,
        workerLogLevel: 'debug',
        initialOutgoingBitrate: 1_000_000,
        maxIncomingBitrate: MAX_PUBLISH_BITRATE,
        peersPerRouter: 250,
        maxWorkerLoad: 0.7,
      },
      demoRoom: 'town-hall_2025',
      commentBatchMs: 0,
      reconnectGraceMs: 0,
      sessionCache: { idleMs: 120_000, max: 50 },
      requestsPerSecond: 200,
      connectsPerMinute: 30,
      authFailuresPerMinute: 10,
      trustProxy: 'loopback',
      allowedOrigins: ['https://zx.example.gov.cn', 'http://10.0.0.5:8080'],
      redis: { url: 'redis://:secret@10.0.0.9:6379/2', prefix: 'yishi-gd:' },
      records: {
        weights: { ...DEFAULT_HEAT_WEIGHTS, attended: 20, comments: 0.5 },
        terms: [
          { name: '第十四届', from: '2023-01', to: '2027-12' },
          { name: '第十五届', from: '2028-01', to: '2032-12' },
        ],
      },
    });
  });

  it('accepts port 0 (chosen by the OS, for tests)', () => {
    const config = loadConfig({ PORT: '0', MEDIASOUP_PORT: '0' });
    expect([config.port, config.media.basePort]).toEqual([0, 0]);
  });

  it('announces a concrete listen address as is, and detects one only for a wildcard', () => {
    expect(loadConfig({ MEDIASOUP_LISTEN_IP: '127.0.0.1' }).media.announcedAddress).toBeUndefined();
    expect(loadConfig({ MEDIASOUP_LISTEN_IP: '::1' }).media.announcedAddress).toBeUndefined();
    expect(localIPv4s).toContain(loadConfig({ MEDIASOUP_LISTEN_IP: '::' }).media.announcedAddress);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', ''],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '1e3'],
    ['PORT', '80.5'],
    ['MEDIASOUP_PORT', 'forty-thousand'],
    ['HOST', ''],
    ['PUBLIC_URL', 'yishi.example.org without a scheme'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_LEVEL', 'INFO'],
    ['JWT_SECRET', 'too-short'],
    ['JWT_SECRET', ''],
    ['JWT_ISSUER', ''],
    ['MEDIASOUP_WORKERS', '0'],
    ['MEDIASOUP_WORKERS', '65'],
    ['MEDIASOUP_WORKERS', 'many'],
    ['MEDIASOUP_LISTEN_IP', '999.1.1.1'],
    ['MEDIASOUP_LISTEN_IP', 'localhost'],
    ['MEDIASOUP_LOG_LEVEL', 'info'],
    ['MEDIASOUP_PEERS_PER_ROUTER', '0'],
    ['MEDIASOUP_PEERS_PER_ROUTER', 'many'],
    ['DEMO_ROOM', 'town hall'],
    ['RECORDS_WEIGHTS', 'fame=3'],
    ['RECORDS_WEIGHTS', 'attended=-1'],
    ['RECORDS_WEIGHTS', 'attended='],
    ['RECORDS_TERMS', '第十四届=2023-01..2022-12'],
    ['RECORDS_TERMS', 'a=2023-01..2027-12;b=2027-06..2030-12'],
    ['RECORDS_TERMS', '第十四届'],
    ['RECORDS_TERMS', '第十四届\u0007=2023-01..2027-12'],
    ['COMMENT_BATCH_MS', ''],
    ['COMMENT_BATCH_MS', '-1'],
    ['COMMENT_BATCH_MS', '1001'],
    ['COMMENT_BATCH_MS', 'fast'],
    ['RECONNECT_GRACE_SECONDS', '601'],
    ['RECONNECT_GRACE_SECONDS', '-5'],
    ['SESSION_CACHE_IDLE_SECONDS', '0'],
    ['SESSION_CACHE_MAX', '0'],
    ['SESSION_CACHE_MAX', 'many'],
    ['MEDIASOUP_WORKER_MAX_LOAD', '0'],
    ['MEDIASOUP_WORKER_MAX_LOAD', '101'],
    ['SOCKET_REQUESTS_PER_SECOND', '0'],
    ['SOCKET_REQUESTS_PER_SECOND', 'lots'],
    ['CONNECTS_PER_MINUTE', '0'],
    ['API_AUTH_FAILURES_PER_MINUTE', '0'],
    ['METRICS_TOKEN', 'too-short'],
    ['ALLOWED_ORIGINS', 'zx.example.gov.cn'],
    ['ALLOWED_ORIGINS', 'https://zx.example.gov.cn/path'],
    ['REDIS_URL', 'localhost:6379'],
    ['REDIS_URL', ''],
    ['REDIS_PREFIX', 'has space'],
    ['YISHI_TURN_URLS', 'https://turn.example.org'],
    ['YISHI_TURN_URLS', 'turns:turn.example.org:443?transport=sctp'],
    ['YISHI_TURN_SECRET', 'too-short'],
    ['YISHI_TURN_TTL', '59'],
    ['YISHI_TURN_TTL', 'a day'],
  ])('refuses %s=%j with a ConfigError naming it', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.message).toMatch(new RegExp(`^invalid configuration:\\n  ${name}: \\S`));
  });

  it('hands out TURN only with both its URLs and its secret, for 12 h unless YISHI_TURN_TTL says otherwise', () => {
    const secret = 'a-turn-secret-of-at-least-32-characters';
    expect(
      loadConfig({
        YISHI_TURN_URLS: 'turns:turn.example.org:443?transport=tcp, turn:10.0.0.5:3478',
        YISHI_TURN_SECRET: secret,
      }).turn,
    ).toEqual({
      urls: ['turns:turn.example.org:443?transport=tcp', 'turn:10.0.0.5:3478'],
      secret,
      ttlSeconds: 43_200,
    });
    expect(
      loadConfig({ YISHI_TURN_URLS: 'turn:10.0.0.5:3478', YISHI_TURN_SECRET: secret, YISHI_TURN_TTL: '3600' }).turn
        ?.ttlSeconds,
    ).toBe(3600);
    const halves: Array<Record<string, string>> = [
      { YISHI_TURN_URLS: 'turn:10.0.0.5:3478' },
      { YISHI_TURN_SECRET: secret },
    ];
    for (const half of halves) {
      expect(configError(half).message).toContain('YISHI_TURN_URLS and YISHI_TURN_SECRET: set both');
    }
  });

  it('explains a short JWT_SECRET', () => {
    expect(configError({ JWT_SECRET: 'x'.repeat(31) }).message).toContain(
      'JWT_SECRET: JWT_SECRET must be at least 32 characters',
    );
  });

  it('names every bad variable at once', () => {
    const { message } = configError({ PORT: 'abc', LOG_LEVEL: 'loud', MEDIASOUP_LISTEN_IP: 'nowhere', HOST: '::' });
    const named = message
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(':')[0]);
    expect(named.sort()).toEqual(['LOG_LEVEL', 'MEDIASOUP_LISTEN_IP', 'PORT']);
  });
});
