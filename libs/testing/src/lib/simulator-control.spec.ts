import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SimulatorControl } from './simulator-control';

interface Seen {
  method: string;
  url: string;
  contentType?: string;
  body: string;
}

/** Answers like the simulator's `/_sim` API and records what the client asked. */
function controlServer(): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        contentType: req.headers['content-type'],
        body,
      });
      if (req.url?.startsWith('/_sim/webhooks/missing')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no webhook missing"}');
      } else if (req.url === '/_sim/burst' && req.method === 'GET') {
        res.writeHead(200).end('{"burst":null}');
      } else if (req.method === 'DELETE') {
        res.writeHead(204).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }),
    ),
  );
}

describe('SimulatorControl', () => {
  let server: Server;
  let control: SimulatorControl;
  let seen: Seen[];

  beforeEach(async () => {
    const s = await controlServer();
    server = s.server;
    seen = s.seen;
    control = new SimulatorControl(s.url);
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends each call to its /_sim route with a JSON body where it has one', async () => {
    await control.groundTruth();
    await control.events(20, 500);
    await control.startBurst(1000, 'migration');
    expect(await control.burst()).toBeNull();
    await control.setFaults({ errorRate: 0.5 });
    await control.clearFaults();
    await control.startGenerator();
    await control.stopGenerator();
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /_sim/ground-truth?deliveryLog=false',
      'GET /_sim/events?offset=20&limit=500',
      'POST /_sim/burst',
      'GET /_sim/burst',
      'PUT /_sim/faults',
      'DELETE /_sim/faults',
      'POST /_sim/generator/start',
      'POST /_sim/generator/stop',
    ]);
    expect(JSON.parse(seen[2].body)).toEqual({ count: 1000, kind: 'migration' });
    expect(seen[2].contentType).toBe('application/json');
    expect(JSON.parse(seen[4].body)).toEqual({ errorRate: 0.5 });
    expect(seen[0].contentType).toBeUndefined();
  });

  it('steps the generator in slices of 500', async () => {
    await control.step(1200);
    expect(seen.map((s) => JSON.parse(s.body).count)).toEqual([500, 500, 200]);
  });

  it('an answer of 400 or more is an error naming the call, the status and the body', async () => {
    await expect(control.deliveries('missing')).rejects.toThrow(
      'GET /_sim/webhooks/missing/deliveries: HTTP 404 {"message":"no webhook missing"}',
    );
  });
});
