import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';

export type Env = Record<string, string | undefined>;
type Schema<T> = new () => T;

const SECRET_NAME = /SECRET|PASSWORD|TOKEN|PRIVATE|CREDENTIAL/i;

/** Thrown at start-up when the environment does not satisfy a schema; names every bad variable. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

/**
 * The process environment as the apps read it: `validateEnv` and `validateEnvAll` below, the one place
 * settings are validated, read it through here by default. It is not the only reader of `process.env`:
 * libs/kafka's topics.ts reads `KAFKA_NAMESPACE` directly once at load (topic names are constants), and
 * the test helpers (`@fenx/kafka/test`, `@fenx/testing`) read it too (JAVA_HOME, the shared test
 * cluster, the environment of the processes they start).
 */
export function processEnv(): Env {
  return process.env;
}

function declaredProperties(schema: Schema<unknown>): string[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(schema, '', true, false);
  return [...new Set(metas.map((m) => m.propertyName))];
}

function describe(error: ValidationError, env: Env): string {
  const name = error.property;
  const raw = env[name];
  const shown =
    raw === undefined || raw === '' ? 'not set' : SECRET_NAME.test(name) ? 'value hidden' : `got "${raw}"`;
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  return `${name}: ${reasons} (${shown})`;
}

/**
 * Validates the environment against a class-validator schema and returns the typed result.
 * Only the schema's own variables are read; property initializers are the defaults.
 * Every problem is reported at once, so one failed start-up shows everything to fix.
 */
export function validateEnv<T extends object>(schema: Schema<T>, env: Env = processEnv()): T {
  const picked: Record<string, string> = {};
  for (const key of declaredProperties(schema)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const instance = plainToInstance(schema, picked, {
    exposeDefaultValues: true,
  });
  const errors = validateSync(instance, { forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigValidationError(errors.map((e) => describe(e, env)));
  }
  return instance;
}

/**
 * Validates several schemas against one environment and reports the problems of all of them together.
 */
export function validateEnvAll<const T extends readonly Schema<object>[]>(
  schemas: T,
  env: Env = processEnv(),
): { [K in keyof T]: T[K] extends Schema<infer R> ? R : never } {
  const problems: string[] = [];
  const results = schemas.map((schema) => {
    try {
      return validateEnv(schema, env);
    } catch (e) {
      if (e instanceof ConfigValidationError) {
        problems.push(...e.problems);
        return undefined;
      }
      throw e;
    }
  });
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return results as {
    [K in keyof T]: T[K] extends Schema<infer R> ? R : never;
  };
}
