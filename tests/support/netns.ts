import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A weak network link for one browser, from Linux network namespaces:
 *
 *   host (hostAddress) ──veth── link namespace (the weak link) ──veth── browser namespace (nsAddress)
 *
 * The link namespace forwards between two private /30s of 10.213.0.0/16, rate-limits each
 * direction with a token bucket (`tc … tbf` on the egress of both its veths) and drops packets
 * at random with iptables' `statistic` match in its FORWARD chain (netem is not available on our
 * machines); the same chain can drop all UDP, or all but TCP to chosen ports (`LinkShape.filter`). The drops are in a router in the middle rather than in the browser's own namespace
 * because a DROP on the sender's OUTPUT chain fails its sendto() with EPERM, and Chromium sends a
 * UDP packet again after such an error: a loss of p would become p². Only namespaces' own
 * netfilter tables are touched, never the host's. A server bound to `hostAddress` is reachable
 * from the browser's namespace, and from the host as usual; Chromium started through
 * `chromiumWrapper` lives in the browser's namespace. Needs root; `netnsUnavailable()` says why not.
 */

export interface LinkShape {
  /** Rate limit each way, kbit/s; undefined: no limit. */
  rateKbit?: number;
  /** Probability (0..1) that a packet is dropped, each way, independently; 1 cuts the link. */
  loss?: number;
  /**
   * What the link lets through at all: `no-udp` drops every UDP packet (a network that blocks
   * UDP); `{ tcpTo: ports }` drops everything but TCP to those ports of the host's address and
   * their answers (a network that lets only outbound TCP 443 out). Undefined: everything.
   */
  filter?: 'no-udp' | { tcpTo: number[] };
}

const PREFIX = 'yishi-wl';

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const quietly = (cmd: string, args: string[]) => {
  try {
    run(cmd, args);
  } catch {} // already gone, or nothing to remove
};

/** Why network namespaces cannot be used here (not root, kernel refuses), or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  const probe = `${PREFIX}-probe-${process.pid}`;
  try {
    run('ip', ['netns', 'add', probe]);
    run('ip', ['netns', 'del', probe]);
    return undefined;
  } catch (err) {
    const reason = String((err as { stderr?: string }).stderr || err).trim();
    return `network namespaces unavailable (ip netns add failed: ${reason})`;
  }
}

/** Interface and namespace names of link `n` of process `pid` (interface names: 15 characters at most). */
function names(pid: number, n: number) {
  return {
    browserNs: `${PREFIX}-${pid}-${n}`,
    linkNs: `${PREFIX}-${pid}-${n}-link`,
    hostIf: `ywl${pid}h${n}`,
    /** The link namespace's ends: toward the host (carries the upload) and toward the browser (the download). */
    up: `ywl${pid}u${n}`,
    down: `ywl${pid}d${n}`,
    browserIf: `ywl${pid}b${n}`,
  };
}

/** Links left by runs killed before their teardown (their pid is gone). */
function removeStale(): void {
  for (const line of run('ip', ['netns', 'list']).split('\n')) {
    const match = new RegExp(`^${PREFIX}-(\\d+)-(\\d+)(-link)? `).exec(`${line.split(' ')[0]} `);
    if (!match || fs.existsSync(`/proc/${match[1]}`)) continue;
    const n = names(Number(match[1]), Number(match[2]));
    quietly('ip', ['link', 'del', n.hostIf]);
    quietly('ip', ['netns', 'del', n.linkNs]);
    quietly('ip', ['netns', 'del', n.browserNs]);
  }
}

/** The two .1/.2 addresses of /30 number `i` of 10.213.0.0/16. */
const slash30 = (i: number) => {
  const prefix = `10.213.${i >> 6}.`;
  const base = (i & 63) * 4;
  return { one: `${prefix}${base + 1}`, two: `${prefix}${base + 2}`, net: `${prefix}${base}/30` };
};

let created = 0;

export class NetNs {
  /** The browser's namespace. */
  readonly name: string;
  /** The veth end on the host, and its address: bind servers here. */
  readonly hostIf: string;
  readonly hostAddress: string;
  /** The browser's address. */
  readonly nsAddress: string;
  readonly #n: ReturnType<typeof names>;
  readonly #dir: string;
  #iptables = 'iptables';
  #closed = false;

  private constructor(n: number, pair: number) {
    this.#n = names(process.pid, n);
    this.name = this.#n.browserNs;
    this.hostIf = this.#n.hostIf;
    this.hostAddress = slash30(pair).one;
    this.nsAddress = slash30(pair + 1).two;
    this.#dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yishi-netns-'));
  }

  /** Creates the namespaces and links, unshaped. Call `close()` in a finally/afterAll. */
  static create(): NetNs {
    removeStale();
    const n = created++;
    // Two adjacent /30s, chosen from the pid so parallel runs differ; skip any already on the host.
    const inUse = new Set(
      Object.values(os.networkInterfaces())
        .flat()
        .map((a) => a?.address),
    );
    let pair = ((process.pid * 5 + n) * 2) % 16384;
    while (inUse.has(slash30(pair).one)) pair = (pair + 2) % 16384;
    const ns = new NetNs(n, pair);
    try {
      ns.#setUp(pair);
    } catch (err) {
      ns.close();
      throw err;
    }
    return ns;
  }

  #setUp(pair: number): void {
    const { browserNs, linkNs, hostIf, up, down, browserIf } = this.#n;
    const hostSide = slash30(pair);
    const browserSide = slash30(pair + 1);
    const inNs = (ns: string, ...args: string[]) => run('ip', ['-n', ns, ...args]);
    run('ip', ['netns', 'add', linkNs]);
    run('ip', ['netns', 'add', browserNs]);
    run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', up, 'netns', linkNs]);
    inNs(linkNs, 'link', 'add', down, 'type', 'veth', 'peer', 'name', browserIf, 'netns', browserNs);

    run('ip', ['addr', 'add', `${hostSide.one}/30`, 'dev', hostIf]);
    run('ip', ['link', 'set', hostIf, 'up']);
    // Only the browser's /30, through this veth: the route goes when the veth does.
    run('ip', ['route', 'add', browserSide.net, 'via', hostSide.two, 'dev', hostIf]);

    inNs(linkNs, 'addr', 'add', `${hostSide.two}/30`, 'dev', up);
    inNs(linkNs, 'addr', 'add', `${browserSide.one}/30`, 'dev', down);
    for (const dev of [up, down, 'lo']) inNs(linkNs, 'link', 'set', dev, 'up');
    run('ip', ['netns', 'exec', linkNs, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);

    inNs(browserNs, 'addr', 'add', `${browserSide.two}/30`, 'dev', browserIf);
    for (const dev of [browserIf, 'lo']) inNs(browserNs, 'link', 'set', dev, 'up');
    inNs(browserNs, 'route', 'add', 'default', 'via', browserSide.one);
    this.#iptables = this.#pickIptables();
  }

  /** Debian 12's `iptables` is the nft backend; a kernel without nf_tables still has the legacy tables. */
  #pickIptables(): string {
    for (const bin of ['iptables', 'iptables-legacy']) {
      try {
        run('ip', ['netns', 'exec', this.#n.linkNs, bin, '-S', 'FORWARD']);
        return bin;
      } catch {}
    }
    throw new Error('iptables does not work here: run tools/setup/test-deps.sh (apt-get install iptables)');
  }

  /** Replaces the link's shaping, both directions alike. */
  shape(shape: LinkShape): void {
    const { linkNs, up, down } = this.#n;
    for (const dev of [up, down]) {
      if (shape.rateKbit) {
        // A burst of a few packets and at most 200 ms of queue: a slow link, not an endless buffer.
        run('tc', [
          ...['-n', linkNs, 'qdisc', 'replace', 'dev', dev, 'root', 'tbf'],
          ...['rate', `${shape.rateKbit}kbit`, 'burst', '6kb', 'latency', '200ms'],
        ]);
      } else {
        quietly('tc', ['-n', linkNs, 'qdisc', 'del', 'dev', dev, 'root']);
      }
    }
    const iptables = (...args: string[]) => run('ip', ['netns', 'exec', linkNs, this.#iptables, ...args]);
    iptables('-F', 'FORWARD');
    if (shape.loss) {
      iptables(
        '-A',
        'FORWARD',
        '-m',
        'statistic',
        '--mode',
        'random',
        '--probability',
        String(shape.loss),
        '-j',
        'DROP',
      );
    }
    if (shape.filter === 'no-udp') iptables('-A', 'FORWARD', '-p', 'udp', '-j', 'DROP');
    else if (shape.filter) {
      // Stateless: the browser's connections out to these ports, and the packets coming back.
      for (const port of shape.filter.tcpTo) {
        iptables(
          '-A',
          'FORWARD',
          '-i',
          down,
          '-p',
          'tcp',
          '-d',
          this.hostAddress,
          '--dport',
          String(port),
          '-j',
          'ACCEPT',
        );
        iptables(
          '-A',
          'FORWARD',
          '-i',
          up,
          '-p',
          'tcp',
          '-s',
          this.hostAddress,
          '--sport',
          String(port),
          '-j',
          'ACCEPT',
        );
      }
      iptables('-A', 'FORWARD', '-j', 'DROP');
    }
  }

  /** An executable that runs Chromium in the browser's namespace: pass it to playwright's `executablePath`. */
  chromiumWrapper(chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'): string {
    const file = path.join(this.#dir, 'chromium');
    fs.writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${this.name} ${chromium} "$@"\n`, { mode: 0o755 });
    return file;
  }

  /**
   * Removes both namespaces (with their iptables rules), the veths (with their tc qdiscs and the
   * host's route) and the wrapper. Idempotent, never throws. Close the browser first: a process
   * still in its namespace keeps that alive, though the link is gone anyway.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    quietly('ip', ['link', 'del', this.#n.hostIf]);
    quietly('ip', ['netns', 'del', this.#n.linkNs]);
    quietly('ip', ['netns', 'del', this.#n.browserNs]);
    fs.rmSync(this.#dir, { recursive: true, force: true });
  }
}
