import { runMain, UsageError } from '@fenx/cli';
import { ConfigValidationError, validateEnvAll } from '@fenx/config';
import { LoggingEnv } from '@fenx/logging';
import { Logger } from '@nestjs/common';
import { Command } from 'commander';
import { createSimulatorApp } from './app/app.factory';
import { SimulatorEnv } from './app/config/simulator-env';

async function bootstrap(): Promise<void> {
  let env: SimulatorEnv;
  let logging: LoggingEnv;
  try {
    [env, logging] = validateEnvAll([SimulatorEnv, LoggingEnv]);
  } catch (error) {
    // A bad environment is named in full and ends with exit 2; any other start-up failure with exit 1.
    if (error instanceof ConfigValidationError) throw new UsageError(error.message);
    throw error;
  }
  const app = await createSimulatorApp(env, logging);
  await app.listen(env.SIM_PORT);
  new Logger('Bootstrap').log(
    `FenX simulator on http://localhost:${env.SIM_PORT} (tenant ${env.SIM_TENANT_ID}, seed "${env.SIM_SEED}", clock ${env.SIM_CLOCK} x${env.SIM_TIME_SCALE})`,
  );
}

const program = new Command('fenx-simulator')
  .description(
    'A FenX tenant on HTTP: OAuth2, the query and report APIs, signed webhooks and seeded activity (settings from the environment: SIM_*)',
  )
  .action(bootstrap);

runMain(program);
