import { createServer, Server } from 'node:http';
import { AddressInfo, connect, Socket } from 'node:net';

/**
 * A local forward proxy of the kind a bank's egress runs: it opens `CONNECT host:port` tunnels (how
 * clients reach any target through an HTTP proxy) and counts them with their targets.
 */
export class ConnectProxy {
  readonly tunnels: string[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ConnectProxy> {
    const server = createServer((_req, res) => {
      res.writeHead(405).end('CONNECT only');
    });
    const proxy = new ConnectProxy(server);
    server.on('connect', (req, client: Socket, head: Buffer) => proxy.tunnel(req.url ?? '', client, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private tunnel(target: string, client: Socket, head: Buffer): void {
    this.tunnels.push(target);
    const [host, port] = [
      target.slice(0, target.lastIndexOf(':')),
      Number(target.slice(target.lastIndexOf(':') + 1)),
    ];
    const upstream = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  }
}
