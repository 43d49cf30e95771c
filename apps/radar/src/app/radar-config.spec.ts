import { loadRadarConfig, parseWebhookSecrets } from './radar-config';

describe('radar settings', () => {
  it('reads several secrets for rotation as a JSON list, each with its scheme or the default one', () => {
    expect(
      parseWebhookSecrets(
        '["new,secret", "sha256-hex-upper:old:with:colons", {"scheme": "secret", "secret": "sha256-raw:x"}]',
        'sha256-raw',
      ),
    ).toEqual([
      { id: 'key-1', scheme: 'sha256-raw', secret: 'new,secret' },
      { id: 'key-2', scheme: 'sha256-hex-upper', secret: 'old:with:colons' },
      { id: 'key-3', scheme: 'secret', secret: 'sha256-raw:x' },
    ]);
    expect(parseWebhookSecrets('unknown:abc', 'secret')).toEqual([
      { id: 'key-1', scheme: 'secret', secret: 'unknown:abc' },
    ]);
    expect(parseWebhookSecrets(' sha256-raw:one ', 'secret')).toEqual([
      { id: 'key-1', scheme: 'sha256-raw', secret: 'one' },
    ]);
  });

  it('refuses a comma outside a JSON list (one secret or two?), and a broken list, naming why without the secret', () => {
    const problem = (value: string) => {
      try {
        loadRadarConfig({ RADAR_WEBHOOK_SECRETS: value });
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(problem('new-s3cret,old-s3cret')).toMatch(
      /RADAR_WEBHOOK_SECRETS holds a comma, which could be one secret or two: give several secrets, or one with a comma, as a JSON list/,
    );
    expect(problem('new-s3cret,old-s3cret')).not.toContain('s3cret');
    expect(problem('["unterminated')).toMatch(/RADAR_WEBHOOK_SECRETS starts with \[ but is not a JSON list/);
    expect(problem('[]')).toMatch(/RADAR_WEBHOOK_SECRETS holds no secret/);
    expect(problem('[{"scheme": "md5", "secret": "s3cret"}]')).toMatch(/entry 1 has an unknown scheme/);
    expect(problem('[42]')).toMatch(/entry 1 is neither/);
    expect(problem(`["ok", "${'x'.repeat(129)}"]`)).toMatch(/secret 2 is not 1 to 128 characters long/);
    expect(problem('["a,b", "c"]')).toBe('accepted');
  });

  it('has working defaults around the one required setting', () => {
    const config = loadRadarConfig({ RADAR_WEBHOOK_SECRETS: 's' });
    expect(config).toMatchObject({
      port: 3000,
      webhookPath: '/webhooks/fenx',
      maxBodyBytes: 1024 * 1024,
      ackTimeoutMs: 5000,
      platform: 'fastify',
      keys: [{ scheme: 'sha256-raw', secret: 's' }],
    });
    expect(config.kafka.acks).toBe('all');
  });

  it('names every bad variable at once and never echoes a secret', () => {
    let message = '';
    try {
      loadRadarConfig({
        RADAR_WEBHOOK_SECRETS: 'x'.repeat(129),
        RADAR_WEBHOOK_PATH: 'no-slash',
        RADAR_MAX_BODY_BYTES: 'big',
        RADAR_HTTP_PLATFORM: 'koa',
      });
    } catch (e) {
      message = (e as Error).message;
    }
    for (const name of [
      'RADAR_WEBHOOK_SECRETS',
      'RADAR_WEBHOOK_PATH',
      'RADAR_MAX_BODY_BYTES',
      'RADAR_HTTP_PLATFORM',
    ])
      expect(message).toContain(name);
    expect(message).not.toContain('x'.repeat(129));
  });

  it('refuses to start without a secret', () => {
    expect(() => loadRadarConfig({})).toThrow(/RADAR_WEBHOOK_SECRETS/);
  });

  it('believes X-Forwarded-For from the configured addresses and CIDRs only, and names a bad one', () => {
    expect(loadRadarConfig({ RADAR_WEBHOOK_SECRETS: 's' }).trustProxy).toEqual([]);
    expect(
      loadRadarConfig({ RADAR_WEBHOOK_SECRETS: 's', RADAR_TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,fd00::/8' })
        .trustProxy,
    ).toEqual(['10.0.0.0/8', '192.0.2.7', 'fd00::/8']);
    for (const bad of ['10.0.0.0/33', 'kong', '10.0.0.1/8/2', 'fd00::/129'])
      expect(() => loadRadarConfig({ RADAR_WEBHOOK_SECRETS: 's', RADAR_TRUST_PROXY: bad })).toThrow(
        /RADAR_TRUST_PROXY must be comma-separated IP addresses or CIDR ranges/,
      );
  });

  it('has HTTP timeouts by default, and refuses a headers timeout above the request timeout or one port twice', () => {
    expect(loadRadarConfig({ RADAR_WEBHOOK_SECRETS: 's' }).http).toEqual({
      requestTimeoutMs: 30000,
      headersTimeoutMs: 10000,
      keepAliveTimeoutMs: 65000,
      connectionTimeoutMs: 60000,
    });
    expect(() =>
      loadRadarConfig({
        RADAR_WEBHOOK_SECRETS: 's',
        RADAR_REQUEST_TIMEOUT_MS: '5000',
        RADAR_HEADERS_TIMEOUT_MS: '6000',
      }),
    ).toThrow(/RADAR_HEADERS_TIMEOUT_MS: must be at most RADAR_REQUEST_TIMEOUT_MS \(5000\)/);
    expect(() =>
      loadRadarConfig({ RADAR_WEBHOOK_SECRETS: 's', PORT: '3000', RADAR_INTERNAL_PORT: '3000' }),
    ).toThrow(/RADAR_INTERNAL_PORT: must differ from PORT/);
    expect(loadRadarConfig({ RADAR_WEBHOOK_SECRETS: 's', RADAR_INTERNAL_PORT: '9090' }).internalPort).toBe(
      9090,
    );
  });
});
