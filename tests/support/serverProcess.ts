import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role } from '@yishi/shared';
import { signToken, type TokenSettings } from '@yishi/signaling';
import { until } from './media.js';
import { TEST_SECRET } from './server.js';

/**
 * The real server as a separate process (`node signaling/dist/main.js`, what `npm start` runs),
 * for tests that kill it and start it again on the same DATA_DIR. The dist is built by `npm test`'s
 * pretest (`npm run build`); when running vitest directly, run `npx tsc -b` first.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = path.join(ROOT, 'signaling', 'dist', 'main.js');

/** A TCP port free on 127.0.0.1 right now (the OS picks it; the listener is closed again). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface ServerProcessOptions {
  dataDir: string;
  port: number;
  /** DEMO_ROOM: the server creates and opens this room's topic on its first start (unset: the default of its environment). */
  demoRoom?: string;
  /** More environment (e.g. ORGANISER_KEY). */
  env?: Record<string, string>;
  /** Bounded wait for the ready banner and /readyz. */
  startTimeoutMs?: number;
  /** Extra flags for node itself (e.g. --cpu-prof, which NODE_OPTIONS does not allow). */
  nodeArgs?: string[];
}

/** The pids of `pid`'s live child processes (Linux /proc), e.g. a server's mediasoup workers. */
export function childPids(pid: number): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat && stat.ppid === pid && stat.state !== 'Z') found.push(Number(name));
  }
  return found;
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

function readStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: state ?? '', ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

export class ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly tokens: TokenSettings = { secret: TEST_SECRET, issuer: 'yishi', audience: 'yishi' };
  /** The media workers this server had started (recorded at start). */
  readonly workerPids: number[];
  readonly #exited: Promise<void>;
  #output: string;

  private constructor(child: ChildProcess, url: string, output: { text: string }, exited: Promise<void>) {
    this.child = child;
    this.url = url;
    this.#output = output.text;
    this.#exited = exited;
    this.workerPids = child.pid === undefined ? [] : childPids(child.pid);
    child.stdout?.on('data', (chunk: Buffer) => {
      this.#output += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#output += chunk.toString('utf8');
    });
  }

  /** Starts `node signaling/dist/main.js`; resolves once it printed its ready banner and /readyz is 200. */
  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm run build, or npx tsc -b)`);
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN], {
      cwd: ROOT,
      // Only what the server needs: nothing of the test runner's environment leaks in.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? ROOT,
        PORT: String(options.port),
        HOST: '127.0.0.1',
        DATA_DIR: options.dataDir,
        JWT_SECRET: TEST_SECRET,
        MEDIASOUP_WORKERS: '1',
        MEDIASOUP_LISTEN_IP: '127.0.0.1',
        MEDIASOUP_PORT: '0',
        ...(options.demoRoom === undefined ? {} : { DEMO_ROOM: options.demoRoom }),
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const output = { text: '' };
    const collect = (chunk: Buffer) => {
      output.text += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);

    try {
      // The banner comes after the demo topic exists, so the room can be joined once it is printed.
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => done(new Error('timed out waiting for the ready banner')), timeoutMs);
        const onData = () => {
          const match = /Yishi is ready at (http:\/\/\S+)/.exec(output.text);
          if (match?.[1]) done(undefined, match[1]);
        };
        const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
          done(new Error(`server exited during start (code ${code}, signal ${signal})`));
        const done = (err?: Error, value?: string) => {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          child.off('exit', onExit);
          if (err) reject(err);
          else resolve(value as string);
        };
        child.stdout.on('data', onData);
        child.once('exit', onExit);
      });
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await fetch(`${url}/readyz`).catch(() => undefined);
        if (res?.status === 200) break;
        if (Date.now() > deadline) throw new Error('timed out waiting for /readyz');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      child.stdout.off('data', collect);
      child.stderr.off('data', collect);
      return new ServerProcess(child, url, output, exited);
    } catch (err) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`${(err as Error).message}\n--- server output ---\n${output.text}`);
    }
  }

  /** Everything the process wrote to stdout and stderr so far. */
  get output(): string {
    return this.#output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** A room token signed with the server's JWT secret. */
  token(claims: { sub: string; name: string; role: Role; room: string; sector?: string }): string {
    return signToken(this.tokens, claims, '1h');
  }

  /** SIGKILL, as a crash or power cut would: no shutdown code runs. Resolves once it and its workers are gone. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.#exited;
    await this.#workersGone();
  }

  /** Stops the server if it still runs (SIGTERM, then SIGKILL after a bounded wait); its workers too. */
  async stop(): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
      await this.#exited;
      clearTimeout(timer);
    }
    await this.#workersGone();
  }

  /** Waits (bounded) for the workers to exit; any still there are killed, and that is an error. */
  async #workersGone(): Promise<void> {
    try {
      await until(() => this.workerPids.every((pid) => !isAlive(pid)), 'the server’s media workers exit');
    } catch (err) {
      for (const pid of this.workerPids.filter(isAlive)) process.kill(pid, 'SIGKILL');
      throw err;
    }
  }
}
