import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';

/**
 * A UDP sink in its own process, so counting packets does not compete with the sender in one
 * event loop. It listens on `sockets` loopback ports (consumers are spread over them) and reports
 * the packets and bytes received so far.
 */
export class UdpSink {
  readonly ports: number[];
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess, ports: number[]) {
    this.#child = child;
    this.ports = ports;
  }

  static start(sockets: number): Promise<UdpSink> {
    const child = fork(path.join(import.meta.dirname, 'udpSinkChild.mjs'), [String(sockets)], {
      stdio: 'inherit',
      execArgv: [],
    });
    return new Promise((resolve, reject) => {
      child.once('message', (m) => resolve(new UdpSink(child, (m as { ports: number[] }).ports)));
      child.once('error', reject);
    });
  }

  /** Packets and bytes received so far, and the sink's own CPU time (ms). */
  counts(): Promise<{ packets: number; bytes: number; cpuMs: number }> {
    return new Promise((resolve) => {
      this.#child.once('message', (m) => resolve(m as { packets: number; bytes: number; cpuMs: number }));
      this.#child.send('counts');
    });
  }

  stop(): void {
    this.#child.kill();
  }
}
