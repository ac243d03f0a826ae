import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

/**
 * A coturn `turnserver` of its own for a test: TURN over TLS only (no UDP, plain TCP or DTLS
 * listener), on a port chosen at run time, with a self-signed certificate made now with openssl,
 * TURN REST credentials (`use-auth-secret`, a random secret) and relaying only to `peer` (the
 * media server): the configuration docs/deployment.md gives, on a test's addresses. No system
 * service is involved; `close()` stops the process and removes its files.
 */
export interface Coturn {
  readonly address: string;
  readonly port: number;
  /** `static-auth-secret`: give it to the Yishi server as YISHI_TURN_SECRET. */
  readonly secret: string;
  /** `turns:<address>:<port>?transport=tcp` */
  readonly url: string;
  /**
   * base64 SHA-256 of the certificate's public key, for Chromium's
   * `--ignore-certificate-errors-spki-list`: that browser then accepts this one certificate.
   */
  readonly spki: string;
  /** What coturn printed so far (diagnostics). */
  log(): string;
  close(): Promise<void>;
}

export function coturnUnavailable(): string | undefined {
  try {
    execFileSync('turnserver', ['-h'], { stdio: 'ignore' });
    return undefined;
  } catch (err) {
    // `turnserver -h` exits non-zero after printing its help: only a missing binary matters.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return 'coturn is not installed (tools/setup/test-deps.sh installs it)';
    }
    return undefined;
  }
}

/** A free TCP port on `address` (the OS chooses; released at once for coturn to take). */
async function freePort(address: string): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * turnservers left by runs killed before their `close()` (the pid in their directory's name is
 * gone): stopped, and their files removed. Only those directories' own processes are touched.
 */
function removeStale(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const match = /^yishi-coturn-(\d+)-/.exec(name);
    if (!match || fs.existsSync(`/proc/${match[1]}`)) continue;
    const dir = path.join(os.tmpdir(), name);
    try {
      const pid = Number(fs.readFileSync(path.join(dir, 'turnserver.pid'), 'utf8').trim());
      // The pid may have been reused since: only a turnserver started with this directory's config.
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) process.kill(pid, 'SIGKILL');
    } catch {} // no pid file, or that process is gone
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function startCoturn(options: {
  address: string;
  /** The only address coturn relays to: the SFU's. */
  peer: string;
  /** For a peer on 127.0.0.1 (a benchmark on loopback): coturn refuses loopback peers otherwise. */
  allowLoopback?: boolean;
}): Promise<Coturn> {
  const { address, peer } = options;
  removeStale();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `yishi-coturn-${process.pid}-`));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=yishi-test-turn'],
      ...['-addext', `subjectAltName=IP:${address}`],
    ],
    { stdio: 'ignore' },
  );
  const spki = createHash('sha256')
    .update(new X509Certificate(fs.readFileSync(cert)).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
  const secret = randomBytes(24).toString('base64url');
  const port = await freePort(address);
  // The plain listening port is configured but not opened (no-udp, no-tcp); it must still differ.
  const plainPort = await freePort(address);
  const config = [
    `listening-ip=${address}`,
    `relay-ip=${address}`,
    `listening-port=${plainPort}`,
    `tls-listening-port=${port}`,
    'no-udp',
    'no-tcp',
    'no-dtls',
    'no-tlsv1',
    'no-tlsv1_1',
    'no-rfc5780',
    'no-cli',
    'no-software-attribute',
    'fingerprint',
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    'realm=yishi.test',
    `cert=${cert}`,
    `pkey=${key}`,
    'no-multicast-peers',
    // Relay to the media server only, never into the rest of the network.
    'denied-peer-ip=0.0.0.0-255.255.255.255',
    `allowed-peer-ip=${peer}`,
    ...(options.allowLoopback ? ['allow-loopback-peers'] : []),
    `userdb=${path.join(dir, 'turndb')}`,
    `pidfile=${path.join(dir, 'turnserver.pid')}`,
    'log-file=stdout',
    'simple-log',
  ];
  const file = path.join(dir, 'turnserver.conf');
  fs.writeFileSync(file, `${config.join('\n')}\n`, { mode: 0o600 });
  let output = '';
  const child: ChildProcess = spawn('turnserver', ['-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await untilTlsAnswers(address, port, () => child.exitCode !== null);
  } catch (err) {
    await close();
    throw new Error(`coturn did not start: ${(err as Error).message}\n${output}`);
  }
  return {
    address,
    port,
    secret,
    url: `turns:${address}:${port}?transport=tcp`,
    spki,
    log: () => output,
    close,
  };
}

/** Waits until a TLS handshake succeeds at address:port (coturn is up), or fails after 10 s. */
async function untilTlsAnswers(address: string, port: number, died: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (died()) throw new Error('turnserver exited');
    const ok = await new Promise<boolean>((resolve) => {
      const socket = tls.connect({ host: address, port, rejectUnauthorized: false }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`no TLS at ${address}:${port} after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
