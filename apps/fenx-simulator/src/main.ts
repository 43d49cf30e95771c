import { validateEnvAll } from '@fenx/config';
import { LoggingEnv } from '@fenx/logging';
import { Logger } from '@nestjs/common';
import { createSimulatorApp } from './app/app.factory';
import { SimulatorEnv } from './app/config/simulator-env';

async function bootstrap(): Promise<void> {
  const [env, logging] = validateEnvAll([SimulatorEnv, LoggingEnv]);
  const app = await createSimulatorApp(env, logging);
  await app.listen(env.SIM_PORT);
  new Logger('Bootstrap').log(
    `FenX simulator on http://localhost:${env.SIM_PORT} (tenant ${env.SIM_TENANT_ID}, seed "${env.SIM_SEED}", clock ${env.SIM_CLOCK} x${env.SIM_TIME_SCALE})`,
  );
}

void bootstrap();
