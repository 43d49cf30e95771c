import { WebhookBody } from '@fenx/fenx-events';
import { SIGNATURE_HEADER, SigningScheme, Verifier } from '@fenx/hmac';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  body: WebhookBody;
  raw: Buffer;
  signature: string | undefined;
  signatureOk: boolean;
  status: number;
}

/**
 * A tiny webhook endpoint for tests: records every request, checks its signature with
 * @fenx/hmac, and answers what `respond` says (200 by default).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  respond: (body: WebhookBody, n: number) => number = () => 200;
  private server = http.createServer((req, res) => this.handle(req, res));
  private verifier: Verifier;

  constructor(secret: string, scheme: SigningScheme = 'sha256-raw') {
    this.verifier = new Verifier([{ scheme, secret }]);
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/fenx/webhook`;
  }

  /** Bodies acknowledged (status < 400), in the order they were acknowledged. */
  acknowledged(): WebhookBody[] {
    return this.received.filter((r) => r.status < 400).map((r) => r.body);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(raw.toString('utf8')) as WebhookBody;
      const signature = req.headers[SIGNATURE_HEADER] as string | undefined;
      const status = this.respond(body, this.received.length);
      this.received.push({
        body,
        raw,
        signature,
        signatureOk: this.verifier.verify(raw, signature).ok,
        status,
      });
      res.statusCode = status;
      res.end();
    });
  }
}
