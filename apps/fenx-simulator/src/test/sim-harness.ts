import type { INestApplication } from '@nestjs/common';
import { validateEnvAll } from '@fenx/config';
import { LoggingEnv } from '@fenx/logging';
import { register } from 'prom-client';
import type { AddressInfo } from 'node:net';
import { createSimulatorApp } from '../app/app.factory';
import { SimulatorEnv } from '../app/config/simulator-env';

export const TENANT = '45bf62ac-e4b1-4c16-ae32-d774cd18db6d';

export interface SimHarness {
  app: INestApplication;
  url: string;
  env: SimulatorEnv;
  get<T>(type: new (...args: never[]) => T): T;
  token(scope?: string): Promise<string>;
  /** A FenX API call with a fresh-enough token and the tenant header. */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** A /_sim call (JSON in, JSON out). */
  sim<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * Boots the real app on an ephemeral port. Defaults for tests: manual clock (time moves only when
 * a test advances it), generator stopped, no duplicates, silent logs.
 */
export async function bootSimulator(overrides: Record<string, string> = {}): Promise<SimHarness> {
  const [env, logging] = validateEnvAll([SimulatorEnv, LoggingEnv], {
    SIM_PORT: '0',
    SIM_CLOCK: 'manual',
    SIM_AUTOSTART: 'false',
    SIM_DUPLICATE_RATE: '0',
    SIM_SEED: 'contract-tests',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
  // prom-client's default registry is process-wide; each app registers its metrics again.
  register.clear();
  const app = await createSimulatorApp(env, logging);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  let cached: string | undefined;

  const token = async (scope = 'fenx.journey.read fenx.entitydata.read') => {
    const res = await fetch(`${url}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: env.SIM_CLIENT_ID,
        client_secret: env.SIM_CLIENT_SECRET,
        scope,
      }),
    });
    if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}`);
    return ((await res.json()) as { access_token: string }).access_token;
  };

  return {
    app,
    url,
    env,
    get: (type) => app.get(type),
    token,
    async api(path, init = {}) {
      cached ??= await token();
      const { json, ...rest } = init;
      return fetch(`${url}${path}`, {
        ...rest,
        headers: {
          authorization: `Bearer ${cached}`,
          'x-tenant-id': TENANT,
          ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(rest.headers as Record<string, string> | undefined),
        },
        body: json !== undefined ? JSON.stringify(json) : rest.body,
      });
    },
    async sim<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${url}/_sim${path}`, {
        method,
        headers: body !== undefined ? { 'content-type': 'application/json' } : {},
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      if (res.status >= 400) throw new Error(`/_sim${path} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as T;
    },
    close: () => app.close(),
  };
}
