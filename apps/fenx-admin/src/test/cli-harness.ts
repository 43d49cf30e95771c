import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProgressStream } from '@fenx/cli';
import { Env } from '@fenx/config';
import { SIMULATOR_DEFAULTS } from '@fenx/testing';
import { runCli } from '../cli/cli';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs one fenx-admin command line in-process with `env`, collecting what it prints. */
export async function cli(args: string[], env: Env, progress?: ProgressStream): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { env, out: (s) => out.push(s), err: (s) => err.push(s), progress });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** FENX_* settings for a simulator at `url`, with short retries so failures are quick. */
export function fenxEnv(url: string): Record<string, string> {
  return {
    FENX_BASE_URL: url,
    FENX_CLIENT_ID: SIMULATOR_DEFAULTS.clientId,
    FENX_CLIENT_SECRET: SIMULATOR_DEFAULTS.clientSecret,
    FENX_TENANT_ID: SIMULATOR_DEFAULTS.tenantId,
    FENX_MAX_RETRIES: '1',
    FENX_BACKOFF_BASE_MS: '10',
    FENX_BACKOFF_MAX_MS: '50',
  };
}

/** A webhook endpoint that answers `status` and keeps the notification ids it acknowledged, in order. */
export class WebhookEndpoint {
  status = 200;
  readonly acknowledged: string[] = [];
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = this.status;
      if (status < 400) {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Id?: string };
          if (body.Id) this.acknowledged.push(body.Id);
        } catch {
          // not a notification: nothing to keep
        }
      }
      res.writeHead(status).end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/fenx/webhook`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
