import { IsBoolean, IsInt, IsNotEmpty, IsString, IsUrl, Max, Min } from 'class-validator';
import { EnvBoolean, EnvList, EnvNumber } from './env-decorators';
import { ConfigValidationError, validateEnv, validateEnvAll } from './validate-env';

class ExampleEnv {
  @IsString({ each: true })
  @IsNotEmpty()
  @EnvList()
  EXAMPLE_BROKERS: string[] = ['localhost:9092'];

  @IsInt()
  @Min(1)
  @Max(65535)
  @EnvNumber()
  EXAMPLE_PORT = 3000;

  @IsBoolean()
  @EnvBoolean()
  EXAMPLE_IDEMPOTENT = true;

  @IsString()
  @IsNotEmpty()
  EXAMPLE_SECRET!: string;
}

class OtherEnv {
  @IsUrl({ require_tld: false })
  OTHER_URL!: string;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigValidationError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('validateEnv', () => {
  it('applies defaults and converts types', () => {
    const cfg = validateEnv(ExampleEnv, { EXAMPLE_SECRET: 's3cret' });
    expect(cfg.EXAMPLE_BROKERS).toEqual(['localhost:9092']);
    expect(cfg.EXAMPLE_PORT).toBe(3000);
    expect(cfg.EXAMPLE_IDEMPOTENT).toBe(true);
  });

  it('parses lists, numbers and booleans from strings', () => {
    const cfg = validateEnv(ExampleEnv, {
      EXAMPLE_BROKERS: 'a:1, b:2,,',
      EXAMPLE_PORT: '8080',
      EXAMPLE_IDEMPOTENT: 'FALSE',
      EXAMPLE_SECRET: 'x',
    });
    expect(cfg.EXAMPLE_BROKERS).toEqual(['a:1', 'b:2']);
    expect(cfg.EXAMPLE_PORT).toBe(8080);
    expect(cfg.EXAMPLE_IDEMPOTENT).toBe(false);
  });

  it('reads only the variables the schema declares', () => {
    const cfg = validateEnv(ExampleEnv, {
      EXAMPLE_SECRET: 'x',
      UNRELATED: 'y',
    });
    expect(Object.keys(cfg)).not.toContain('UNRELATED');
  });

  it('names every bad variable at once, with the value unless it is a secret', () => {
    const problems = problemsOf(() =>
      validateEnv(ExampleEnv, {
        EXAMPLE_PORT: 'eighty',
        EXAMPLE_IDEMPOTENT: 'maybe',
      }),
    );
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('EXAMPLE_PORT:'))).toContain('got "eighty"');
    expect(problems.find((p) => p.startsWith('EXAMPLE_IDEMPOTENT:'))).toContain('got "maybe"');
    expect(problems.find((p) => p.startsWith('EXAMPLE_SECRET:'))).toContain('not set');
  });

  it('never prints a secret value', () => {
    class SecretEnv {
      @IsInt()
      @EnvNumber()
      API_TOKEN!: number;
    }
    const [problem] = problemsOf(() => validateEnv(SecretEnv, { API_TOKEN: 'hunter2' }));
    expect(problem).toContain('API_TOKEN');
    expect(problem).toContain('value hidden');
    expect(problem).not.toContain('hunter2');
  });

  it('treats an empty string as unset', () => {
    const problems = problemsOf(() => validateEnv(ExampleEnv, { EXAMPLE_SECRET: '' }));
    expect(problems).toEqual([expect.stringMatching(/^EXAMPLE_SECRET: .*not set/)]);
  });

  it('reports the problems of several schemas together', () => {
    const err = (() => {
      try {
        validateEnvAll([ExampleEnv, OtherEnv], {
          EXAMPLE_PORT: '0',
          OTHER_URL: 'not a url',
        });
      } catch (e) {
        return e as ConfigValidationError;
      }
      throw new Error('expected failure');
    })();
    expect(err.message).toMatch(/EXAMPLE_PORT/);
    expect(err.message).toMatch(/EXAMPLE_SECRET/);
    expect(err.message).toMatch(/OTHER_URL/);
  });

  it('returns each schema typed when all are valid', () => {
    const [a, b] = validateEnvAll([ExampleEnv, OtherEnv], {
      EXAMPLE_SECRET: 'x',
      OTHER_URL: 'http://localhost:3000',
    });
    expect(a.EXAMPLE_PORT).toBe(3000);
    expect(b.OTHER_URL).toBe('http://localhost:3000');
  });
});
