import type { INestApplication } from '@nestjs/common';
import { validateEnvAll } from '@fenx/config';
import { checkFenxBody, contractEntriesFor, FenxContractEntry } from '@fenx/fenx-client';
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
  /** The documented answers the API calls of this harness received so far (see `checkedAgainstContract`). */
  served: FenxContractEntry[];
  /** A /_sim call (JSON in, JSON out). */
  sim<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * Checks one answer of the simulator's FenX API against the FenX contract of @fenx/fenx-client: a
 * documented status must carry a body that follows its schema, an error status FenX's error shape,
 * and a 2xx the route does not document fails. Routes outside the contract are not checked. Throws
 * naming the route and the field, so every contract test fails when the simulator drifts.
 */
export async function checkedAgainstContract(
  method: string,
  path: string,
  res: Response,
  served: FenxContractEntry[] = [],
): Promise<Response> {
  const entries = contractEntriesFor(method, path.replace(/[?#].*$/, ''));
  if (entries.length === 0) return res;
  const text = await res.clone().text();
  const body: unknown = text === '' ? undefined : JSON.parse(text);
  const entry = entries.find((e) => e.status === res.status);
  const where = `${method} ${entries[0].route} answered ${res.status}`;
  if (!entry) {
    if (res.status < 300) throw new Error(`${where}, a status the FenX contract does not document`);
    const violation = checkFenxBody('error', body);
    if (violation)
      throw new Error(`${where} with a body that is not FenX's error shape: ${text.slice(0, 200)}`);
    return res;
  }
  served.push(entry);
  if (!entry.schema) {
    if (entry.empty && body !== undefined)
      throw new Error(`${where} with a body, where FenX sends none: ${text.slice(0, 200)}`);
    return res;
  }
  const violation = checkFenxBody(entry.schema, body);
  if (violation)
    throw new Error(
      `${where} with a body that breaks the contract (${entry.schema}): ${violation.field || '(body)'} ${violation.message}`,
    );
  return res;
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
  const served: FenxContractEntry[] = [];

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
    await checkedAgainstContract('POST', '/connect/token', res, served);
    return ((await res.json()) as { access_token: string }).access_token;
  };

  return {
    app,
    url,
    env,
    get: (type) => app.get(type),
    token,
    served,
    async api(path, init = {}) {
      cached ??= await token();
      const { json, ...rest } = init;
      const method = (rest.method ?? 'GET').toUpperCase();
      const res = await fetch(`${url}${path}`, {
        ...rest,
        headers: {
          authorization: `Bearer ${cached}`,
          'x-tenant-id': TENANT,
          ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(rest.headers as Record<string, string> | undefined),
        },
        body: json !== undefined ? JSON.stringify(json) : rest.body,
      });
      return checkedAgainstContract(method, path, res, served);
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
