import type { Provider } from '@nestjs/common';
import { SimulatorEnv } from '../config/simulator-env';
import { NotificationBus } from '../events/notification-bus';
import { SimStore } from '../state/sim-store';
import { SimClock } from './clock';

const MANUAL_START = Date.parse('2024-01-01T00:00:00.000Z');

export function createClock(env: SimulatorEnv, realNow: () => number = Date.now): SimClock {
  const start = env.SIM_START_TIME
    ? Date.parse(env.SIM_START_TIME)
    : env.SIM_CLOCK === 'manual'
      ? MANUAL_START
      : realNow();
  return new SimClock(env.SIM_CLOCK, env.SIM_TIME_SCALE, start, realNow);
}

/** The plain (framework-free) state objects, provided once per app. */
export function coreProviders(env: SimulatorEnv): Provider[] {
  return [
    { provide: SimulatorEnv, useValue: env },
    { provide: SimClock, useFactory: () => createClock(env) },
    { provide: SimStore, useFactory: () => new SimStore() },
    {
      provide: NotificationBus,
      inject: [SimClock],
      useFactory: (clock: SimClock) =>
        new NotificationBus(
          {
            seed: env.SIM_SEED,
            tenantId: env.SIM_TENANT_ID,
            duplicateRate: env.SIM_DUPLICATE_RATE,
            eventLogLimit: env.SIM_EVENT_LOG_LIMIT,
            emptyPayload: env.SIM_EMPTY_PAYLOAD,
          },
          clock,
        ),
    },
  ];
}
