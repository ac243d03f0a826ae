import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './serverProcess.js';

/**
 * A real redis-server (Debian's, installed by `npm test`'s set-up) on a free loopback port, its
 * data in a throwaway directory. `appendfsync always`: what the README asks of a deployment
 * that must lose nothing acknowledged, so restart tests check exactly that setting.
 */
export class RedisServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  #child: ChildProcess;

  private constructor(port: number, dir: string, child: ChildProcess) {
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
    this.dir = dir;
    this.#child = child;
  }

  static async start(): Promise<RedisServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-redis-'));
    const port = await freePort();
    const server = new RedisServer(port, dir, await launch(port, dir));
    return server;
  }

  /** SIGKILL, then the same port and data directory again (what a crash and restart look like). */
  async crashAndRestart(): Promise<void> {
    await this.crash();
    await this.restart();
  }

  /** SIGKILL (no shutdown code runs); resolves once the process is gone. `restart` brings it back. */
  crash(): Promise<void> {
    return this.#kill('SIGKILL');
  }

  /** Starts redis-server again on the same port and data directory (its AOF is replayed). */
  async restart(): Promise<void> {
    if (this.running) throw new Error('redis-server is still running');
    this.#child = await launch(this.port, this.dir);
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  async stop(): Promise<void> {
    await this.#kill('SIGTERM');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  #kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  args.push('--appendonly', 'yes', '--appendfsync', 'always', '--daemonize', 'no');
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start in 10 s:\n${output}`)), 10_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.once('error', (err) =>
      fail(new Error(`cannot run redis-server (${err.message}); npm test installs it from Debian as root`)),
    );
    let ready = false;
    child.once('exit', (code) => {
      if (!ready) fail(new Error(`redis-server exited with ${code}:\n${output}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (ready) return;
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        ready = true;
        resolve(child);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
  });
}
