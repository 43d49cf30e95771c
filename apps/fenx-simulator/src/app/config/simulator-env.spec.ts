import { ConfigValidationError, validateEnv } from '@fenx/config';
import { retryDelaysMs, SimulatorEnv } from './simulator-env';

describe('SimulatorEnv', () => {
  it('has working local defaults', () => {
    const env = validateEnv(SimulatorEnv, {});
    expect(env).toMatchObject({
      SIM_PORT: 4010,
      SIM_SIGNING_SCHEME: 'sha256-raw',
      SIM_TIME_SCALE: 1,
      SIM_CLOCK: 'scaled',
    });
    expect(retryDelaysMs(env)).toEqual([2, 4, 8, 16].map((m) => m * 60_000));
  });

  it('names every bad variable at once', () => {
    try {
      validateEnv(SimulatorEnv, {
        SIM_SIGNING_SCHEME: 'md5',
        SIM_TIME_SCALE: '0',
        SIM_RETRY_DELAYS_MINUTES: '2,x',
        SIM_WEBHOOK_URL: 'nope',
      });
      throw new Error('expected a validation error');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigValidationError);
      const names = (e as ConfigValidationError).problems.map((p) => p.split(':')[0]);
      expect(names.sort()).toEqual([
        'SIM_RETRY_DELAYS_MINUTES',
        'SIM_SIGNING_SCHEME',
        'SIM_TIME_SCALE',
        'SIM_WEBHOOK_URL',
      ]);
    }
  });

  it('parses lists and numbers', () => {
    const env = validateEnv(SimulatorEnv, {
      SIM_WEBHOOK_EVENT_TYPES: 'journey:*, entitydata:created',
      SIM_RETRY_DELAYS_MINUTES: '0.5, 1',
    });
    expect(env.SIM_WEBHOOK_EVENT_TYPES).toEqual(['journey:*', 'entitydata:created']);
    expect(retryDelaysMs(env)).toEqual([30_000, 60_000]);
  });
});
