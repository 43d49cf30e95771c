import { URL } from 'node:url';
import { ConnectProxy } from './test/connect-proxy';
import { FakeFenx, json, ok } from './test/fake-fenx';

const ENTITY = '/entitydataquery/api/v2/entity/e-1';

describe('FenX calls through an outbound proxy', () => {
  let fake: FakeFenx;
  let proxy: ConnectProxy;

  beforeEach(async () => {
    [fake, proxy] = await Promise.all([FakeFenx.start(), ConnectProxy.start()]);
    fake.on('GET', ENTITY, (_q, r) => json(r, 200, ok({ id: 'e-1' })));
  });
  afterEach(async () => {
    await fake.close();
    await proxy.close();
  });

  const target = () => new URL(fake.baseUrl).host;

  it('sends the token request and the API calls through the proxy', async () => {
    const client = fake.client({ httpProxy: proxy.url, httpsProxy: proxy.url, noProxy: '' });
    try {
      await expect(client.getEntity('e-1')).resolves.toMatchObject({ status: 'ok' });
    } finally {
      await client.close();
    }
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels)).toEqual(new Set([target()]));
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.calls('GET', ENTITY)).toHaveLength(1);
  });

  it.each([['127.0.0.1'], ['localhost,127.0.0.1'], ['*']])(
    'bypasses the proxy for NO_PROXY=%s',
    async (noProxy) => {
      const client = fake.client({ httpProxy: proxy.url, httpsProxy: proxy.url, noProxy });
      try {
        await expect(client.getEntity('e-1')).resolves.toMatchObject({ status: 'ok' });
      } finally {
        await client.close();
      }
      expect(proxy.tunnels).toEqual([]);
      expect(fake.calls('GET', ENTITY)).toHaveLength(1);
    },
  );

  it('fails as a network error, retried, when the proxy is down', async () => {
    const down = proxy.url;
    await proxy.close();
    const client = fake.client({
      httpProxy: down,
      noProxy: '',
      maxRetries: 1,
      backoffBaseMs: 1,
      backoffMaxMs: 1,
    });
    try {
      await expect(client.getEntity('e-1')).rejects.toMatchObject({ reason: 'network' });
    } finally {
      await client.close();
    }
    expect(fake.calls('GET', ENTITY)).toHaveLength(0);
  });
});
