import { bootSimulator, SimHarness, TENANT } from '../../test/sim-harness';
import { SimClock } from '../core/clock';

describe('auth contract', () => {
  let sim: SimHarness;
  let journeyPath: string;

  beforeAll(async () => {
    sim = await bootSimulator();
    await sim.sim('POST', '/generator/step', { count: 30 });
    const truth = await sim.sim<{ journeys: { id: string }[] }>('GET', '/ground-truth');
    journeyPath = `/journeyquery/api/journey-instance/${truth.journeys[0].id}`;
  });
  afterAll(() => sim.close());

  const tokenRequest = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${sim.url}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    });

  it('issues a bearer token for the configured client (form-encoded)', async () => {
    const res = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: sim.env.SIM_CLIENT_ID,
      client_secret: sim.env.SIM_CLIENT_SECRET,
      scope: 'fenx.entitydata.read fenx.journey.read',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      access_token: expect.stringMatching(/^[\w-]{20,}$/),
      expires_in: 900,
      token_type: 'Bearer',
      scope: 'fenx.entitydata.read fenx.journey.read',
    });
  });

  it('accepts client credentials in a Basic header', async () => {
    const basic = Buffer.from(`${sim.env.SIM_CLIENT_ID}:${sim.env.SIM_CLIENT_SECRET}`).toString('base64');
    const res = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
    expect(res.status).toBe(200);
  });

  it('refuses a wrong secret and an unsupported grant with OAuth2 errors', async () => {
    const wrong = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: sim.env.SIM_CLIENT_ID,
      client_secret: 'nope',
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: 'invalid_client' });
    const grant = await tokenRequest({ grant_type: 'password' });
    expect(grant.status).toBe(400);
    expect(await grant.json()).toEqual({ error: 'unsupported_grant_type' });
  });

  it('answers 401 {"message":"Unauthorized"} without a token or with an unknown one', async () => {
    const variants: Record<string, string>[] = [
      { 'x-tenant-id': TENANT },
      { 'x-tenant-id': TENANT, authorization: 'Bearer forged' },
    ];
    for (const headers of variants) {
      const res = await fetch(`${sim.url}${journeyPath}`, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: 'Unauthorized' });
    }
  });

  it('answers 403 in the FenX envelope without the tenant header or with another tenant', async () => {
    const token = await sim.token();
    const missing = await fetch(`${sim.url}${journeyPath}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(missing.status).toBe(403);
    expect(await missing.json()).toEqual({
      data: null,
      messages: [{ message: expect.any(String), type: 'Forbidden', errorCode: 'FORBIDDEN' }],
    });
    const other = await fetch(`${sim.url}${journeyPath}`, {
      headers: { authorization: `Bearer ${token}`, 'x-tenant-id': '00000000-0000-0000-0000-000000000000' },
    });
    expect(other.status).toBe(403);
  });

  it('expires tokens after expires_in on the sim clock', async () => {
    const token = await sim.token();
    const call = () =>
      fetch(`${sim.url}${journeyPath}`, {
        headers: { authorization: `Bearer ${token}`, 'x-tenant-id': TENANT },
      });
    expect((await call()).status).toBe(200);
    sim.get(SimClock).advance(899_000);
    expect((await call()).status).toBe(200);
    sim.get(SimClock).advance(1_000);
    const expired = await call();
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ message: 'Unauthorized' });
  });

  it('the token-expiry fault ends every issued token at once', async () => {
    const token = await sim.token();
    const headers = { authorization: `Bearer ${token}`, 'x-tenant-id': TENANT };
    expect((await fetch(`${sim.url}${journeyPath}`, { headers })).status).toBe(200);
    await sim.sim('PUT', '/faults', { expireTokens: true });
    expect((await fetch(`${sim.url}${journeyPath}`, { headers })).status).toBe(401);
  });

  it('answers unknown routes with a 404 envelope and leaves /_sim and /health open', async () => {
    const res = await sim.api('/journeyquery/api/nothing-here/1/2/3');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      data: null,
      messages: [{ message: expect.any(String), type: 'Error', errorCode: 'NOT_FOUND' }],
    });
    expect((await fetch(`${sim.url}/health`)).status).toBe(200);
    expect((await fetch(`${sim.url}/_sim/clock`)).status).toBe(200);
  });
});
