import { Test } from '@nestjs/testing';
import { Writable } from 'node:stream';
import { Logger } from 'nestjs-pino';
import { kafkaLogsThroughPino } from './kafka-log-creator';
import { LoggingModule } from './logging.module';

describe('kafkaLogsThroughPino', () => {
  it('drops nothing once the app logger exists and writes kafkajs lines through it', async () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(chunk.toString());
        cb();
      },
    });
    const log = kafkaLogsThroughPino();
    // Before Nest has built its logger there is nowhere to write: the call must not throw.
    expect(() =>
      log({ namespace: 'Early', level: 4, label: 'INFO', log: { message: 'before the logger' } }),
    ).not.toThrow();

    const moduleRef = await Test.createTestingModule({
      imports: [
        LoggingModule.forRoot(
          { service: 'radar', version: '1' },
          { LOG_LEVEL: 'info', LOG_PRETTY: false },
          stream,
        ),
      ],
    }).compile();
    moduleRef.get(Logger);

    log({
      namespace: 'Producer',
      level: 1,
      label: 'ERROR',
      log: { message: 'broker down', broker: 'b1:9092' },
    });
    log({ namespace: 'Consumer', level: 5, label: 'DEBUG', log: { message: 'below the level' } });
    await moduleRef.close();

    const lines = chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      'log.level': 'error',
      'service.name': 'radar',
      component: 'kafkajs',
      namespace: 'Producer',
      broker: 'b1:9092',
      message: 'broker down',
    });
  });
});
