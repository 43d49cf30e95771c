import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FenxClient } from './fenx-client';
import { FenxClientModule } from './fenx-client.module';
import { FakeFenx, json, ok } from './test/fake-fenx';

@Injectable()
class Consumer {
  constructor(readonly fenx: FenxClient) {}
}

describe('FenxClientModule', () => {
  let fake: FakeFenx;

  beforeEach(async () => {
    fake = await FakeFenx.start();
    fake.on('GET', '/entitydataquery/api/v2/entity/e-1', (_q, r) => json(r, 200, ok({ id: 'e-1' })));
  });

  afterEach(() => fake.close());

  it('forRoot provides one global FenxClient and closes it on shutdown', async () => {
    @Module({ providers: [Consumer] })
    class FeatureModule {}

    const app = await Test.createTestingModule({
      imports: [FenxClientModule.forRoot(fake.settings()), FeatureModule],
    }).compile();
    await app.init();
    const consumer = app.get(Consumer);
    expect(consumer.fenx).toBe(app.get(FenxClient));
    await expect(consumer.fenx.getEntity('e-1')).resolves.toMatchObject({
      status: 'ok',
    });

    await app.close();
    await expect(consumer.fenx.getEntity('e-1')).rejects.toMatchObject({
      reason: 'aborted',
    });
  });

  it('forRootAsync builds the client from injected configuration', async () => {
    const SETTINGS = Symbol('settings');
    @Module({
      providers: [{ provide: SETTINGS, useValue: fake.settings() }],
      exports: [SETTINGS],
    })
    class ConfigModule {}

    const events: string[] = [];
    const app = await Test.createTestingModule({
      imports: [
        FenxClientModule.forRootAsync({
          imports: [ConfigModule],
          inject: [SETTINGS],
          useFactory: (settings: ReturnType<FakeFenx['settings']>) => ({
            settings,
            options: { listener: { onRequest: (e) => events.push(e.outcome) } },
          }),
        }),
      ],
    }).compile();
    await app.init();

    await app.get(FenxClient).getEntity('e-1');
    expect(events).toEqual(['ok', 'ok']);
    expect(app.get(FenxClient).settings.baseUrl).toBe(fake.baseUrl);
    await app.close();
  });
});
