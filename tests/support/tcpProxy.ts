import net from 'node:net';

/**
 * A TCP proxy on loopback standing in for the deployment's reverse proxy: it sends every new
 * connection to the current target port, and `target` can be switched (the node a client was on
 * is gone or drained: its reconnection goes to another node).
 */
export class TcpProxy {
  readonly #server: net.Server;
  readonly #open = new Set<net.Socket>();
  target: number;

  private constructor(server: net.Server, target: number) {
    this.#server = server;
    this.target = target;
  }

  static async start(target: number): Promise<TcpProxy> {
    const server = net.createServer();
    const proxy = new TcpProxy(server, target);
    server.on('connection', (down) => proxy.#forward(down));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as net.AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.#open) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #forward(down: net.Socket): void {
    const up = net.connect(this.target, '127.0.0.1');
    for (const socket of [down, up]) {
      this.#open.add(socket);
      socket.on('close', () => this.#open.delete(socket));
      socket.on('error', () => {
        down.destroy();
        up.destroy();
      });
    }
    down.pipe(up).pipe(down);
  }
}
