import { loadRadarConfig, parseWebhookSecrets } from './radar-config';

describe('radar settings', () => {
  it('reads several secrets for rotation, each with its scheme or the default one', () => {
    expect(parseWebhookSecrets('new-secret, sha256-hex-upper:old:with:colons ,,', 'sha256-raw')).toEqual([
      { id: 'key-1', scheme: 'sha256-raw', secret: 'new-secret' },
      { id: 'key-2', scheme: 'sha256-hex-upper', secret: 'old:with:colons' },
    ]);
    expect(parseWebhookSecrets('unknown:abc', 'secret')).toEqual([
      { id: 'key-1', scheme: 'secret', secret: 'unknown:abc' },
    ]);
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
});
