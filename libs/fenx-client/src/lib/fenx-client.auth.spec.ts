import { FenxApiError, isCredentialRefusal } from './fenx-api-error';
import { FenxClient } from './fenx-client';
import { CLIENT_ID, CLIENT_SECRET, FakeFenx, json, ok, TENANT, TestClock } from './test/fake-fenx';

const ENTITY = '/entitydataquery/api/v2/entity/e-1';

describe('FenxClient authentication and headers', () => {
  let fake: FakeFenx;
  let client: FenxClient;
  let clock: TestClock;

  beforeEach(async () => {
    fake = await FakeFenx.start();
    fake.on('GET', ENTITY, (_req, res) => json(res, 200, ok({ id: 'e-1', properties: {} })));
    clock = new TestClock();
    client = fake.client({}, { clock });
  });

  afterEach(async () => {
    await client.close();
    await fake.close();
  });

  it('gets a client-credentials token with a form-encoded POST and sends it with the tenant', async () => {
    const result = await client.getEntity('e-1');

    expect(result).toEqual({
      status: 'ok',
      entity: { id: 'e-1', properties: {} },
    });
    expect(fake.tokenRequests).toHaveLength(1);
    const tokenRequest = fake.tokenRequests[0];
    expect(tokenRequest.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(tokenRequest.body).toEqual({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      scope: 'fenx.journey.read fenx.entitydata.read',
    });
    expect(tokenRequest.headers['x-tenant-id']).toBeUndefined();
    const [call] = fake.calls('GET', ENTITY);
    expect(call.headers['authorization']).toBe('Bearer token-1');
    expect(call.headers['x-tenant-id']).toBe(TENANT);
    expect(call.headers['x-correlation-id']).toBeUndefined();
  });

  it('sends the caller’s correlation id', async () => {
    await client.getEntity('e-1', { correlationId: 'corr-42' });
    expect(fake.calls('GET', ENTITY)[0].headers['x-correlation-id']).toBe('corr-42');
  });

  it('omits scope when none is configured', async () => {
    const bare = fake.client({ scopes: [] }, { rateLimiter: undefined });
    try {
      // Same API and tenant: shares the first client's limiter, which is what the registry is for.
      await bare.getEntity('e-1');
      expect(fake.tokenRequests.at(-1)?.body).not.toHaveProperty('scope');
    } finally {
      await bare.close();
    }
  });

  it('caches the token: many calls, one token request', async () => {
    for (let i = 0; i < 5; i++) await client.getEntity('e-1');
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.calls('GET', ENTITY)).toHaveLength(5);
  });

  it('shares one token request among concurrent callers (single flight)', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => client.getEntity('e-1')));
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    expect(fake.tokenRequests).toHaveLength(1);
    expect(new Set(fake.requests.map((r) => r.headers['authorization']))).toEqual(
      new Set(['Bearer token-1']),
    );
  });

  it('renews the token after 80 % of its lifetime, not before', async () => {
    fake.tokenTtlSeconds = 100;
    await client.getEntity('e-1');
    clock.advance(79_000);
    await client.getEntity('e-1');
    expect(fake.tokenRequests).toHaveLength(1);

    clock.advance(2_000); // 81 s
    await client.getEntity('e-1');
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.requests.at(-1)?.headers['authorization']).toBe('Bearer token-2');
  });

  it('keeps using a still-valid token when an early renewal fails', async () => {
    fake.tokenTtlSeconds = 100;
    await client.getEntity('e-1');
    fake.tokenHandler = (_req, res) => json(res, 400, { error: 'invalid_request' });
    clock.advance(85_000);

    await expect(client.getEntity('e-1')).resolves.toMatchObject({
      status: 'ok',
    });
    expect(fake.requests.at(-1)?.headers['authorization']).toBe('Bearer token-1');
    // The next renewal is tried a few seconds later, not on every call.
    await client.getEntity('e-1');
    expect(fake.tokenRequests).toHaveLength(2);
  });

  it('on a 401 drops the token, gets a new one and retries once', async () => {
    await client.getEntity('e-1');
    fake.revokeTokens();

    await expect(client.getEntity('e-1')).resolves.toMatchObject({
      status: 'ok',
    });
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.calls('GET', ENTITY).map((r) => r.headers['authorization'])).toEqual([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('gives up after a second 401 with a FenxApiError', async () => {
    fake.on('GET', ENTITY, (_req, res) => json(res, 401, { message: 'Unauthorized' }));
    const error = await client.getEntity('e-1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FenxApiError);
    expect(error).toMatchObject({
      status: 401,
      reason: 'http-status',
      attempts: 2,
      path: ENTITY,
      messages: [{ message: 'Unauthorized' }],
    });
    expect(fake.tokenRequests).toHaveLength(2);
  });

  it('reports refused client credentials without the secret', async () => {
    const wrong = fake.client({ clientSecret: 'wrong-secret' });
    try {
      const error = await wrong.getEntity('e-1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FenxApiError);
      const e = error as FenxApiError;
      expect(e).toMatchObject({
        status: 401,
        errorCode: 'invalid_client',
        path: '/connect/token',
        attempts: 1,
      });
      expect(e.tokenRequest).toBe(true);
      expect(isCredentialRefusal(e)).toBe(true);
      expect(e.message).not.toContain('wrong-secret');
      expect(JSON.stringify(e)).not.toContain('wrong-secret');
      expect(fake.requests).toHaveLength(0);
    } finally {
      await wrong.close();
    }
  });

  it('treats a token answer without an access token as invalid', async () => {
    fake.tokenHandler = (_req, res) => json(res, 200, { expires_in: 900 });
    await expect(client.getEntity('e-1')).rejects.toMatchObject({
      reason: 'invalid-response',
      path: '/connect/token',
    });
  });

  it('retries the token endpoint on 5xx and honours its 429', async () => {
    let n = 0;
    fake.tokenHandler = (req, res) => {
      n++;
      if (n === 1) return json(res, 503, {});
      if (n === 2) return json(res, 429, {}, { 'retry-after': '3' });
      return fake.grantToken(req, res);
    };
    await expect(client.getEntity('e-1')).resolves.toMatchObject({
      status: 'ok',
    });
    expect(fake.tokenRequests).toHaveLength(3);
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps[1]).toBe(3000);
  });

  it('retries an unreachable token endpoint, then fails with reason network', async () => {
    const dead = await FakeFenx.start();
    const tokenUrl = `${dead.baseUrl}/connect/token`;
    await dead.close();
    const c = fake.client({ tokenUrl, maxRetries: 1 }, { clock });
    try {
      await expect(c.getEntity('e-1')).rejects.toMatchObject({
        reason: 'network',
        path: '/connect/token',
        attempts: 2,
      });
      expect(fake.requests).toHaveLength(0);
    } finally {
      await c.close();
    }
  });

  it('keeps a non-JSON error body out of the messages', async () => {
    fake.on('GET', ENTITY, (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    });
    const c = fake.client({ maxRetries: 0 }, { clock });
    try {
      await expect(c.getEntity('e-1')).rejects.toMatchObject({
        status: 502,
        messages: [],
        errorCode: undefined,
      });
    } finally {
      await c.close();
    }
  });

  it('never puts the token or secret into an error message', async () => {
    fake.on('GET', ENTITY, (_req, res) =>
      json(res, 400, {
        data: null,
        messages: [{ message: 'Bad id', type: 'Error', errorCode: 'BAD_REQUEST' }],
      }),
    );
    const error = (await client.getEntity('e-1').catch((e: unknown) => e)) as FenxApiError;
    expect(error.message).toBe(`FenX GET ${ENTITY} failed after 1 attempt: HTTP 400 BAD_REQUEST: Bad id`);
    expect(error.message).not.toMatch(/token-1|s3cret/);
  });

  it('tells a refusal of the credentials or tenant from other failures', async () => {
    const failure = (status: number | undefined, tokenRequest: boolean) =>
      new FenxApiError({
        reason: status === undefined ? 'network' : 'http-status',
        method: 'POST',
        path: '/p',
        attempts: 1,
        status,
        tokenRequest,
      });
    // Any call answered 401 or 403; the identity server's 4xx (invalid_client comes as 400).
    expect(isCredentialRefusal(failure(401, false))).toBe(true);
    expect(isCredentialRefusal(failure(403, false))).toBe(true);
    expect(isCredentialRefusal(failure(400, true))).toBe(true);
    // Not refusals: an API call's own 4xx, any 429, a 5xx, no answer at all, another error.
    expect(isCredentialRefusal(failure(400, false))).toBe(false);
    expect(isCredentialRefusal(failure(404, false))).toBe(false);
    expect(isCredentialRefusal(failure(429, true))).toBe(false);
    expect(isCredentialRefusal(failure(503, true))).toBe(false);
    expect(isCredentialRefusal(failure(undefined, true))).toBe(false);
    expect(isCredentialRefusal(new Error('HTTP 401'))).toBe(false);
    // An API call's failure never passes for the token request's.
    fake.on('GET', ENTITY, (_req, res) => json(res, 400, { messages: [{ message: 'bad' }] }));
    const api = await client.getEntity('e-1').catch((e: unknown) => e);
    expect(api).toBeInstanceOf(FenxApiError);
    expect(api).toMatchObject({ status: 400, tokenRequest: false });
    expect(isCredentialRefusal(api)).toBe(false);
  });
});
