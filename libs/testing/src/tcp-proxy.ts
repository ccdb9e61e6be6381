import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on a free loopback port, for making one client's dependency (PostgreSQL, say) go away and come
 * back without stopping the server others share. `cut()` drops every connection and refuses new ones
 * (ECONNREFUSED); `restore()` listens again on the same port.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** `postgres://user@host:port/db` with host and port replaced by the proxy's. */
  static forUrl(url: string): { proxy: TcpProxy; url: (proxyPort: number) => string } {
    const parsed = new URL(url);
    const proxy = new TcpProxy(parsed.hostname, Number(parsed.port || 5432));
    return {
      proxy,
      url: (proxyPort) => {
        const copy = new URL(url);
        copy.hostname = '127.0.0.1';
        copy.port = String(proxyPort);
        return copy.toString();
      },
    };
  }

  async start(): Promise<number> {
    await this.listen(0);
    return this.port;
  }

  /** Drops every open connection and stops accepting: clients see reset connections, then ECONNREFUSED. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restore(): Promise<void> {
    await this.listen(this.port);
  }

  async stop(): Promise<void> {
    await this.cut();
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined); // the other side is destroyed with it below
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.server = server;
  }
}
